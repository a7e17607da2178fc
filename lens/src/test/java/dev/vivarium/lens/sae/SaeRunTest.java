package dev.vivarium.lens.sae;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vivarium.core.engine.StepScope;
import dev.vivarium.core.hook.Hook;
import dev.vivarium.core.hook.HookScope;
import dev.vivarium.core.model.Model;
import dev.vivarium.core.recipe.Recipe;
import dev.vivarium.core.recipe.RecipeLoader;
import dev.vivarium.core.run.Experiment;
import dev.vivarium.core.task.Examples;
import dev.vivarium.core.train.Loss;
import dev.vivarium.lens.cache.Ablation;
import dev.vivarium.lens.cache.Selection;
import dev.vivarium.lens.numeric.Tensors;
import dev.vivarium.lens.run.LensRun;
import dev.vivarium.lens.run.RunAnalyses;
import dev.vivarium.store.run.RunDir;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code lens RUN sae} on a tiny real run. The losses it reports are recomputed here by another path: the model's
 * scored-position forward ({@link Model#logits}, not {@code forwardAll}), zero-ablation by {@link Ablation#zero}, and
 * the reconstruction by the SAE read back from its saved files; loss recovered must follow from them.
 */
class SaeRunTest {
    static final String RECIPE =
            """
      name: sae-test
      seed: 1
      threads: 1
      task: {kind: modular, p: 23, op: add, trainFraction: 0.5}
      model: {kind: transformer, nLayers: 1, dModel: 32, nHeads: 2, dMlp: 64, act: relu, bias: false}
      train: {lr: 3.0e-3, weightDecay: 1.0, betas: [0.9, 0.98], steps: 100, logEvery: 50, checkpoints: 3}
      """;

    @TempDir
    Path runs;

    @Test
    void reportedLossesMatchAnIndependentForward() throws Exception {
        Recipe recipe = RecipeLoader.parse(RECIPE, "sae-test.yaml", List.of());
        RunDir run = Experiment.start(recipe, runs, Optional.of("sae-test"), List.of());
        SaeOptions o = new SaeOptions(Optional.empty(), SaeOptions.Variant.TOPK, 2, 0, 4, 300, 3e-3, 128, 0);
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        List<Path> files = SaeAnalysis.with(
                o,
                () -> RunAnalyses.run(run.root(), List.of("sae"), Optional.empty(), false, new PrintStream(log, true)));
        long last = run.checkpointSteps().get(run.checkpointSteps().size() - 1);
        Path json = run.analysesDir().resolve(String.format("sae/step_%08d.json", last));
        assertEquals(List.of(json, run.analysesDir().resolve(String.format("sae/step_%08d.png", last))), files);
        JsonNode root = new ObjectMapper().readTree(json.toFile());
        assertTrue(log.toString().contains("sae at step " + last + ": SAE topk"), log.toString());
        assertEquals("blocks.0.mlp.hook_post", root.get("hook").asText());
        assertEquals(23 * 23, root.get("examples").asInt());
        assertEquals(23 * 23, root.get("rows").asInt()); // one scored position
        assertEquals(64, root.get("d_in").asInt());
        assertEquals(128, root.get("d_sae").asInt());
        assertEquals(4.0, root.get("l0").asDouble(), 1e-9); // TopK: exactly k active (ReLU can only lower it)
        for (String f : List.of("fvu_definition", "l0_definition", "dead_definition", "loss_recovered_definition")) {
            assertTrue(root.get(f).isTextual(), f);
        }
        Path saeDir = run.analysesDir().resolve(String.format("sae/step_%08d", last));
        assertTrue(Files.isRegularFile(saeDir.resolve(SaeFile.WEIGHTS)));
        JsonNode cfg = new ObjectMapper().readTree(saeDir.resolve(SaeFile.CFG).toFile());
        assertEquals("topk", cfg.get("architecture").asText());
        assertEquals("blocks.0.mlp.hook_post", cfg.get("hook_name").asText());
        assertEquals(4, cfg.get("k").asInt());

        try (LensRun lens = LensRun.open(run.root())) {
            lens.load(last);
            Model model = lens.model();
            try (Sae sae = SaeFile.read(saeDir, lens.manager())) {
                for (String subset : List.of("all", "train", "test")) {
                    Examples ex = subset.equals("all")
                            ? lens.data().examples()
                            : subset.equals("train")
                                    ? lens.data().train()
                                    : lens.data().test();
                    JsonNode r = root.get("loss_recovered").get(subset);
                    assertEquals(ex.n(), r.get("examples").asInt(), subset);
                    double clean = loss(model, ex, null);
                    double zero = loss(model, ex, Ablation.zero(Selection.ALL));
                    double rec = loss(model, ex, (name, act) -> {
                        Shape s = act.getShape();
                        return sae.reconstruct(act.reshape(-1, s.get(s.dimension() - 1)))
                                .reshape(s);
                    });
                    assertEquals(clean, r.get("clean_loss").asDouble(), 1e-6 * (1 + clean), subset + " clean");
                    assertEquals(zero, r.get("zero_ablation_loss").asDouble(), 1e-5 * zero, subset + " zero");
                    assertEquals(rec, r.get("sae_loss").asDouble(), 1e-4 * (1 + rec), subset + " sae");
                    assertEquals(
                            (zero - rec) / (zero - clean),
                            r.get("loss_recovered").asDouble(),
                            1e-3,
                            subset + " recovered");
                    if (subset.equals("train")) { // the tiny model memorises: only there does its MLP matter
                        assertTrue(zero > clean + 0.1, "zero-ablating the MLP must hurt: " + zero + " vs " + clean);
                    }
                }
            }
        }
        JsonNode fourier = root.get("fourier");
        assertTrue(fourier.get("applicable").asBoolean(), fourier.toString());
        assertEquals(
                128 - root.get("dead_latents").asInt(),
                fourier.get("live_latents").asInt());
        int sum = 0;
        for (JsonNode c : fourier.get("latents_by_best_frequency")) {
            sum += c.asInt();
        }
        assertEquals(fourier.get("live_latents").asInt(), sum);

        // a hook point that does not exist is a one-line error naming the option
        IllegalArgumentException e = assertThrows(
                IllegalArgumentException.class,
                () -> SaeAnalysis.with(
                        o.withHook("blocks.7.mlp.hook_post"),
                        () -> RunAnalyses.run(
                                run.root(), List.of("sae"), Optional.empty(), false, new PrintStream(log, true))));
        assertTrue(e.getMessage().startsWith("--sae-hook blocks.7.mlp.hook_post: no such hook point"), e.getMessage());
    }

    /** Mean cross-entropy on {@code ex} by the scored-position forward, with {@code hook} at the MLP if given. */
    private static double loss(Model model, Examples ex, Hook hook) {
        try (StepScope s = new StepScope();
                HookScope h = hook == null ? () -> {} : model.hooks().add("blocks.0.mlp.hook_post", hook)) {
            NDArray tokens = Tensors.tokens(model.params().manager(), ex.tokens(), ex.n(), ex.seqLen());
            NDArray targets = Tensors.tokens(model.params().manager(), ex.targets(), ex.n(), ex.scored().length);
            return Loss.crossEntropy(model.logits(tokens, ex.scored()), targets).getDouble();
        }
    }
}
