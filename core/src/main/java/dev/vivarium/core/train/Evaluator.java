package dev.vivarium.core.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import dev.vivarium.core.engine.StepScope;
import dev.vivarium.core.model.Model;

/**
 * Loss, per-token accuracy and exact match of a model on a data set, or the mean squared error of a
 * regression, in chunks, without gradients.
 */
public final class Evaluator {
    private Evaluator() {}

    /**
     * What one evaluation measured.
     *
     * @param loss mean cross-entropy over examples and scored positions
     * @param accuracy share of scored tokens predicted right
     * @param exactMatch share of examples with every scored token right
     * @param perPosition accuracy at each scored position, in order
     */
    public record Score(double loss, double accuracy, double exactMatch, double[] perPosition) {}

    /**
     * Mean squared error of a regression model over a data set, in chunks of {@code chunk} examples.
     *
     * @param features {@code [n, dIn]} float32
     * @param values {@code [n, dOut]} targets
     */
    public static double meanSquaredError(Model model, NDArray features, NDArray values, int chunk) {
        return meanSquaredError(model, features, values, null, chunk);
    }

    /**
     * The same, each output's squared error weighted by {@code outputWeights} ({@code [dOut]} float64, or null):
     * {@link Loss#mse(NDArray, NDArray, NDArray)} over the whole set.
     */
    public static double meanSquaredError(
            Model model, NDArray features, NDArray values, NDArray outputWeights, int chunk) {
        long n = features.getShape().get(0);
        long outputs = values.getShape().get(1);
        double sum = 0;
        for (long from = 0; from < n; from += chunk) {
            long to = Math.min(n, from + chunk);
            try (StepScope s = new StepScope()) {
                NDArray x = from == 0 && to == n ? features : features.get(from + ":" + to);
                NDArray y = from == 0 && to == n ? values : values.get(from + ":" + to);
                sum += Loss.squaredErrorSum(model.logits(x, new int[] {0}), y, outputWeights);
            }
        }
        return sum / (n * outputs);
    }

    /** Loss and accuracies of a token model over a data set, in chunks of {@code chunk} examples. */
    public static Score evaluate(Model model, NDArray tokens, NDArray targets, int[] scored, int chunk) {
        long n = tokens.getShape().get(0);
        double lossSum = 0;
        long correctTokens = 0;
        long exact = 0;
        long[] perPosition = new long[scored.length];
        for (long from = 0; from < n; from += chunk) {
            long to = Math.min(n, from + chunk);
            try (StepScope s = new StepScope()) {
                NDArray tok = from == 0 && to == n ? tokens : tokens.get(from + ":" + to);
                NDArray tgt = from == 0 && to == n ? targets : targets.get(from + ":" + to);
                NDArray logits = model.logits(tok, scored);
                lossSum += Loss.crossEntropySum(logits, tgt);
                NDArray correct = Loss.correct(logits, tgt).toType(DataType.INT64, false); // [batch, scored]
                correctTokens += correct.sum().getLong();
                exact += correct.min(new int[] {1}).sum().getLong();
                long[] byPosition = correct.sum(new int[] {0}).toLongArray();
                for (int i = 0; i < perPosition.length; i++) {
                    perPosition[i] += byPosition[i];
                }
            }
        }
        double[] acc = new double[scored.length];
        for (int i = 0; i < acc.length; i++) {
            acc[i] = (double) perPosition[i] / n;
        }
        return new Score(
                lossSum / (n * scored.length), (double) correctTokens / (n * scored.length), (double) exact / n, acc);
    }
}
