package dev.vivarium.core.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.vivarium.core.engine.Ops;
import dev.vivarium.core.task.Examples;
import dev.vivarium.core.task.Split;
import dev.vivarium.core.task.TaskConfig;
import java.util.Optional;

/**
 * A task's train and test sets as engine arrays, made once per run, and the batch of each step.
 *
 * <p>Minibatches follow a seeded shuffle per epoch that depends only on the seed and the step, so a
 * resumed run draws exactly the batches an uninterrupted one would.
 */
public final class TrainingData implements AutoCloseable {
    private final NDManager manager;
    private final Examples train;
    private final Examples test;
    private final NDArray trainTokens; // [nTrain, seqLen] int64
    private final NDArray trainTargets; // [nTrain, scored] int64
    private final NDArray testTokens;
    private final NDArray testTargets;
    private final Optional<Integer> batchSize;
    private final long seed;
    private long cachedEpoch = -1;
    private int[] cachedPerm;

    public TrainingData(NDManager parent, TaskConfig.Data data, Optional<Integer> batchSize, long seed) {
        this.manager = parent.newSubManager();
        this.train = data.train();
        this.test = data.test();
        this.trainTokens = tokens(train);
        this.trainTargets = targets(train);
        this.testTokens = tokens(test);
        this.testTargets = targets(test);
        this.batchSize = batchSize.map(b -> Math.min(b, train.n()));
        this.seed = seed;
    }

    private NDArray tokens(Examples e) {
        return Ops.owned(Ops.longs(manager, e.tokens(), new Shape(e.n(), e.seqLen())));
    }

    private NDArray targets(Examples e) {
        return Ops.owned(Ops.longs(manager, e.targets(), new Shape(e.n(), e.scored().length)));
    }

    public int[] scored() {
        return train.scored();
    }

    public Examples trainExamples() {
        return train;
    }

    public Examples testExamples() {
        return test;
    }

    public NDArray trainTokens() {
        return trainTokens;
    }

    public NDArray trainTargets() {
        return trainTargets;
    }

    public NDArray testTokens() {
        return testTokens;
    }

    public NDArray testTargets() {
        return testTargets;
    }

    /** Tokens and targets of update {@code step} (from 1); the whole train set for full batch. */
    public NDArray[] batch(long step) {
        if (batchSize.isEmpty() || batchSize.get() >= train.n()) {
            return new NDArray[] {trainTokens, trainTargets};
        }
        int b = batchSize.get();
        int n = train.n();
        long[] rows = new long[b];
        long start = (step - 1) * b;
        for (int i = 0; i < b; i++) {
            long c = start + i;
            rows[i] = permutation(c / n)[(int) (c % n)];
        }
        NDArray idx = manager.create(rows); // read at once by the gather, never by backward
        NDArray[] out = {trainTokens.get(idx), trainTargets.get(idx)};
        idx.close();
        return out;
    }

    private int[] permutation(long epoch) {
        if (epoch != cachedEpoch) {
            cachedPerm = Split.permutation(train.n(), seed * 0x2545F4914F6CDD1DL + epoch);
            cachedEpoch = epoch;
        }
        return cachedPerm;
    }

    @Override
    public void close() {
        manager.close();
    }
}
