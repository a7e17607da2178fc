package dev.vivarium.core.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.vivarium.core.engine.Ops;
import dev.vivarium.core.task.Dense;
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
    private final Examples train; // null for a regression task
    private final Examples test;
    private final Dense trainDense; // null for a token task
    private final Dense testDense;
    private final NDArray trainTokens; // [nTrain, seqLen] int64, or [nTrain, dIn] float32 features
    private final NDArray trainTargets; // [nTrain, scored] int64, or [nTrain, dOut] float64 values
    private final NDArray testTokens;
    private final NDArray testTargets;
    private final NDArray outputWeights; // [dOut] float64 of a regression with weighted outputs, else null
    private final int nTrain;
    private final Optional<Integer> batchSize;
    private final long seed;
    private final java.util.List<Group> testGroups = new java.util.ArrayList<>();
    private long cachedEpoch = -1;
    private int[] cachedPerm;

    public TrainingData(NDManager parent, TaskConfig.Data data, Optional<Integer> batchSize, long seed) {
        this.manager = parent.newSubManager();
        if (data.regression()) {
            this.train = null;
            this.test = null;
            this.trainDense = data.trainDense();
            this.testDense = data.testDense();
            this.trainTokens = features(trainDense);
            this.trainTargets = values(trainDense);
            this.testTokens = features(testDense);
            this.testTargets = values(testDense);
            this.nTrain = trainDense.n();
            double[] w = trainDense.outputWeights();
            this.outputWeights = w == null ? null : Ops.owned(Ops.doubles(manager, w, new Shape(w.length)));
        } else {
            this.train = data.train();
            this.test = data.test();
            this.trainDense = null;
            this.testDense = null;
            this.trainTokens = tokens(train);
            this.trainTargets = targets(train);
            this.testTokens = tokens(test);
            this.testTargets = targets(test);
            this.nTrain = train.n();
            this.outputWeights = null;
        }
        this.batchSize = batchSize.map(b -> Math.min(b, nTrain));
        this.seed = seed;
    }

    private NDArray tokens(Examples e) {
        return Ops.owned(Ops.longs(manager, e.tokens(), new Shape(e.n(), e.seqLen())));
    }

    private NDArray targets(Examples e) {
        return Ops.owned(Ops.longs(manager, e.targets(), new Shape(e.n(), e.scored().length)));
    }

    private NDArray features(Dense d) {
        return Ops.owned(Ops.floats(manager, d.features(), new Shape(d.n(), d.dIn())));
    }

    /** Targets as float64, so that the loss subtracts in float64 (see {@link Loss#mse}). */
    private NDArray values(Dense d) {
        double[] v = new double[d.values().length];
        for (int i = 0; i < v.length; i++) {
            v[i] = d.values()[i];
        }
        return Ops.owned(Ops.doubles(manager, v, new Shape(d.n(), d.dOut())));
    }

    /**
     * A score group of the held-out set as engine arrays: its tokens, its targets at its positions.
     *
     * @param name the metric suffix
     * @param tokens {@code [rows, seqLen]} int64
     * @param targets {@code [rows, positions]} int64
     * @param positions the scored positions
     */
    public record Group(String name, NDArray tokens, NDArray targets, int[] positions) {}

    /**
     * Adds the task's score groups of the held-out set ({@link TaskConfig#scoreGroups}), whose loss and
     * accuracy training logs beside the whole set's; a group without rows is left out.
     */
    public TrainingData withTestGroups(java.util.List<dev.vivarium.core.task.ScoreGroup> groups) {
        for (dev.vivarium.core.task.ScoreGroup g : groups) {
            if (g.rows().length > 0) {
                Examples e = g.select(test);
                testGroups.add(new Group(g.name(), tokens(e), targets(e), g.positions()));
            }
        }
        return this;
    }

    /** The held-out score groups, in the task's order. */
    public java.util.List<Group> testGroups() {
        return java.util.List.copyOf(testGroups);
    }

    /** Whether this is a regression task's data: dense features and real targets, scored by MSE. */
    public boolean regression() {
        return trainDense != null;
    }

    /** The scored positions of a token task; a regression's single prediction is position 0. */
    public int[] scored() {
        return regression() ? new int[] {0} : train.scored();
    }

    /** Tokens per example, or features per example of a regression task. */
    public int seqLen() {
        return regression() ? trainDense.dIn() : train.seqLen();
    }

    /** The training examples of a token task (null for a regression task). */
    public Examples trainExamples() {
        return train;
    }

    /** The held-out examples of a token task (null for a regression task). */
    public Examples testExamples() {
        return test;
    }

    /** The training examples of a regression task (null for a token task). */
    public Dense trainDense() {
        return trainDense;
    }

    /** The held-out examples of a regression task (null for a token task). */
    public Dense testDense() {
        return testDense;
    }

    /** The training inputs: int64 tokens, or float32 features of a regression task. */
    public NDArray trainTokens() {
        return trainTokens;
    }

    /** The training targets: int64 classes, or float64 values of a regression task. */
    public NDArray trainTargets() {
        return trainTargets;
    }

    /** The held-out inputs (as {@link #trainTokens}). */
    public NDArray testTokens() {
        return testTokens;
    }

    /** The held-out targets (as {@link #trainTargets}). */
    public NDArray testTargets() {
        return testTargets;
    }

    /**
     * The weight of each output's squared error in a regression's loss ({@code [dOut]} float64, a feature's
     * importance), or null when every output weighs the same.
     */
    public NDArray outputWeights() {
        return outputWeights;
    }

    /** Inputs and targets of update {@code step} (from 1); the whole train set for full batch. */
    public NDArray[] batch(long step) {
        if (batchSize.isEmpty() || batchSize.get() >= nTrain) {
            return new NDArray[] {trainTokens, trainTargets};
        }
        int b = batchSize.get();
        int n = nTrain;
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
            cachedPerm = Split.permutation(nTrain, seed * 0x2545F4914F6CDD1DL + epoch);
            cachedEpoch = epoch;
        }
        return cachedPerm;
    }

    @Override
    public void close() {
        manager.close();
    }
}
