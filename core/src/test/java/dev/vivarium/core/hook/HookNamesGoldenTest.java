package dev.vivarium.core.hook;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.vivarium.core.EngineTest;
import dev.vivarium.core.Fixtures;
import dev.vivarium.core.Fixtures.Fixture;
import dev.vivarium.core.engine.StepScope;
import dev.vivarium.core.model.Activation;
import dev.vivarium.core.model.Mlp;
import dev.vivarium.core.model.MlpConfig;
import dev.vivarium.core.model.Model;
import dev.vivarium.core.model.ModelConfig;
import dev.vivarium.core.model.Transformer;
import dev.vivarium.core.model.TransformerConfig;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The hook names of each model kind, pinned against hand-written golden lists under {@code
 * golden/} (TransformerLens' names, in forward order). The order is also checked against the order
 * in which a forward pass with every point hooked actually reaches them, and the PyTorch
 * reference's cache names (TransformerLens' naming) must all be hook points of the same config.
 */
class HookNamesGoldenTest extends EngineTest {

    static Stream<Arguments> goldens() {
        return Stream.of(
                Arguments.of(
                        "hooks_transformer_1l_nanda.txt",
                        new TransformerConfig(1, 32, 4, 8, 64, Activation.RELU, false, false, false, 18, 17, 3)),
                Arguments.of(
                        "hooks_transformer_2l_ln.txt",
                        new TransformerConfig(2, 16, 2, 8, 32, Activation.GELU, true, false, true, 11, 11, 6)),
                Arguments.of(
                        "hooks_transformer_2l_attnonly_ln.txt",
                        new TransformerConfig(2, 12, 3, 4, 0, Activation.RELU, true, true, true, 7, 7, 5)),
                Arguments.of(
                        "hooks_mlp_2l.txt",
                        new MlpConfig(MlpConfig.Input.ONEHOT, 2, 20, Activation.RELU, 0, true, 6, 2, 2)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("goldens")
    void hookNamesEqualTheGoldenList(String golden, ModelConfig cfg) throws IOException {
        List<String> want = readGolden(golden);
        List<String> fromConfig =
                cfg instanceof TransformerConfig t ? Transformer.hookNames(t) : Mlp.hookNames((MlpConfig) cfg);
        assertEquals(want, fromConfig, golden);
        try (Model model = cfg.build(manager, 0)) {
            assertEquals(want, model.hooks().names(), golden);
            assertEquals(want, firingOrder(model, cfg), golden + ": order in which forwardAll reaches the points");
        }
    }

    /** The PyTorch reference caches TransformerLens hook names; each must be a point of our model. */
    @ParameterizedTest
    @ValueSource(strings = {"transformer_small", "transformer_nanda", "transformer_attnonly"})
    void thePyTorchReferenceCacheNamesAreHookPoints(String name) {
        Fixture f = Fixtures.load(name);
        Set<String> torch = f.tensors().keySet().stream()
                .filter(n -> n.startsWith("expected.cache."))
                .map(n -> n.substring("expected.cache.".length()))
                .collect(Collectors.toCollection(TreeSet::new));
        List<String> ours = Transformer.hookNames((TransformerConfig) f.config());
        assertTrue(
                ours.containsAll(torch),
                "not hook points: "
                        + torch.stream().filter(n -> !ours.contains(n)).toList());
        // the reference stores every point except LayerNorm scales and ln2's output (tools/oracle/README.md)
        Set<String> missing = new TreeSet<>(ours);
        missing.removeAll(torch);
        assertTrue(
                missing.stream().allMatch(n -> n.endsWith(".hook_scale") || n.endsWith(".ln2.hook_normalized")),
                "not in the reference: " + missing);
    }

    private List<String> firingOrder(Model model, ModelConfig cfg) {
        List<String> seen = new ArrayList<>();
        long[] shape = cfg instanceof TransformerConfig t
                ? new long[] {2, t.nCtx()}
                : new long[] {2, ((MlpConfig) cfg).nInputs()};
        try (StepScope s = new StepScope();
                HookScope h = model.hooks().add(n -> true, (n, a) -> {
                    seen.add(n);
                    return a;
                })) {
            model.forwardAll(manager.zeros(new Shape(shape), DataType.INT64));
        }
        return seen;
    }

    private static List<String> readGolden(String file) throws IOException {
        try (InputStream in = HookNamesGoldenTest.class.getResourceAsStream("/golden/" + file)) {
            if (in == null) {
                throw new IOException("no golden file " + file);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8)
                    .lines()
                    .map(String::strip)
                    .filter(l -> !l.isEmpty() && !l.startsWith("#"))
                    .toList();
        }
    }
}
