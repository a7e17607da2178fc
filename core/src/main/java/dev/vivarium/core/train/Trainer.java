package dev.vivarium.core.train;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.training.GradientCollector;
import dev.vivarium.core.engine.StepScope;
import dev.vivarium.core.hook.HookScope;
import dev.vivarium.core.model.Model;
import dev.vivarium.core.model.Params;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The training loop: one scope per step, gradients zeroed by hand, loss in float64, an optimizer
 * with state made up front. Everything else — logs, checkpoints, progress — listens.
 *
 * <p>Within a step the order is fixed here, not by the order listeners were added: the update, then the
 * metric row of a logged step ({@link TrainListener#onLog}), then {@link TrainListener#onStep}, then the
 * checkpoint of a checkpoint step ({@link TrainListener#onCheckpoint} once it is on disk). So a checkpoint
 * of step S always has the metric row of S before it, and a run resumed from any checkpoint re-creates
 * exactly the rows after it. A step whose loss is not finite stops training with a {@link Divergence}
 * before the update is applied.
 */
public final class Trainer {
    /** Most scored positions that get a {@code test_acc_pos<i>} column each (an induction sequence has dozens). */
    static final int MAX_POSITION_COLUMNS = 16;

    private final Model model;
    private final Optimizer optimizer;
    private final TrainConfig cfg;
    private final TrainingData data;
    private final List<TrainListener> listeners = new ArrayList<>();
    private double wallOffset;
    private long segmentStart = System.nanoTime();
    private volatile boolean stopRequested;
    private long[] checkpointSteps = new long[0];
    private CheckpointSink checkpoints;
    private Reinforce reinforce;
    private Pgd adversary;

    /** Writes the checkpoint of a step and says where its weights went. */
    @FunctionalInterface
    public interface CheckpointSink {
        Path write(Trainer trainer, long step) throws IOException;
    }

    public Trainer(Model model, Optimizer optimizer, TrainConfig cfg, TrainingData data) {
        this.model = model;
        this.optimizer = optimizer;
        this.cfg = cfg;
        this.data = data;
    }

    /** Trains on the REINFORCE objective instead of the task's loss, and logs its reward and KL. */
    public Trainer reinforce(Reinforce objective) {
        this.reinforce = objective;
        return this;
    }

    /** Logs robust accuracy under {@code attack}, and trains on attacked inputs when its config says so. */
    public Trainer adversary(Pgd attack) {
        this.adversary = attack;
        return this;
    }

    public Trainer listen(TrainListener l) {
        listeners.add(l);
        return this;
    }

    public Model model() {
        return model;
    }

    public Optimizer optimizer() {
        return optimizer;
    }

    public TrainConfig config() {
        return cfg;
    }

    public TrainingData data() {
        return data;
    }

    /** Wall seconds already spent before this segment (a resumed run continues its clock). */
    public void setWallOffset(double seconds) {
        this.wallOffset = seconds;
    }

    /** Wall seconds of training so far, earlier segments included. */
    public double wallSeconds() {
        return wallOffset + (System.nanoTime() - segmentStart) / 1e9;
    }

    /**
     * Checkpoints at {@code steps} (and at the last step of a segment), written by {@code sink} after the
     * step's metric row.
     */
    public Trainer checkpointAt(long[] steps, CheckpointSink sink) {
        this.checkpointSteps = steps.clone();
        Arrays.sort(this.checkpointSteps);
        this.checkpoints = sink;
        return this;
    }

    /** Whether {@link #requestStop} was called. */
    public boolean stopRequested() {
        return stopRequested;
    }

    /** Asks the loop to stop after the current step (from another thread). */
    public void requestStop() {
        stopRequested = true;
    }

    /**
     * Trains a new run from step 0 (row and checkpoint of step 0 first) to the configured number of steps,
     * or until test accuracy reaches {@code stopAtTestAcc}. Returns the last step taken.
     */
    public long run() throws IOException {
        return run(0, true);
    }

    /**
     * Continues a resumed run from {@code step}, the step of the checkpoint it was loaded from (whose metric
     * row and checkpoint exist already, so neither is written again). Returns the last step taken.
     */
    public long resumeFrom(long step) throws IOException {
        return run(step, false);
    }

    /**
     * Trains from {@code startStep}; {@code fresh} writes the row and checkpoint of the start step first.
     *
     * @throws IOException if a checkpoint cannot be written (training stops there)
     * @throws Divergence if the loss stops being finite
     */
    private long run(long startStep, boolean fresh) throws IOException {
        segmentStart = System.nanoTime();
        listeners.forEach(l -> l.onStart(this, startStep));
        long lastCheckpoint = startStep;
        boolean stopNow = false;
        if (fresh) {
            stopNow = stopsAt(log(startStep, Double.NaN));
            checkpoint(startStep);
        }
        long step = startStep;
        while (step < cfg.steps() && !stopRequested && !stopNow) {
            step++;
            boolean logStep = step % cfg.logEvery() == 0 || step == cfg.steps();
            double gradNorm = step(step, logStep);
            if (logStep) {
                stopNow = stopsAt(log(step, gradNorm));
            }
            long s = step;
            listeners.forEach(l -> l.onStep(this, s));
            if (Arrays.binarySearch(checkpointSteps, step) >= 0) {
                checkpoint(step);
                lastCheckpoint = step;
            }
        }
        if (lastCheckpoint != step) {
            checkpoint(step);
        }
        long last = step;
        listeners.forEach(l -> l.onEnd(this, last));
        return last;
    }

    private boolean stopsAt(Map<String, Double> row) {
        return cfg.stopAtTestAcc().isPresent()
                && row.containsKey("test_acc") // a regression has none; its recipe refuses stopAtTestAcc
                && row.get("test_acc") >= cfg.stopAtTestAcc().get();
    }

    private void checkpoint(long step) throws IOException {
        if (checkpoints != null) {
            Path weights = checkpoints.write(this, step);
            listeners.forEach(l -> l.onCheckpoint(this, step, weights));
        }
    }

    /**
     * One update: gradients zeroed, the batch of {@code step} forward and backward (loss in float64),
     * the optimizer applied with the learning rate of update {@code step - 1}. Returns the gradient
     * norm when {@code measureGradNorm}, else NaN.
     */
    public double step(long step, boolean measureGradNorm) {
        double gradNorm = Double.NaN;
        Params params = model.params();
        try (StepScope scope = new StepScope()) {
            NDArray[] batch = data.batch(step);
            int[] scored = data.scored();
            NDArray delta = adversary != null && adversary.config().train()
                    ? adversary.attack(model, batch[0], batch[1], scored) // before zeroing: it leaves gradients
                    : null;
            NDArray refLogProbs = reinforce != null ? reinforce.referenceLogProbs(batch[0], scored) : null;
            Optimizer.zeroGradients(params);
            try (GradientCollector gc = Engine.getEngine("PyTorch").newGradientCollector();
                    HookScope perturbed = delta != null ? Pgd.perturbed(model, delta) : () -> {}) {
                NDArray loss;
                if (reinforce != null) {
                    loss = reinforce.loss(model, batch[0], batch[1], scored, refLogProbs, step);
                } else {
                    NDArray logits = model.logits(batch[0], scored); // [batch, scored, vocab]
                    loss = data.regression()
                            ? Loss.mse(logits, batch[1], data.outputWeights())
                            : Loss.crossEntropy(logits, batch[1]); // [] float64
                }
                gc.backward(loss);
                double value = loss.getDouble();
                if (!Double.isFinite(value)) {
                    throw Divergence.at(step, value, params);
                }
            }
            if (measureGradNorm) {
                gradNorm = gradientNorm(params, cfg);
            }
            optimizer.step(cfg.lrAt(step - 1));
        }
        return gradNorm;
    }

    private Map<String, Double> log(long step, double gradNorm) {
        Map<String, Double> row = new LinkedHashMap<>();
        row.put("step", (double) step);
        int chunk = cfg.evalBatch();
        int[] scored = data.scored();
        if (data.regression()) { // MSE; a regression has no accuracy columns
            row.put(
                    "train_loss",
                    Evaluator.meanSquaredError(
                            model, data.trainTokens(), data.trainTargets(), data.outputWeights(), chunk));
            row.put(
                    "test_loss",
                    Evaluator.meanSquaredError(
                            model, data.testTokens(), data.testTargets(), data.outputWeights(), chunk));
        } else {
            logClassification(row, scored, chunk);
        }
        if (reinforce != null) {
            double[] tr = reinforce.evaluate(model, data.trainTokens(), data.trainTargets(), scored, chunk);
            double[] te = reinforce.evaluate(model, data.testTokens(), data.testTargets(), scored, chunk);
            row.put("reward", tr[0]);
            row.put("kl", tr[1]);
            row.put("test_reward", te[0]);
            row.put("test_kl", te[1]);
            if (step > 0) {
                row.put("sample_reward", reinforce.lastSampleReward());
            }
        }
        if (adversary != null) {
            Evaluator.Score robust = adversary.evaluate(model, data.testTokens(), data.testTargets(), scored, chunk);
            row.put("robust_test_loss", robust.loss());
            row.put("robust_test_acc", robust.accuracy());
            if (scored.length > 1) {
                row.put("robust_test_exact", robust.exactMatch());
            }
        }
        logRest(row, step, gradNorm);
        return row;
    }

    private void logClassification(Map<String, Double> row, int[] scored, int chunk) {
        Evaluator.Score tr = Evaluator.evaluate(model, data.trainTokens(), data.trainTargets(), scored, chunk);
        Evaluator.Score te = Evaluator.evaluate(model, data.testTokens(), data.testTargets(), scored, chunk);
        row.put("train_loss", tr.loss());
        row.put("test_loss", te.loss());
        row.put("train_acc", tr.accuracy());
        row.put("test_acc", te.accuracy());
        if (scored.length > 1) {
            row.put("train_exact", tr.exactMatch());
            row.put("test_exact", te.exactMatch());
            for (int i = 0; i < scored.length && scored.length <= MAX_POSITION_COLUMNS; i++) {
                row.put("test_acc_pos" + scored[i], te.perPosition()[i]); // which answer digits come first
            }
        }
        Map<String, double[]> groups = new LinkedHashMap<>(); // name -> loss sum, right tokens, tokens
        for (TrainingData.Group g : data.testGroups()) {
            Evaluator.Score s = Evaluator.evaluate(model, g.tokens(), g.targets(), g.positions(), chunk);
            double tokens = (double) g.tokens().getShape().get(0) * g.positions().length;
            double[] sum = groups.computeIfAbsent(g.name(), k -> new double[3]);
            sum[0] += s.loss() * tokens;
            sum[1] += s.accuracy() * tokens;
            sum[2] += tokens;
        }
        groups.forEach((name, sum) -> {
            row.put("test_loss_" + name, sum[0] / sum[2]);
            row.put("test_acc_" + name, sum[1] / sum[2]);
        });
    }

    private void logRest(Map<String, Double> row, long step, double gradNorm) {
        row.put("lr", step == 0 ? cfg.lrAt(0) : cfg.lrAt(step - 1));
        if (!Double.isNaN(gradNorm)) {
            row.put("grad_norm", gradNorm);
        }
        double total = 0;
        Map<String, Double> perParam = new LinkedHashMap<>();
        Params params = model.params();
        try (StepScope s = new StepScope()) {
            for (String n : params.trainableNames()) {
                double sq = squaredNorm(params.get(n));
                total += sq;
                perParam.put("norm." + n, Math.sqrt(sq));
            }
        }
        row.put("weight_norm", Math.sqrt(total));
        row.putAll(perParam);
        row.put("wall_s", wallSeconds());
        listeners.forEach(l -> l.onLog(this, step, row));
    }

    private static double gradientNorm(Params params, TrainConfig cfg) {
        double sq = 0;
        for (String n : params.trainableNames()) {
            if (cfg.frozen(n)) {
                continue; // its gradient is computed but never applied
            }
            sq += squaredNorm(params.get(n).getGradient());
        }
        return Math.sqrt(sq);
    }

    /** Sum of squared entries of an array, as a double. */
    private static double squaredNorm(NDArray a) {
        return a.square()
                .sum()
                .toType(ai.djl.ndarray.types.DataType.FLOAT64, false)
                .getDouble();
    }
}
