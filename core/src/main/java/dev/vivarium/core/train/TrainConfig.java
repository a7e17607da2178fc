package dev.vivarium.core.train;

import com.fasterxml.jackson.annotation.JsonValue;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * How a model is trained, as written in a recipe's {@code train:} block.
 *
 * @param optimizer {@code adamw} or {@code sgd}
 * @param lr peak learning rate
 * @param weightDecay decoupled (AdamW) or L2 (SGD) weight decay
 * @param betas AdamW's two moment decay rates
 * @param eps AdamW's denominator epsilon
 * @param momentum SGD momentum
 * @param warmupSteps linear warm-up: update {@code s} (from 0) uses {@code lr * min(s / warmupSteps, 1)}
 * @param steps number of updates
 * @param batchSize examples per update; absent means the full training set every step
 * @param logEvery steps between metric rows (the first and last step are always logged)
 * @param checkpoints number of log-spaced checkpoints (step 0 and the last step always included)
 * @param evalBatch examples per forward pass when evaluating
 * @param stopAtTestAcc stop early once test accuracy reaches this value at a logged step
 */
public record TrainConfig(
        Algorithm optimizer,
        double lr,
        double weightDecay,
        List<Double> betas,
        double eps,
        double momentum,
        int warmupSteps,
        int steps,
        Optional<Integer> batchSize,
        int logEvery,
        int checkpoints,
        int evalBatch,
        Optional<Double> stopAtTestAcc) {

    /** Optimizers Vivarium trains with. */
    public enum Algorithm {
        ADAMW,
        SGD;

        @JsonValue
        public String yamlName() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    public TrainConfig {
        if (optimizer == null) {
            throw new IllegalArgumentException("optimizer: required, one of adamw, sgd");
        }
        if (!(lr > 0) || Double.isInfinite(lr)) {
            throw new IllegalArgumentException("lr: must be a positive number, got " + lr);
        }
        if (!(weightDecay >= 0) || Double.isInfinite(weightDecay)) {
            throw new IllegalArgumentException("weightDecay: must be >= 0, got " + weightDecay);
        }
        if (betas == null || betas.size() != 2 || betas.stream().anyMatch(b -> b == null || !(b >= 0 && b < 1))) {
            throw new IllegalArgumentException("betas: must be two numbers in [0, 1), got " + betas);
        }
        betas = List.copyOf(betas);
        if (!(eps > 0)) {
            throw new IllegalArgumentException("eps: must be positive, got " + eps);
        }
        if (!(momentum >= 0 && momentum < 1)) {
            throw new IllegalArgumentException("momentum: must be in [0, 1), got " + momentum);
        }
        if (warmupSteps < 0) {
            throw new IllegalArgumentException("warmupSteps: must be >= 0, got " + warmupSteps);
        }
        if (steps < 1) {
            throw new IllegalArgumentException("steps: must be a positive integer, got " + steps);
        }
        if (batchSize == null) {
            batchSize = Optional.empty();
        }
        batchSize.ifPresent(b -> {
            if (b < 1) {
                throw new IllegalArgumentException(
                        "batchSize: must be a positive integer (or absent for full batch), got " + b);
            }
        });
        if (logEvery < 1) {
            throw new IllegalArgumentException("logEvery: must be a positive integer, got " + logEvery);
        }
        if (checkpoints < 0) {
            throw new IllegalArgumentException("checkpoints: must be >= 0, got " + checkpoints);
        }
        if (evalBatch < 1) {
            throw new IllegalArgumentException("evalBatch: must be a positive integer, got " + evalBatch);
        }
        if (stopAtTestAcc == null) {
            stopAtTestAcc = Optional.empty();
        }
        stopAtTestAcc.ifPresent(a -> {
            if (!(a > 0 && a <= 1)) {
                throw new IllegalArgumentException("stopAtTestAcc: must be in (0, 1], got " + a);
            }
        });
    }

    /** Learning rate of update {@code s} (counted from 0). */
    public double lrAt(long s) {
        return warmupSteps == 0 ? lr : lr * Math.min((double) s / warmupSteps, 1.0);
    }

    /** Step 0, the last step, and {@code checkpoints} log-spaced steps in between, ascending. */
    public long[] checkpointSteps() {
        java.util.TreeSet<Long> s = new java.util.TreeSet<>();
        s.add(0L);
        s.add((long) steps);
        for (int i = 0; i < checkpoints; i++) {
            double f = checkpoints == 1 ? 1 : (double) i / (checkpoints - 1);
            s.add(Math.round(Math.pow(steps, f)));
        }
        return s.stream().mapToLong(Long::longValue).toArray();
    }
}
