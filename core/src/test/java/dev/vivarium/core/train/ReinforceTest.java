package dev.vivarium.core.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import dev.vivarium.core.engine.Ops;
import dev.vivarium.core.engine.StepScope;
import dev.vivarium.core.engine.TensorEngine;
import dev.vivarium.core.hook.HookPoints;
import dev.vivarium.core.model.Model;
import dev.vivarium.core.model.ModelConfig;
import dev.vivarium.core.model.Params;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The REINFORCE loss against its closed-form gradient in the logits, and its sampler against the softmax it
 * samples from. The "models" here are bare logit tables, so the gradient of the loss in them is exactly
 * {@code -1/(BK) sum_k A_bk (e_{y_bk} - pi_b) + klCoef/B * pi_b (log pi_b - log rho_b - KL_b)}.
 */
class ReinforceTest {
    @BeforeAll
    static void engine() {
        TensorEngine.start(1);
    }

    /** A model whose logits at the one scored position are a trainable table {@code [batch, 1, vocab]}. */
    private static final class Table implements Model {
        private final Params params;

        Table(NDManager m, long seed, int batch, int vocab, double std) {
            params = new Params(m, seed);
            params.normal("logits", std, batch, 1, vocab);
        }

        @Override
        public ModelConfig config() {
            return null;
        }

        @Override
        public Params params() {
            return params;
        }

        @Override
        public HookPoints hooks() {
            return new HookPoints(List.of());
        }

        @Override
        public NDArray logits(NDArray tokens, int[] scored) {
            return params.get("logits");
        }

        @Override
        public NDArray forwardAll(NDArray tokens) {
            return params.get("logits");
        }

        @Override
        public double forwardFlops(int seqLen, int[] scored) {
            return 0;
        }

        @Override
        public double plainForwardFlops(int seqLen) {
            return 0;
        }
    }

    @Test
    void gradientInTheLogitsIsTheClosedForm() {
        int batch = 6;
        int vocab = 5;
        int k = 4;
        double klCoef = 0.3;
        try (NDManager m = NDManager.newBaseManager();
                Table policy = new Table(m, 1, batch, vocab, 1.0);
                Reinforce rl = new Reinforce(
                        new Table(m, 2, batch, vocab, 1.0),
                        new Objective(Objective.Kind.REINFORCE, Objective.Reward.CORRECT, klCoef, k),
                        9);
                StepScope s = new StepScope()) {
            long[] targets = {0, 1, 2, 3, 4, 0};
            NDArray tgt = Ops.longs(m, targets, new Shape(batch, 1));
            NDArray tokens = Ops.longs(m, new long[batch], new Shape(batch, 1));
            NDArray ref = rl.referenceLogProbs(tokens, new int[] {0});
            Optimizer.zeroGradients(policy.params());
            double loss;
            try (GradientCollector gc = Engine.getEngine("PyTorch").newGradientCollector()) {
                NDArray l = rl.loss(policy, tokens, tgt, new int[] {0}, ref, 3);
                gc.backward(l);
                loss = l.getDouble();
            }
            float[] grad = policy.params().get("logits").getGradient().toFloatArray();
            double[] z = toDoubles(policy.params().get("logits").toFloatArray());
            double[] r = ref.toDoubleArray();
            long[] y = rl.lastSamples();

            double expectLoss = 0;
            double maxErr = 0;
            double maxGrad = 0;
            for (int b = 0; b < batch; b++) {
                double[] logp = logSoftmax(z, b * vocab, vocab);
                double[] g = new double[vocab];
                double[] reward = new double[k];
                double sum = 0;
                for (int j = 0; j < k; j++) {
                    reward[j] = y[b * k + j] == targets[b] ? 1 : 0;
                    sum += reward[j];
                }
                for (int j = 0; j < k; j++) {
                    double a = reward[j] - (sum - reward[j]) / (k - 1);
                    int yj = (int) y[b * k + j];
                    expectLoss -= a * logp[yj] / (batch * k);
                    for (int v = 0; v < vocab; v++) {
                        g[v] -= a * ((v == yj ? 1 : 0) - Math.exp(logp[v])) / (batch * k);
                    }
                }
                double kl = 0;
                for (int v = 0; v < vocab; v++) {
                    kl += Math.exp(logp[v]) * (logp[v] - r[b * vocab + v]);
                }
                expectLoss += klCoef * kl / batch;
                for (int v = 0; v < vocab; v++) {
                    g[v] += klCoef / batch * Math.exp(logp[v]) * (logp[v] - r[b * vocab + v] - kl);
                    maxErr = Math.max(maxErr, Math.abs(g[v] - grad[b * vocab + v]));
                    maxGrad = Math.max(maxGrad, Math.abs(g[v]));
                }
            }
            assertEquals(expectLoss, loss, 1e-6 * Math.max(1, Math.abs(expectLoss)), "loss");
            assertTrue(maxErr <= 1e-5 * maxGrad, "max gradient error " + maxErr + " of max |grad| " + maxGrad);
            assertTrue(maxGrad > 1e-3, "a gradient to compare: " + maxGrad);
        }
    }

    @Test
    void samplesFollowTheSoftmaxAndTheStep() {
        int vocab = 4;
        int k = 1024;
        try (NDManager m = NDManager.newBaseManager();
                Table policy = new Table(m, 5, 1, vocab, 1.5);
                Reinforce rl = new Reinforce(
                        new Table(m, 5, 1, vocab, 1.5),
                        new Objective(Objective.Kind.REINFORCE, Objective.Reward.CORRECT, 0.1, k),
                        3);
                StepScope s = new StepScope()) {
            NDArray tokens = Ops.longs(m, new long[1], new Shape(1, 1));
            NDArray tgt = Ops.longs(m, new long[] {2}, new Shape(1, 1));
            NDArray ref = rl.referenceLogProbs(tokens, new int[] {0});
            double[] pi = softmax(toDoubles(policy.params().get("logits").toFloatArray()));
            int[] counts = new int[vocab];
            long[] first = null;
            for (long step = 1; step <= 8; step++) {
                rl.loss(policy, tokens, tgt, new int[] {0}, ref, step);
                long[] y = rl.lastSamples();
                if (step == 1) {
                    first = y;
                }
                for (long v : y) {
                    counts[(int) v]++;
                }
            }
            int n = 8 * k;
            for (int v = 0; v < vocab; v++) {
                double sd = Math.sqrt(n * pi[v] * (1 - pi[v]));
                assertTrue(
                        Math.abs(counts[v] - n * pi[v]) <= 5 * sd + 1,
                        "token " + v + ": " + counts[v] + " samples, expected " + n * pi[v] + " +- " + sd);
            }
            assertEquals(pi[2], (double) counts[2] / n, 0.05, "sample_reward tracks pi(target)");
            rl.loss(policy, tokens, tgt, new int[] {0}, ref, 1);
            assertTrue(java.util.Arrays.equals(first, rl.lastSamples()), "the samples of a step are its own");
            double kl = Reinforce.kl(Ops.logSoftmax64(policy.logits(tokens, new int[] {0})), ref)
                    .getDouble();
            assertEquals(0.0, kl, 1e-12, "KL of a model from itself");
        }
    }

    private static double[] toDoubles(float[] f) {
        double[] d = new double[f.length];
        for (int i = 0; i < f.length; i++) {
            d[i] = f[i];
        }
        return d;
    }

    private static double[] logSoftmax(double[] z, int off, int n) {
        double max = Double.NEGATIVE_INFINITY;
        for (int i = 0; i < n; i++) {
            max = Math.max(max, z[off + i]);
        }
        double sum = 0;
        for (int i = 0; i < n; i++) {
            sum += Math.exp(z[off + i] - max);
        }
        double[] out = new double[n];
        for (int i = 0; i < n; i++) {
            out[i] = z[off + i] - max - Math.log(sum);
        }
        return out;
    }

    private static double[] softmax(double[] z) {
        double[] l = logSoftmax(z, 0, z.length);
        for (int i = 0; i < l.length; i++) {
            l[i] = Math.exp(l[i]);
        }
        return l;
    }
}
