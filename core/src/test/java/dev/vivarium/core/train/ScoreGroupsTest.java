package dev.vivarium.core.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.types.Shape;
import dev.vivarium.core.EngineTest;
import dev.vivarium.core.engine.Ops;
import dev.vivarium.core.engine.StepScope;
import dev.vivarium.core.model.Activation;
import dev.vivarium.core.model.Transformer;
import dev.vivarium.core.model.TransformerConfig;
import dev.vivarium.core.task.Examples;
import dev.vivarium.core.task.Induction;
import dev.vivarium.core.task.TaskConfig;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * A task's score groups are logged as {@code test_loss_<name>} and {@code test_acc_<name>}, equal to the mean
 * cross-entropy and accuracy computed by hand from the full logits over every repeated sequence's own positions
 * (prefix lengths 5 to 9: one group per length, pooled under one name); a task
 * with more than 16 scored positions (18 here) logs no per-position column.
 */
class ScoreGroupsTest extends EngineTest {
    @Test
    void groupLossesEqualTheHandComputedMeansOverTheirRowsAndPositions() throws Exception {
        Induction task = new Induction(12, 9, 5, 3, 0.5, 64, 40);
        TaskConfig.Data data = task.generate(2);
        TransformerConfig cfg = new TransformerConfig(
                2, 16, 2, 8, 0, Activation.RELU, false, true, false, task.dVocab(), task.dVocabOut(), task.seqLen());
        try (Transformer model = cfg.build(manager, 5);
                TrainingData td = new TrainingData(manager, data, Optional.of(16), 2)) {
            td.withTestGroups(task.scoreGroups(data.test()));
            Examples test = data.test();
            int[] rows = task.repeatedRows(test);
            assertEquals(20, rows.length);
            float[] logits;
            try (StepScope s = new StepScope()) {
                logits = model.forwardAll(
                                Ops.owned(Ops.longs(manager, test.tokens(), new Shape(test.n(), test.seqLen()))))
                        .toFloatArray();
            }
            Map<String, Double> expected = new HashMap<>();
            expected.putAll(byHand(logits, test, task, rows, true, task.dVocabOut(), "repeat"));
            expected.putAll(byHand(logits, test, task, rows, false, task.dVocabOut(), "first"));
            TrainConfig tc = new TrainConfig(
                    TrainConfig.Algorithm.ADAMW,
                    1e-3,
                    0,
                    List.of("**"),
                    List.of(0.9, 0.98),
                    1e-8,
                    0,
                    0,
                    1,
                    Optional.of(16),
                    1,
                    0,
                    7,
                    Optional.empty(),
                    Optional.empty(),
                    Optional.empty(),
                    Optional.empty());
            Map<Long, Map<String, Double>> logged = new HashMap<>();
            new Trainer(model, Optimizer.of(tc, model.params()), tc, td)
                    .listen(new TrainListener() {
                        @Override
                        public void onLog(Trainer t, long step, Map<String, Double> row) {
                            logged.put(step, Map.copyOf(row));
                        }
                    })
                    .run();
            Map<String, Double> row0 = logged.get(0L);
            for (Map.Entry<String, Double> e : expected.entrySet()) {
                assertEquals(e.getValue(), row0.get(e.getKey()), 1e-5, e.getKey());
            }
            assertTrue(
                    row0.keySet().stream().noneMatch(k -> k.startsWith("test_acc_pos")),
                    row0.keySet().toString());
            assertFalse(Double.isNaN(logged.get(1L).get("test_loss_repeat")));
        }
    }

    private static Map<String, Double> byHand(
            float[] logits, Examples test, Induction task, int[] rows, boolean repeat, int vocab, String name) {
        double loss = 0;
        double right = 0;
        double n = 0;
        int len = test.seqLen();
        for (int r : rows) {
            int m = task.period(test, r);
            for (int p = repeat ? m + 1 : 1; p < (repeat ? 2 * m : m); p++) {
                n++;
                int base = (r * len + p) * vocab;
                int target = (int) test.tokens()[r * len + p + 1];
                double max = Double.NEGATIVE_INFINITY;
                int best = 0;
                for (int v = 0; v < vocab; v++) {
                    if (logits[base + v] > max) {
                        max = logits[base + v];
                        best = v;
                    }
                }
                double z = 0;
                for (int v = 0; v < vocab; v++) {
                    z += Math.exp(logits[base + v] - max);
                }
                loss += Math.log(z) - (logits[base + target] - max);
                right += best == target ? 1 : 0;
            }
        }
        return Map.of("test_loss_" + name, loss / n, "test_acc_" + name, right / n);
    }
}
