package dev.vivarium.core.recipe;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vivarium.core.model.Activation;
import dev.vivarium.core.model.TransformerConfig;
import dev.vivarium.core.task.ModularArithmetic;
import dev.vivarium.core.task.ModularArithmetic.Op;
import dev.vivarium.core.train.TrainConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Recipes: the committed ones resolve to the values they state (and the sizes their task implies),
 * a resolved recipe round-trips through YAML, and every bad recipe is refused with a message that
 * names the file, the field, the offending value and what is allowed.
 */
class RecipeLoaderTest {
    private static final Path RECIPES = Path.of("../recipes");

    @TempDir
    Path dir;

    private static String grokking() throws IOException {
        return Files.readString(RECIPES.resolve("grokking.yaml"));
    }

    @Test
    void theGrokkingRecipeResolvesToNandaEtAlsSetup() {
        Recipe r = RecipeLoader.load(RECIPES.resolve("grokking.yaml"), List.of());
        assertEquals("grokking", r.name());
        assertEquals(0, r.seed());
        assertEquals(new ModularArithmetic(113, Op.ADD, 0.3), r.task());
        // dVocab = p + 1 (the '=' token), dVocabOut = p, nCtx = 3 (a, b, =): from the task
        assertEquals(
                new TransformerConfig(1, 128, 4, 32, 512, Activation.RELU, false, false, false, 114, 113, 3),
                r.model());
        TrainConfig t = r.train();
        assertEquals(TrainConfig.Algorithm.ADAMW, t.optimizer());
        assertEquals(1e-3, t.lr());
        assertEquals(1.0, t.weightDecay());
        assertEquals(List.of(0.9, 0.98), t.betas());
        assertEquals(10, t.warmupSteps());
        assertEquals(15000, t.steps());
        assertEquals(Optional.empty(), t.batchSize(), "full batch");
        assertEquals(40, t.checkpoints());
    }

    @Test
    void theQuickRecipeDerivesDHeadAndTrainsPastGrokking() {
        Recipe r = RecipeLoader.load(RECIPES.resolve("grokking-quick.yaml"), List.of());
        TransformerConfig m = (TransformerConfig) r.model();
        assertEquals(128 / 4, m.dHead());
        assertEquals(0.4, ((ModularArithmetic) r.task()).trainFraction());
        assertEquals(Optional.empty(), r.train().stopAtTestAcc(), "no early stop: clean-up is part of the picture");
        assertEquals(2500, r.train().steps());
    }

    /** Every recipe under {@code recipes/} resolves, and its resolved form reads back equal. */
    @ParameterizedTest
    @MethodSource("committedRecipes")
    void aResolvedRecipeRoundTripsThroughYaml(String file) {
        Recipe r = RecipeLoader.load(RECIPES.resolve(file), List.of());
        String yaml = RecipeLoader.toYaml(r);
        Recipe back = RecipeLoader.parse(yaml, file + " (resolved)", List.of());
        assertEquals(r, back);
        assertEquals(yaml, RecipeLoader.toYaml(back));
        assertTrue(yaml.contains("\n  kind: ") && !yaml.contains("!<"), "kinds as fields, not YAML tags: " + yaml);
    }

    static Stream<String> committedRecipes() throws IOException {
        try (Stream<Path> files = Files.list(RECIPES)) {
            List<String> names = files.map(p -> p.getFileName().toString())
                    .filter(n -> n.endsWith(".yaml"))
                    .sorted()
                    .toList();
            assertTrue(
                    names.contains("grokking.yaml"),
                    "recipes/ not found from " + Path.of("").toAbsolutePath());
            return names.stream();
        }
    }

    @Test
    void overridesAreApplied() {
        Recipe r = RecipeLoader.load(
                RECIPES.resolve("grokking.yaml"), List.of("train.lr=3e-4", "model.nLayers=2", "task.op=sub", "seed=7"));
        assertEquals(3e-4, r.train().lr());
        assertEquals(2, ((TransformerConfig) r.model()).nLayers());
        assertEquals(Op.SUB, ((ModularArithmetic) r.task()).op());
        assertEquals(7, r.seed());
        // and a later override wins
        assertEquals(
                5e-4,
                RecipeLoader.load(RECIPES.resolve("grokking.yaml"), List.of("train.lr=3e-4", "train.lr=5e-4"))
                        .train()
                        .lr());
    }

    /** label, text replaced, replacement, overrides, what the message must contain. */
    static Stream<Arguments> badRecipes() {
        return Stream.of(
                bad(
                        "unknown top-level field",
                        "seed: 0",
                        "seed: 0\ncolour: red",
                        List.of(),
                        "unknown field 'colour'",
                        "red",
                        "allowed here: description, init, lens, model, name, seed, task, threads, train"),
                bad(
                        "unknown nested field",
                        "dModel: 128",
                        "dModle: 128",
                        List.of(),
                        "unknown field 'model.dModle'",
                        "128",
                        "did you mean 'dModel'",
                        "allowed here:",
                        "nLayers"),
                bad("word for a number", "lr: 1.0e-3", "lr: fast", List.of(), "train.lr", "'fast'", "number"),
                bad(
                        "fraction for an integer",
                        "steps: 15000",
                        "steps: 1.5",
                        List.of(),
                        "train.steps",
                        "'1.5'",
                        "integer"),
                bad(
                        "division modulo a composite",
                        "p: 113\n  op: add",
                        "p: 112\n  op: div",
                        List.of(),
                        "task.p",
                        "112",
                        "prime"),
                bad(
                        "trainFraction 0",
                        "trainFraction: 0.3",
                        "trainFraction: 0",
                        List.of(),
                        "task.trainFraction",
                        "0.0",
                        "(0, 1)"),
                bad(
                        "trainFraction 1",
                        "trainFraction: 0.3",
                        "trainFraction: 1",
                        List.of(),
                        "task.trainFraction",
                        "1.0",
                        "(0, 1)"),
                bad(
                        "trainFraction 1.5",
                        "trainFraction: 0.3",
                        "trainFraction: 1.5",
                        List.of(),
                        "task.trainFraction",
                        "1.5",
                        "(0, 1)"),
                bad(
                        "unknown model kind",
                        "kind: transformer",
                        "kind: lstm",
                        List.of(),
                        "model.kind",
                        "'lstm'",
                        "transformer, mlp"),
                bad(
                        "unknown task kind",
                        "kind: modular",
                        "kind: sorting",
                        List.of(),
                        "task.kind",
                        "'sorting'",
                        "modular, parity, addition"),
                bad(
                        "missing model kind",
                        "  kind: transformer\n",
                        "",
                        List.of(),
                        "model.kind",
                        "missing",
                        "transformer, mlp"),
                bad("missing section", "train:", "training:", List.of(), "missing section 'train'"),
                bad("missing required field", "  p: 113\n", "", List.of(), "task.p", "missing", "integer"),
                bad(
                        "unknown operation",
                        "op: add",
                        "op: pow",
                        List.of(),
                        "task.op: unknown operation 'pow'",
                        "div (/)"),
                bad("unknown activation", "act: relu", "act: tanh", List.of(), "model.act", "'tanh'", "relu, gelu"),
                bad(
                        "vocabulary conflicting with the task",
                        "nLayers: 1",
                        "nLayers: 1\n  dVocab: 100",
                        List.of(),
                        "model.dVocab",
                        "100",
                        "114",
                        "leave it out"),
                bad(
                        "override of an unknown field",
                        "",
                        "",
                        List.of("train.lrr=3e-4"),
                        "unknown field 'train.lrr'",
                        "did you mean 'lr'",
                        "allowed here:"),
                bad(
                        "override that is not key=value",
                        "",
                        "",
                        List.of("train.lr"),
                        "--set 'train.lr'",
                        "key=value",
                        "train.lr=3e-4"),
                bad("override with a bad value", "", "", List.of("train.steps=1.5"), "train.steps", "'1.5'", "integer"),
                bad("override through a value", "", "", List.of("seed.x=1"), "seed", "is a value, not a section"),
                bad(
                        "heads not dividing the width",
                        "  dHead: 32\n",
                        "",
                        List.of("model.nHeads=3"),
                        "model.dHead",
                        "128",
                        "3",
                        "set dHead"));
    }

    private static Arguments bad(String label, String from, String to, List<String> sets, String... mustContain) {
        return Arguments.of(label, from, to, sets, List.of(mustContain));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badRecipes")
    void badRecipesNameFileFieldValueAndWhatIsAllowed(
            String label, String from, String to, List<String> sets, List<String> mustContain) throws IOException {
        String text = grokking();
        if (!from.isEmpty()) {
            assertTrue(text.contains(from), "test set-up: '" + from + "' not in the recipe");
            text = text.replaceFirst(Pattern.quote(from), Matcher.quoteReplacement(to));
        }
        Path file = dir.resolve("bad.yaml");
        Files.writeString(file, text);
        RecipeException e = assertThrows(RecipeException.class, () -> RecipeLoader.load(file, sets), label);
        String m = e.getMessage();
        // an error in a field that a --set wrote names the override, not the file
        String first = sets.isEmpty() || label.startsWith("heads") ? file + ": " : "--set ";
        assertTrue(m.startsWith(first), "'" + first + "' is not named first: " + m);
        for (String s : mustContain) {
            assertTrue(m.contains(s), label + ": '" + s + "' missing from: " + m);
        }
        assertFalse(m.contains("Cannot map") || m.contains("DeserializationFeature"), "library jargon: " + m);
    }

    @Test
    void aMissingFileAndInvalidYamlAreNamed() throws IOException {
        RecipeException missing =
                assertThrows(RecipeException.class, () -> RecipeLoader.load(dir.resolve("nope.yaml"), List.of()));
        assertTrue(missing.getMessage().contains("nope.yaml")
                && missing.getMessage().contains("no such recipe file"));
        Path broken = dir.resolve("broken.yaml");
        Files.writeString(broken, "name: x\ntask: [unclosed\n");
        RecipeException yaml = assertThrows(RecipeException.class, () -> RecipeLoader.load(broken, List.of()));
        assertTrue(
                yaml.getMessage().startsWith(broken + ": not valid YAML")
                        && yaml.getMessage().contains("line"),
                yaml.getMessage());
    }

    @Test
    void hostileRecipeFilesAreRefusedBeforeParsing() throws IOException {
        Path huge = dir.resolve("huge.yaml");
        Files.writeString(huge, "name: " + "x".repeat(50_000_000) + "\n");
        long t0 = System.nanoTime();
        RecipeException big = assertThrows(RecipeException.class, () -> RecipeLoader.load(huge, List.of()));
        assertTrue((System.nanoTime() - t0) / 1e9 < 2, "refused without parsing");
        assertEquals(huge + ": 50000007 bytes; a recipe is a few kB (at most 1048576 bytes)", big.getMessage());
        RecipeException zero =
                assertThrows(RecipeException.class, () -> RecipeLoader.load(Path.of("/dev/zero"), List.of()));
        assertEquals(
                "/dev/zero: not a regular file (a device, pipe or socket); a recipe is a YAML file", zero.getMessage());
        RecipeException folder = assertThrows(RecipeException.class, () -> RecipeLoader.load(dir, List.of()));
        assertTrue(folder.getMessage().endsWith("not a regular file (a directory); a recipe is a YAML file"));
    }

    @Test
    void duplicateKeysAndASecondDocumentAreErrors() throws IOException {
        String text = grokking();
        Path twice = dir.resolve("twice.yaml");
        Files.writeString(twice, text.replaceFirst("seed: ", "seed: 1\nseed: "));
        RecipeException dup = assertThrows(RecipeException.class, () -> RecipeLoader.load(twice, List.of()));
        assertTrue(dup.getMessage().startsWith(twice + ": not valid YAML: Duplicate field 'seed'"), dup.getMessage());
        Path two = dir.resolve("two.yaml");
        Files.writeString(two, text + "\n---\nname: other\n");
        RecipeException doc = assertThrows(RecipeException.class, () -> RecipeLoader.load(two, List.of()));
        assertTrue(doc.getMessage().startsWith(two + ": a second YAML document starts at line "), doc.getMessage());
        assertTrue(doc.getMessage().endsWith("; a recipe is one document"), doc.getMessage());
    }
}
