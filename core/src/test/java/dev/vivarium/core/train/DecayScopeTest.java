package dev.vivarium.core.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import dev.vivarium.core.engine.TensorEngine;
import dev.vivarium.core.model.Model;
import dev.vivarium.core.recipe.Recipe;
import dev.vivarium.core.recipe.RecipeLoader;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Which parameters weight decay reaches: named in the recipe, visible in the resolved config, obeyed. */
class DecayScopeTest {
    private static final Path TINY =
            Path.of("src/test/resources/recipes/tiny-modular.yaml").toAbsolutePath();

    @Test
    void globsSelectByDottedName() {
        Recipe r = RecipeLoader.load(TINY, List.of("train.decay=[\"**.W_*\", embed.W_E]"));
        TrainConfig t = r.train();
        assertTrue(t.decays("blocks.0.attn.W_Q") && t.decays("unembed.W_U") && t.decays("embed.W_E"));
        assertFalse(t.decays("blocks.0.attn.b_Q") || t.decays("blocks.0.ln1.w"));
        TrainConfig all = RecipeLoader.load(TINY, List.of()).train();
        assertEquals(List.of("**"), all.decay(), "the default, written into every resolved config");
        String yaml = RecipeLoader.toYaml(RecipeLoader.load(TINY, List.of()));
        assertTrue(yaml.contains("decay:"), yaml);
        assertEquals(
                List.of("**"),
                RecipeLoader.parse(yaml, "resolved", List.of()).train().decay());
        assertTrue(all.decays("blocks.0.attn.b_Q") && all.decays("anything.at.all"));
    }

    /** With zero gradients one SGD step (no momentum) is p (1 - lr wd) where decay applies and p elsewhere. */
    @Test
    void onlyTheChosenParametersDecay() {
        Recipe r = RecipeLoader.load(
                TINY,
                List.of(
                        "train.optimizer=sgd",
                        "train.weightDecay=0.5",
                        "train.lr=0.1",
                        "train.momentum=0",
                        "train.decay=[\"**.W_*\"]",
                        "model.bias=true"));
        TensorEngine.start(1);
        try (NDManager m = NDManager.newBaseManager();
                Model model = r.model().build(m, 3)) {
            var params = model.params();
            Map<String, float[]> before = new LinkedHashMap<>();
            for (String n : params.trainableNames()) {
                before.put(n, params.get(n).toFloatArray());
            }
            Optimizer.zeroGradients(params);
            Optimizer.of(r.train(), params).step(0.1);
            int decayed = 0;
            for (String n : params.trainableNames()) {
                float[] now = params.get(n).toFloatArray();
                float factor = r.train().decays(n) ? 0.95f : 1f;
                decayed += r.train().decays(n) ? 1 : 0;
                for (int i = 0; i < now.length; i++) {
                    assertEquals(before.get(n)[i] * factor, now[i], 1e-6, n + "[" + i + "]");
                }
            }
            assertTrue(decayed > 0 && decayed < params.trainableNames().size(), "both kinds were present");
        }
    }
}
