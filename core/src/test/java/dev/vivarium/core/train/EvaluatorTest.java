package dev.vivarium.core.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import dev.vivarium.core.EngineTest;
import dev.vivarium.core.Fixtures;
import dev.vivarium.core.Fixtures.Fixture;
import dev.vivarium.core.engine.Ops;
import dev.vivarium.core.model.Model;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Evaluation, in chunks of any size, gives the loss and the accuracies that the reference logits
 * imply: per scored token, per position, and exact match over an example's tokens. Targets are set
 * from the reference predictions so that some examples are wholly right and some positions not.
 */
class EvaluatorTest extends EngineTest {
    @ParameterizedTest
    @ValueSource(ints = {1, 2, 64})
    void scoresFollowFromTheReferenceLogits(int chunk) {
        Fixture f = Fixtures.load("transformer_small");
        int[] scored = f.scored();
        float[] logits = f.get("expected.logits").toFloats(); // [batch, pos, vocab]
        long[] shape = f.get("expected.logits").shape();
        int batch = (int) shape[0];
        int pos = (int) shape[1];
        int vocab = (int) shape[2];
        long[] targets = new long[batch * scored.length];
        double[] perPosition = new double[scored.length];
        double lossSum = 0;
        int correct = 0;
        int exact = 0;
        for (int b = 0; b < batch; b++) {
            boolean all = true;
            for (int i = 0; i < scored.length; i++) {
                int row = (b * pos + scored[i]) * vocab;
                int best = 0;
                double max = Double.NEGATIVE_INFINITY;
                for (int v = 0; v < vocab; v++) {
                    if (logits[row + v] > max) {
                        max = logits[row + v];
                        best = v;
                    }
                }
                boolean right = b % 2 == 0 || i == 0; // examples 0, 2, 4 wholly right; position 0 always
                int target = right ? best : (best + 1) % vocab;
                targets[b * scored.length + i] = target;
                double z = 0;
                for (int v = 0; v < vocab; v++) {
                    z += Math.exp(logits[row + v] - max);
                }
                lossSum += Math.log(z) - (logits[row + target] - max);
                correct += right ? 1 : 0;
                perPosition[i] += right ? 1.0 / batch : 0;
                all &= right;
            }
            exact += all ? 1 : 0;
        }
        NDArray targetArray = Ops.longs(manager, targets, new Shape(batch, scored.length));
        try (Model model = f.build(manager)) {
            Evaluator.Score s = Evaluator.evaluate(model, f.tokens(manager), targetArray, scored, chunk);
            assertEquals(lossSum / (batch * scored.length), s.loss(), 1e-5 * Math.abs(s.loss()));
            assertEquals(3.0 / 5, s.exactMatch(), 1e-12, "the fixture has 5 examples");
            assertEquals((double) correct / (batch * scored.length), s.accuracy(), 1e-12);
            assertEquals((double) exact / batch, s.exactMatch(), 1e-12);
            assertArrayEquals(perPosition, s.perPosition(), 1e-12);
        }
    }
}
