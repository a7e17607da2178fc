package dev.vivarium.core.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.vivarium.core.engine.Ops;
import dev.vivarium.core.engine.StepScope;
import dev.vivarium.core.model.Model;
import java.util.SplittableRandom;

/**
 * The REINFORCE objective of {@link Objective}: per input, {@code samples} answers drawn from the model's
 * softmax at every scored position (independently, given the input), each rewarded 1 when it is the task's
 * target at every scored position, else 0; the advantage of a sample is its reward less the mean reward of
 * the input's other samples (leave-one-out); the loss is
 * {@code -mean(A * sum_positions log pi(y)) + klCoef * mean_positions KL(pi || pi_ref)}, the KL summed exactly
 * over the vocabulary, with {@code pi_ref} a frozen reference model. The samples of step {@code s} depend only
 * on the seed and {@code s}, so a resumed run draws the same ones.
 */
public final class Reinforce implements AutoCloseable {
    private final Model reference;
    private final Objective cfg;
    private final long seed;
    private final NDArray klCoef; // float64, owned by the reference model's manager
    private double lastSampleReward = Double.NaN;
    private long[] lastSamples = new long[0];

    /** @param reference the frozen model {@code pi_ref}; closed with this objective */
    public Reinforce(Model reference, Objective cfg, long seed) {
        this.reference = reference;
        this.cfg = cfg;
        this.seed = seed;
        NDManager m = reference.params().manager();
        this.klCoef = Ops.owned(Ops.doubles(m, new double[] {cfg.klCoef()}, new Shape()));
    }

    public Objective config() {
        return cfg;
    }

    /** The reference model's log-probabilities at the scored positions, float64; call outside any gradient collector. */
    public NDArray referenceLogProbs(NDArray tokens, int[] scored) {
        return Ops.logSoftmax64(reference.logits(tokens, scored));
    }

    /**
     * The loss of one update (inside the gradient collector): samples drawn from {@code model}'s own softmax.
     *
     * @param refLogProbs {@link #referenceLogProbs} of the same tokens
     */
    public NDArray loss(Model model, NDArray tokens, NDArray targets, int[] scored, NDArray refLogProbs, long step) {
        NDArray logp = Ops.logSoftmax64(model.logits(tokens, scored)); // [batch, scored, vocab] float64
        Shape shape = logp.getShape();
        int batch = (int) shape.get(0);
        int positions = (int) shape.get(1);
        int vocab = (int) shape.get(2);
        int k = cfg.samples();
        double[] p = logp.exp().toDoubleArray();
        long[] target = targets.toLongArray();
        long[] y = new long[batch * positions * k];
        double[] reward = new double[batch * k];
        SplittableRandom random = new SplittableRandom(seed * 0x9E3779B97F4A7C15L + step);
        for (int b = 0; b < batch; b++) {
            for (int j = 0; j < k; j++) {
                boolean right = true;
                for (int s = 0; s < positions; s++) {
                    int token = sample(p, (b * positions + s) * vocab, vocab, random.nextDouble());
                    y[(b * positions + s) * k + j] = token;
                    right &= token == target[b * positions + s];
                }
                reward[b * k + j] = right ? 1 : 0;
            }
        }
        double[] advantage = new double[batch * k];
        double total = 0;
        for (int b = 0; b < batch; b++) {
            double sum = 0;
            for (int j = 0; j < k; j++) {
                sum += reward[b * k + j];
            }
            total += sum;
            for (int j = 0; j < k; j++) {
                advantage[b * k + j] = reward[b * k + j] - (sum - reward[b * k + j]) / (k - 1);
            }
        }
        lastSampleReward = total / (batch * k);
        lastSamples = y;
        NDManager m = logp.getManager();
        NDArray samples = Ops.longs(m, y, new Shape(batch, positions, k));
        NDArray logPi = Ops.gather(logp, samples, -1).sum(new int[] {1}); // [batch, k]
        NDArray a = Ops.doubles(m, advantage, new Shape(batch, k));
        NDArray policy = a.mul(logPi).mean().neg();
        return policy.add(kl(logp, refLogProbs).mul(klCoef));
    }

    /** Mean over examples and positions of {@code KL(pi || pi_ref) = sum_v pi(v) (log pi(v) - log pi_ref(v))}. */
    static NDArray kl(NDArray logp, NDArray refLogp) {
        return logp.exp().mul(logp.sub(refLogp)).sum(new int[] {-1}).mean();
    }

    /** The index whose cumulative probability first exceeds {@code u} (the last one if rounding leaves it short). */
    private static int sample(double[] p, int offset, int n, double u) {
        double c = 0;
        for (int v = 0; v < n; v++) {
            c += p[offset + v];
            if (u < c) {
                return v;
            }
        }
        return n - 1;
    }

    /** The answers sampled by the last {@link #loss}, {@code [batch, scored, samples]} flattened (for tests). */
    long[] lastSamples() {
        return lastSamples.clone();
    }

    /** Mean reward of the samples of the last update. */
    public double lastSampleReward() {
        return lastSampleReward;
    }

    /**
     * Expected reward {@code mean_examples prod_positions pi(target)} and {@code KL(pi || pi_ref)} over a data
     * set, in chunks, without gradients: {@code [reward, kl]}.
     */
    public double[] evaluate(Model model, NDArray tokens, NDArray targets, int[] scored, int chunk) {
        long n = tokens.getShape().get(0);
        double reward = 0;
        double kl = 0;
        for (long from = 0; from < n; from += chunk) {
            long to = Math.min(n, from + chunk);
            try (StepScope s = new StepScope()) {
                NDArray tok = from == 0 && to == n ? tokens : tokens.get(from + ":" + to);
                NDArray tgt = from == 0 && to == n ? targets : targets.get(from + ":" + to);
                NDArray logp = Ops.logSoftmax64(model.logits(tok, scored));
                NDArray ref = referenceLogProbs(tok, scored);
                reward += Ops.gather(logp, tgt.expandDims(-1), -1)
                        .sum(new int[] {1, 2})
                        .exp()
                        .sum()
                        .getDouble();
                kl += kl(logp, ref).getDouble() * (to - from);
            }
        }
        return new double[] {reward / n, kl / n};
    }

    @Override
    public void close() {
        reference.close();
    }
}
