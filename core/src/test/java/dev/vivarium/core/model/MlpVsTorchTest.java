package dev.vivarium.core.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vivarium.core.EngineTest;
import dev.vivarium.core.Fixtures;
import dev.vivarium.core.Fixtures.Fixture;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The MLP against the PyTorch reference ({@code tools/oracle/models.py} {@code MlpRef}): logits,
 * float64 loss and every gradient, to 1e-5 relative error per tensor (see {@link VsTorch}).
 */
class MlpVsTorchTest extends EngineTest {

    @ParameterizedTest
    @ValueSource(strings = {"mlp_onehot", "mlp_embed"})
    void logitsLossAndGradientsMatchPyTorch(String name) {
        Fixture f = Fixtures.load(name);
        try (Model model = f.build(manager)) {
            double logitErr = VsTorch.logits(f, model, manager);
            List<String> rest = VsTorch.lossAndGradients(f, model, manager);
            System.out.printf("%s vs torch: logits %.3g, %s%n", name, logitErr, String.join(", ", rest));
        }
    }

    @Test
    void embedInputTrainsItsEmbeddingAndOneHotInputHasNone() {
        try (Model embed = Fixtures.load("mlp_embed").build(manager);
                Model onehot = Fixtures.load("mlp_onehot").build(manager)) {
            assertEquals(
                    List.of("embed.W_E", "layers.0.W_in", "layers.0.b_in", "unembed.W_U", "unembed.b_U"),
                    embed.params().trainableNames());
            assertEquals(
                    List.of(
                            "layers.0.W_in",
                            "layers.0.b_in",
                            "layers.1.W_in",
                            "layers.1.b_in",
                            "unembed.W_U",
                            "unembed.b_U"),
                    onehot.params().trainableNames());
        }
    }

    @Test
    void withoutBiasesTheBiasesAreFrozenAtZero() {
        Fixture f = Fixtures.load("mlp_onehot");
        MlpConfig c = (MlpConfig) f.config();
        MlpConfig noBias = new MlpConfig(
                c.input(), c.depth(), c.width(), c.act(), c.dEmbed(), false, c.nInputs(), c.dVocab(), c.dOut());
        try (Model model = noBias.build(manager, 3)) {
            assertEquals(
                    List.of("layers.0.W_in", "layers.1.W_in", "unembed.W_U"),
                    model.params().trainableNames());
            for (String n : List.of("layers.0.b_in", "layers.1.b_in", "unembed.b_U")) {
                assertTrue(
                        !model.params().get(n).hasGradient()
                                && Fixtures.maxAbs(
                                                Fixtures.floats(model.params().get(n)))
                                        == 0,
                        n);
            }
        }
    }

    @Test
    void anMlpScoresExactlyOnePosition() {
        Fixture f = Fixtures.load("mlp_embed");
        try (Model model = f.build(manager)) {
            IllegalArgumentException e = assertThrows(
                    IllegalArgumentException.class, () -> model.logits(f.tokens(manager), new int[] {0, 1}));
            assertTrue(e.getMessage().contains("one prediction per example"), e.getMessage());
        }
    }
}
