package dev.vivarium.core.train;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import dev.vivarium.core.engine.Ops;
import dev.vivarium.core.engine.StepScope;
import dev.vivarium.core.model.Model;
import dev.vivarium.core.model.Params;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Trains a population of M models as one computation: one forward and one backward pass a step for all members,
 * the loss the sum over members of each member's mean (so every member's gradient is that of its own run), and
 * one optimizer step with a learning rate and weight decay per member. Each member logs its own metric row —
 * the columns, in the order, of {@link Trainer}'s row — and has its own checkpoints, written by the {@link Sink}.
 *
 * <p>A member whose loss stops being finite fails alone: its update of that step is not applied, its gradients
 * are zeroed from then on and its learning rate is 0, so its weights stay as they were and no other member's
 * numbers change (members share no operation that mixes them). A member that reaches {@code stopAtTestAcc}
 * finishes at that logged step the same way, with a last checkpoint. The others go on.
 */
public final class PopulationTrainer {
    private final Model model;
    private final Optimizer optimizer;
    private final List<TrainConfig> cfgs;
    private final PopulationData data;
    private final int members;
    private final boolean[] active; // neither failed nor finished
    private final boolean[] failed;
    private final long[] checkpointSteps;
    private Sink sink;
    private double wallOffset;
    private long segmentStart = System.nanoTime();
    private volatile boolean stopRequested;
    private volatile long currentStep;

    /** What the run layer does with each member's rows, checkpoints and failures. */
    public interface Sink {
        /** Member {@code m}'s metric row of {@code step}. */
        void onLog(int m, long step, Map<String, Double> row) throws IOException;

        /** Writes the checkpoint of {@code step} of every member in {@code members}. */
        void onCheckpoint(long step, int[] members) throws IOException;

        /** Member {@code m}'s loss at update {@code step} is not finite: it fails (its update was not applied). */
        void onFailed(int m, long step, String message) throws IOException;

        /** Member {@code m} reached its stopping accuracy at the logged step {@code step} (checkpointed already). */
        void onFinished(int m, long step) throws IOException;

        /** After every step (progress). */
        default void onStep(long step) {}
    }

    public PopulationTrainer(Model model, Optimizer optimizer, List<TrainConfig> cfgs, PopulationData data) {
        this.model = model;
        this.optimizer = optimizer;
        this.cfgs = List.copyOf(cfgs);
        this.data = data;
        this.members = model.members();
        if (cfgs.size() != members || data.members() != members) {
            throw new IllegalArgumentException("a population of " + members + " with " + cfgs.size()
                    + " train configs and " + data.members() + " members' data");
        }
        TrainConfig first = cfgs.get(0);
        for (TrainConfig c : cfgs) {
            if (c.steps() != first.steps()
                    || c.logEvery() != first.logEvery()
                    || c.checkpoints() != first.checkpoints()) {
                throw new IllegalArgumentException(
                        "a population's members share train.steps, train.logEvery and train.checkpoints");
            }
        }
        this.active = new boolean[members];
        Arrays.fill(active, true);
        this.failed = new boolean[members];
        this.checkpointSteps = first.checkpointSteps();
    }

    public PopulationTrainer sink(Sink s) {
        this.sink = s;
        return this;
    }

    public Model model() {
        return model;
    }

    public Optimizer optimizer() {
        return optimizer;
    }

    /** Wall seconds already spent before this segment. */
    public void setWallOffset(double seconds) {
        this.wallOffset = seconds;
    }

    public double wallSeconds() {
        return wallOffset + (System.nanoTime() - segmentStart) / 1e9;
    }

    public void requestStop() {
        stopRequested = true;
    }

    public boolean stopRequested() {
        return stopRequested;
    }

    /** The last step taken (for heartbeats). */
    public long currentStep() {
        return currentStep;
    }

    /** Whether member {@code m} failed (its loss stopped being finite). */
    public boolean failed(int m) {
        return failed[m];
    }

    /** Trains from step 0 (rows and checkpoints of step 0 first). Returns the last step taken. */
    public long run() throws IOException {
        return run(0, true);
    }

    /** Continues from {@code step}, whose rows and checkpoints exist. */
    public long resumeFrom(long step) throws IOException {
        return run(step, false);
    }

    private long run(long startStep, boolean fresh) throws IOException {
        segmentStart = System.nanoTime();
        currentStep = startStep;
        long lastCheckpoint = startStep;
        if (fresh) {
            log(startStep, null);
            checkpoint(startStep);
            finishReached(startStep);
        }
        long step = startStep;
        TrainConfig first = cfgs.get(0);
        while (step < first.steps() && !stopRequested && anyActive()) {
            step++;
            boolean logStep = step % first.logEvery() == 0 || step == first.steps();
            double[] gradNorms = step(step, logStep);
            if (logStep) {
                log(step, gradNorms);
            }
            currentStep = step;
            if (sink != null) {
                sink.onStep(step);
            }
            if (Arrays.binarySearch(checkpointSteps, step) >= 0) {
                checkpoint(step);
                lastCheckpoint = step;
            }
            if (logStep) {
                finishReached(step);
            }
        }
        if (lastCheckpoint != step && anyActive()) {
            checkpoint(step);
        }
        return step;
    }

    private boolean anyActive() {
        for (boolean a : active) {
            if (a) {
                return true;
            }
        }
        return false;
    }

    private int[] activeMembers() {
        List<Integer> a = new ArrayList<>();
        for (int m = 0; m < members; m++) {
            if (active[m]) {
                a.add(m);
            }
        }
        return a.stream().mapToInt(Integer::intValue).toArray();
    }

    private void checkpoint(long step) throws IOException {
        if (sink != null) {
            sink.onCheckpoint(step, activeMembers());
        }
    }

    private final Map<Integer, Double> lastTestAcc = new LinkedHashMap<>();

    /** Members whose test accuracy reached their {@code stopAtTestAcc} at this logged step finish here. */
    private void finishReached(long step) throws IOException {
        List<Integer> done = new ArrayList<>();
        for (int m = 0; m < members; m++) {
            Double acc = lastTestAcc.get(m);
            if (active[m]
                    && acc != null
                    && cfgs.get(m).stopAtTestAcc().isPresent()
                    && acc >= cfgs.get(m).stopAtTestAcc().get()) {
                done.add(m);
            }
        }
        lastTestAcc.clear();
        if (done.isEmpty()) {
            return;
        }
        int[] which = done.stream().mapToInt(Integer::intValue).toArray();
        if (Arrays.binarySearch(checkpointSteps, step) < 0 && sink != null) {
            sink.onCheckpoint(step, which); // a member's last step always has its checkpoint
        }
        for (int m : which) {
            active[m] = false;
            if (sink != null) {
                sink.onFinished(m, step);
            }
        }
    }

    /**
     * One update of every active member. Returns each member's gradient norm when {@code measure} (NaN for an
     * inactive member), else null.
     */
    public double[] step(long step, boolean measure) throws IOException {
        Params params = model.params();
        double[] norms = null;
        try (StepScope scope = new StepScope()) {
            NDArray[] batch = data.batch(step);
            Optimizer.zeroGradients(params);
            double[] losses;
            try (GradientCollector gc = Engine.getEngine("PyTorch").newGradientCollector()) {
                NDArray perMember = members == 1 // exactly the single run's loss
                        ? single(batch[1]).getDataType() == DataType.INT64
                                ? Loss.crossEntropy(model.logits(single(batch[0]), data.scored()), single(batch[1]))
                                        .reshape(1)
                                : Loss.mse(
                                                model.logits(single(batch[0]), data.scored()),
                                                single(batch[1]),
                                                data.outputWeights())
                                        .reshape(1)
                        : losses(
                                model.logits(batch[0], data.scored()),
                                batch[1],
                                batch[2],
                                data.outputWeights()); // [M] float64
                gc.backward(
                        allActive()
                                ? perMember.sum()
                                : perMember.mul(activeMask()).sum());
                losses = perMember.toDoubleArray();
            }
            for (int m = 0; m < members; m++) {
                if (active[m] && !Double.isFinite(losses[m])) {
                    active[m] = false;
                    failed[m] = true;
                    if (sink != null) {
                        sink.onFailed(
                                m,
                                step,
                                String.format(
                                        Locale.ROOT,
                                        "diverged at step %d: loss is %s (member %d of a population of %d; the others"
                                                + " went on)",
                                        step,
                                        losses[m],
                                        m,
                                        members));
                    }
                }
            }
            if (!allActive()) {
                for (String n : params.trainableNames()) {
                    NDArray g = params.get(n).getGradient();
                    for (int m = 0; m < members; m++) {
                        if (!active[m]) {
                            g.set(new NDIndex(m), 0f); // no update from a failed or finished member's gradient
                        }
                    }
                }
            }
            if (measure) {
                norms = memberNorms(n -> params.get(n).getGradient(), true);
            }
            double[] lrs = new double[members];
            for (int m = 0; m < members; m++) {
                lrs[m] = active[m] ? cfgs.get(m).lrAt(step - 1) : 0;
            }
            optimizer.step(lrs);
        }
        return norms;
    }

    private boolean allActive() {
        for (boolean a : active) {
            if (!a) {
                return false;
            }
        }
        return true;
    }

    /**
     * 1 for an active member, 0 for the others: {@code [M]} float64. The masked sum's value is NaN once a member's
     * loss is, but its gradient is not: each member's loss gets its mask as its gradient.
     */
    private NDArray activeMask() {
        double[] w = new double[members];
        for (int m = 0; m < members; m++) {
            w[m] = active[m] ? 1 : 0;
        }
        return Ops.doubles(model.params().manager(), w, new Shape(members));
    }

    /**
     * Each member's mean loss {@code [M]} float64: cross-entropy over its examples and scored positions (in
     * float64, as a single run's), or for a regression the mean squared error over examples and outputs, each
     * output weighted by {@code outputWeights} {@code [M, 1, dOut]} when not null; rows weighted by {@code
     * weights} {@code [M, n]} when some members are padded.
     *
     * <p>A regression's errors are squared, weighted and averaged in float32 (the mean cast to float64): a
     * difference of two floats and its square keep their relative precision (unlike a log-softmax near zero loss,
     * which is why cross-entropy is float64), torch reduces float32 sums pairwise, and a population's step of
     * many small regressions is bound by memory traffic, which float64 would double. A single run (and a
     * population of one) computes the MSE in float64; the two agree to about 1e-7.
     */
    static NDArray losses(NDArray logits, NDArray targets, NDArray weights, NDArray outputWeights) {
        long m = logits.getShape().get(0);
        NDArray perElement;
        if (targets.getDataType() == DataType.INT64) {
            perElement = Ops.gather(Ops.logSoftmax64(logits), targets.expandDims(-1), -1)
                    .neg(); // [M, batch, scored, 1]
        } else {
            perElement = squaredErrors(logits, targets, outputWeights); // [M, batch, dOut] float32
        }
        if (weights == null) {
            NDArray mean = perElement.reshape(m, -1).mean(new int[] {1});
            // a float32 mean to float64 inside the graph: promotion by a product (a cast would cut the graph)
            return mean.getDataType() == DataType.FLOAT64
                    ? mean
                    : mean.mul(mean.getManager().ones(new Shape(m), DataType.FLOAT64));
        }
        long rows = weights.getShape().get(1);
        NDArray perRow = perElement.reshape(m, rows, -1).mean(new int[] {2}); // [M, batch]
        return perRow.mul(weights).sum(new int[] {1}); // float64 weights promote
    }

    /**
     * A population's squared errors {@code [M, rows, dOut]}, float32, each output's weighted by {@code
     * outputWeights} ({@code [M, 1, dOut]}) when not null: the training loss's and the evaluation's.
     */
    private static NDArray squaredErrors(NDArray predictions, NDArray targets, NDArray outputWeights) {
        NDArray sq = predictions.reshape(targets.getShape()).sub(targets).square();
        return outputWeights == null ? sq : sq.mul(outputWeights);
    }

    /** Per member: the root of the sum of squares of {@code of(name)} over the trained, unfrozen parameters. */
    private double[] memberNorms(java.util.function.Function<String, NDArray> of, boolean skipFrozen) {
        double[] sq = new double[members];
        for (String n : model.params().trainableNames()) {
            if (skipFrozen && cfgs.get(0).frozen(n)) {
                continue;
            }
            double[] s = squaredPerMember(of.apply(n));
            for (int m = 0; m < members; m++) {
                sq[m] += s[m];
            }
        }
        double[] r = new double[members];
        for (int m = 0; m < members; m++) {
            r[m] = active[m] ? Math.sqrt(sq[m]) : Double.NaN;
        }
        return r;
    }

    /** A one-member population's array without its model axis (its model has none). */
    private static NDArray single(NDArray a) {
        return a.squeeze(0);
    }

    private double[] squaredPerMember(NDArray a) {
        if (members == 1) { // as a single run sums
            return new double[] {
                a.square().sum().toType(DataType.FLOAT64, false).getDouble()
            };
        }
        return a.square()
                .reshape(members, -1)
                .sum(new int[] {1})
                .toType(DataType.FLOAT64, false)
                .toDoubleArray();
    }

    private void log(long step, double[] gradNorms) throws IOException {
        List<Map<String, Double>> rows = new ArrayList<>();
        for (int m = 0; m < members; m++) {
            Map<String, Double> row = new LinkedHashMap<>();
            row.put("step", (double) step);
            rows.add(row);
        }
        int chunk = cfgs.get(0).evalBatch();
        try (StepScope s = new StepScope()) {
            if (data.regression()) {
                double[] tr = meanSquaredErrors(data.train(), chunk);
                double[] te = meanSquaredErrors(data.test(), chunk);
                for (int m = 0; m < members; m++) {
                    rows.get(m).put("train_loss", tr[m]);
                    rows.get(m).put("test_loss", te[m]);
                }
            } else {
                Evaluator.Score[] tr = evaluate(data.train(), chunk);
                Evaluator.Score[] te = evaluate(data.test(), chunk);
                int[] scored = data.scored();
                for (int m = 0; m < members; m++) {
                    Map<String, Double> row = rows.get(m);
                    row.put("train_loss", tr[m].loss());
                    row.put("test_loss", te[m].loss());
                    row.put("train_acc", tr[m].accuracy());
                    row.put("test_acc", te[m].accuracy());
                    if (scored.length > 1) {
                        row.put("train_exact", tr[m].exactMatch());
                        row.put("test_exact", te[m].exactMatch());
                        for (int i = 0; i < scored.length && scored.length <= Trainer.MAX_POSITION_COLUMNS; i++) {
                            row.put("test_acc_pos" + scored[i], te[m].perPosition()[i]);
                        }
                    }
                    lastTestAcc.put(m, te[m].accuracy());
                }
            }
            for (int m = 0; m < members; m++) {
                TrainConfig c = cfgs.get(m);
                rows.get(m).put("lr", step == 0 ? c.lrAt(0) : c.lrAt(step - 1));
                if (gradNorms != null) {
                    rows.get(m).put("grad_norm", gradNorms[m]);
                }
            }
            double[] total = new double[members];
            Map<String, double[]> perParam = new LinkedHashMap<>();
            for (String n : model.params().trainableNames()) {
                double[] sq = squaredPerMember(model.params().get(n));
                perParam.put(n, sq);
                for (int m = 0; m < members; m++) {
                    total[m] += sq[m];
                }
            }
            double wall = wallSeconds();
            for (int m = 0; m < members; m++) {
                Map<String, Double> row = rows.get(m);
                row.put("weight_norm", Math.sqrt(total[m]));
                for (Map.Entry<String, double[]> e : perParam.entrySet()) {
                    row.put("norm." + e.getKey(), Math.sqrt(e.getValue()[m]));
                }
                row.put("wall_s", wall);
            }
        }
        if (sink != null) {
            for (int m = 0; m < members; m++) {
                if (active[m]) {
                    sink.onLog(m, step, rows.get(m));
                }
            }
        }
    }

    /** Loss and accuracies of every member on its own set, in chunks of {@code chunk} rows. */
    private Evaluator.Score[] evaluate(PopulationData.Set set, int chunk) {
        if (members == 1) {
            return new Evaluator.Score[] {
                Evaluator.evaluate(model, single(set.inputs()), single(set.targets()), data.scored(), chunk)
            };
        }
        int n = set.rows();
        int[] scored = data.scored();
        int s = scored.length;
        double[] lossSum = new double[members];
        long[] correctTokens = new long[members];
        long[] exact = new long[members];
        long[][] perPosition = new long[members][s];
        for (int from = 0; from < n; from += chunk) {
            int to = Math.min(n, from + chunk);
            try (StepScope scope = new StepScope()) {
                NDArray x = from == 0 && to == n ? set.inputs() : set.inputs().get(":, " + from + ":" + to);
                NDArray y = from == 0 && to == n ? set.targets() : set.targets().get(":, " + from + ":" + to);
                NDArray logits = model.logits(x, scored); // [M, c, scored, vocab]
                double[] nll = Ops.gather(Ops.logSoftmax64(logits), y.expandDims(-1), -1)
                        .neg()
                        .toDoubleArray(); // [M, c, scored]
                long[] right =
                        Loss.correct(logits, y).toType(DataType.INT64, false).toLongArray();
                int c = to - from;
                for (int m = 0; m < members; m++) {
                    for (int r = 0; r < c && from + r < set.counts()[m]; r++) {
                        boolean all = true;
                        for (int i = 0; i < s; i++) {
                            int k = (m * c + r) * s + i;
                            lossSum[m] += nll[k];
                            correctTokens[m] += right[k];
                            perPosition[m][i] += right[k];
                            all &= right[k] == 1;
                        }
                        exact[m] += all ? 1 : 0;
                    }
                }
            }
        }
        Evaluator.Score[] out = new Evaluator.Score[members];
        for (int m = 0; m < members; m++) {
            long count = set.counts()[m];
            double[] acc = new double[s];
            for (int i = 0; i < s; i++) {
                acc[i] = (double) perPosition[m][i] / count;
            }
            out[m] = new Evaluator.Score(
                    lossSum[m] / (count * s), (double) correctTokens[m] / (count * s), (double) exact[m] / count, acc);
        }
        return out;
    }

    /** Mean squared error of every member on its own set (a regression). */
    private double[] meanSquaredErrors(PopulationData.Set set, int chunk) {
        if (members == 1) {
            return new double[] {
                Evaluator.meanSquaredError(
                        model, single(set.inputs()), single(set.targets()), data.outputWeights(), chunk)
            };
        }
        int n = set.rows();
        long outputs = set.targets().getShape().get(2);
        double[] sum = new double[members];
        for (int from = 0; from < n; from += chunk) {
            int to = Math.min(n, from + chunk);
            try (StepScope scope = new StepScope()) {
                NDArray x = from == 0 && to == n ? set.inputs() : set.inputs().get(":, " + from + ":" + to);
                NDArray y = from == 0 && to == n ? set.targets() : set.targets().get(":, " + from + ":" + to);
                NDArray pred = model.logits(x, new int[] {0});
                double[] sq = squaredErrors(pred, y, data.outputWeights())
                        .sum(new int[] {2})
                        .toType(DataType.FLOAT64, false)
                        .toDoubleArray(); // [M, c]
                int c = to - from;
                for (int m = 0; m < members; m++) {
                    for (int r = 0; r < c && from + r < set.counts()[m]; r++) {
                        sum[m] += sq[m * c + r];
                    }
                }
            }
        }
        double[] out = new double[members];
        for (int m = 0; m < members; m++) {
            out[m] = sum[m] / (set.counts()[m] * outputs);
        }
        return out;
    }
}
