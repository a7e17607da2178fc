package dev.vivarium.core.train;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.training.GradientCollector;
import dev.vivarium.core.engine.StepScope;
import dev.vivarium.core.model.Model;
import dev.vivarium.core.model.Params;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The training loop: one scope per step, gradients zeroed by hand, loss in float64, an optimizer
 * with state made up front. Everything else — logs, checkpoints, progress — listens.
 */
public final class Trainer {
    private final Model model;
    private final Optimizer optimizer;
    private final TrainConfig cfg;
    private final TrainingData data;
    private final List<TrainListener> listeners = new ArrayList<>();
    private double wallOffset;
    private volatile boolean stopRequested;

    public Trainer(Model model, Optimizer optimizer, TrainConfig cfg, TrainingData data) {
        this.model = model;
        this.optimizer = optimizer;
        this.cfg = cfg;
        this.data = data;
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

    /** Whether {@link #requestStop} was called. */
    public boolean stopRequested() {
        return stopRequested;
    }

    /** Asks the loop to stop after the current step (from another thread). */
    public void requestStop() {
        stopRequested = true;
    }

    /**
     * Trains from {@code startStep} (0 for a new run) to the configured number of steps, or until
     * test accuracy reaches {@code stopAtTestAcc}. Returns the last step taken.
     */
    public long run(long startStep) {
        long t0 = System.nanoTime();
        listeners.forEach(l -> l.onStart(this, startStep));
        if (startStep == 0) {
            log(0, Double.NaN, t0);
        }
        long step = startStep;
        while (step < cfg.steps() && !stopRequested) {
            step++;
            boolean logStep = step % cfg.logEvery() == 0 || step == cfg.steps();
            double gradNorm = step(step, logStep);
            long s = step;
            listeners.forEach(l -> l.onStep(this, s));
            if (logStep) {
                Map<String, Double> row = log(step, gradNorm, t0);
                if (cfg.stopAtTestAcc().isPresent()
                        && row.get("test_acc") >= cfg.stopAtTestAcc().get()) {
                    break;
                }
            }
        }
        long last = step;
        listeners.forEach(l -> l.onEnd(this, last));
        return last;
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
            Optimizer.zeroGradients(params);
            NDArray[] batch = data.batch(step);
            try (GradientCollector gc = Engine.getEngine("PyTorch").newGradientCollector()) {
                NDArray logits = model.logits(batch[0], data.scored()); // [batch, scored, vocab]
                gc.backward(Loss.crossEntropy(logits, batch[1]));
            }
            if (measureGradNorm) {
                gradNorm = gradientNorm(params);
            }
            optimizer.step(cfg.lrAt(step - 1));
        }
        return gradNorm;
    }

    private Map<String, Double> log(long step, double gradNorm, long t0) {
        Map<String, Double> row = new LinkedHashMap<>();
        row.put("step", (double) step);
        int chunk = cfg.evalBatch();
        int[] scored = data.scored();
        Evaluator.Score tr = Evaluator.evaluate(model, data.trainTokens(), data.trainTargets(), scored, chunk);
        Evaluator.Score te = Evaluator.evaluate(model, data.testTokens(), data.testTargets(), scored, chunk);
        row.put("train_loss", tr.loss());
        row.put("test_loss", te.loss());
        row.put("train_acc", tr.accuracy());
        row.put("test_acc", te.accuracy());
        if (scored.length > 1) {
            row.put("train_exact", tr.exactMatch());
            row.put("test_exact", te.exactMatch());
            for (int i = 0; i < scored.length; i++) {
                row.put("test_acc_pos" + scored[i], te.perPosition()[i]); // which answer digits come first
            }
        }
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
        row.put("wall_s", wallOffset + (System.nanoTime() - t0) / 1e9);
        listeners.forEach(l -> l.onLog(this, step, row));
        return row;
    }

    private static double gradientNorm(Params params) {
        double sq = 0;
        for (String n : params.trainableNames()) {
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
