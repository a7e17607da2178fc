package dev.vivarium.lens.sae;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import dev.vivarium.core.engine.Ops;
import dev.vivarium.core.engine.StepScope;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Trains a {@link Sae} on rows of activations {@code [n, d_in]} with Adam, following SAELens's training SAEs:
 *
 * <ul>
 *   <li>the reconstruction loss is {@code ||x_s - x_hat_s||^2} summed over the {@code d_in} dimensions, averaged over
 *       the batch, on inputs scaled by {@code s = sqrt(d_in / mean ||x||^2)} over the cached rows;
 *   <li>ReLU adds {@code l1 * sum_i f_i ||W_dec,i||} (SAELens's {@code scale_sparsity_penalty_by_decoder_norm}; the
 *       norms are 1 here, so it is the plain L1 norm of f) and resamples the latents dead at 20%, 40% and 60% of the
 *       steps as Bricken et al. 2023 ("Neuron resampling"): each gets the direction of an input drawn with
 *       probability proportional to its squared reconstruction loss, minus {@code b_dec}, normalised, as its decoder
 *       row, that times 0.2 times the mean encoder norm of the live latents as its encoder column, a zero bias and
 *       zeroed Adam moments;
 *   <li>TopK adds the AuxK loss of Gao et al. 2024 (section 2.4 and appendix B.1): with {@code e = x_s - x_hat_s}
 *       (no gradient), the {@code k_aux = min(d_in / 2, dead)} largest pre-activations of the dead latents
 *       reconstruct it through the decoder without bias, {@code e_hat = z_aux W_dec}, and the loss gains {@code
 *       alpha * min(dead / (d_in / 2), 1) * ||e - e_hat||^2}, alpha = 1/32 (the scale and the unrectified
 *       pre-activations are SAELens's);
 *   <li>before each Adam step the decoder gradient loses its component along each decoder row, and after it every
 *       row is renormalised to unit norm (Bricken et al.); {@code b_dec} starts at the geometric median of the
 *       scaled rows (Weiszfeld's iteration), the decoder rows at random unit vectors and the encoder at their
 *       transpose (Gao et al.).
 * </ul>
 *
 * <p>A latent is dead for AuxK and resampling when it fired on none of the rows of the last {@link
 * SaeOptions#deadWindow} steps. Batches cycle through shuffles of the rows, epoch after epoch.
 */
public final class SaeTrainer {
    /** Rows per forward pass outside training (resampling, metrics). */
    static final int CHUNK = 4096;

    /** What {@link #train} records every {@code logEvery} steps. */
    public record Trace(int[] steps, double[] loss, double[] mse, double[] aux, double[] l0, int[] dead) {}

    /**
     * A trained SAE and how training went.
     *
     * @param sae the SAE (close it)
     * @param trace losses and batch L0 along training
     * @param resampled latents resampled at each resampling step (ReLU), empty for TopK
     * @param seconds wall time
     */
    public record Result(Sae sae, Trace trace, List<Integer> resampled, double seconds) {}

    private SaeTrainer() {}

    /**
     * Trains an SAE on {@code x} {@code [n, d_in]} float32 (raw activations; left unchanged).
     *
     * @param manager owns the SAE
     */
    public static Result train(NDArray x, SaeOptions o, NDManager manager) {
        long t0 = System.nanoTime();
        if (x.getShape().dimension() != 2 || x.getDataType() != DataType.FLOAT32) {
            throw new IllegalArgumentException(
                    "sae: activations must be float32 [rows, d_in], got " + x.getDataType() + " " + x.getShape());
        }
        int n = (int) x.getShape().get(0);
        int dIn = (int) x.getShape().get(1);
        int dSae = o.dSae(dIn);
        if (n < 2) {
            throw new IllegalArgumentException("sae: needs at least 2 rows of activations, got " + n);
        }
        float[] raw = x.toFloatArray();
        double meanSq = 0;
        for (float v : raw) {
            meanSq += (double) v * v;
        }
        meanSq /= n;
        if (!(meanSq > 0) || !Double.isFinite(meanSq)) {
            throw new IllegalArgumentException("sae: the activations' mean squared norm is " + meanSq
                    + "; an SAE needs activations that are finite and not all zero");
        }
        double scale = Math.sqrt(dIn / meanSq);
        float[] data = new float[raw.length];
        for (int i = 0; i < raw.length; i++) {
            data[i] = (float) (raw[i] * scale);
        }
        SplittableRandom random = new SplittableRandom(o.seed());
        Sae sae = Sae.init(
                manager, o.variant(), o.k(), dIn, dSae, scale, geometricMedian(data, n, dIn), random.nextLong());
        try {
            Run run = new Run(sae, o, data, n, dIn, random);
            Trace trace = run.loop();
            return new Result(sae, trace, List.copyOf(run.resampled), (System.nanoTime() - t0) / 1e9);
        } catch (RuntimeException e) {
            sae.close();
            throw e;
        }
    }

    /** The geometric median of the rows by Weiszfeld's iteration (50 steps from the mean), as float32. */
    static float[] geometricMedian(float[] data, int n, int d) {
        double[] m = new double[d];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < d; j++) {
                m[j] += data[i * d + j] / (double) n;
            }
        }
        for (int it = 0; it < 50; it++) {
            double[] num = new double[d];
            double den = 0;
            for (int i = 0; i < n; i++) {
                double dist = 0;
                for (int j = 0; j < d; j++) {
                    double e = data[i * d + j] - m[j];
                    dist += e * e;
                }
                double w = 1 / Math.max(Math.sqrt(dist), 1e-8);
                for (int j = 0; j < d; j++) {
                    num[j] += w * data[i * d + j];
                }
                den += w;
            }
            for (int j = 0; j < d; j++) {
                m[j] = num[j] / den;
            }
        }
        float[] out = new float[d];
        for (int j = 0; j < d; j++) {
            out[j] = (float) m[j];
        }
        return out;
    }

    /** One training run's state: data, Adam moments, firing history. */
    private static final class Run {
        final Sae sae;
        final SaeOptions o;
        final float[] data;
        final int n;
        final int dIn;
        final int dSae;
        final SplittableRandom random;
        final NDManager manager;
        final NDArray xs;
        final List<NDArray> params;
        final List<NDArray> m1 = new ArrayList<>();
        final List<NDArray> m2 = new ArrayList<>();
        final int[] lastFired;
        final List<Integer> resampled = new ArrayList<>();

        Run(Sae sae, SaeOptions o, float[] data, int n, int dIn, SplittableRandom random) {
            this.sae = sae;
            this.o = o;
            this.data = data;
            this.n = n;
            this.dIn = dIn;
            this.dSae = sae.dSae();
            this.random = random;
            this.manager = sae.manager();
            this.xs = Ops.owned(Ops.floats(manager, data, new Shape(n, dIn)));
            this.params = sae.params();
            for (NDArray p : params) {
                m1.add(Ops.owned(manager.zeros(p.getShape(), DataType.FLOAT32)));
                m2.add(Ops.owned(manager.zeros(p.getShape(), DataType.FLOAT32)));
            }
            this.lastFired = new int[dSae];
            java.util.Arrays.fill(lastFired, -1);
        }

        Trace loop() {
            int steps = o.steps();
            int b = Math.min(o.batch(), n);
            int logEvery = Math.max(1, steps / 200);
            int window = o.deadWindow();
            int[] resampleAt = o.variant() == SaeOptions.Variant.RELU ? o.resampleSteps() : new int[0];
            List<double[]> rows = new ArrayList<>();
            int[] order = shuffled(n);
            int next = 0;
            ByteBuffer rowData = ByteBuffer.allocateDirect(8 * b).order(ByteOrder.nativeOrder());
            NDArray idx = Ops.owned(manager.zeros(new Shape(b), DataType.INT64));
            NDArray l1 = Ops.scalar(manager, (float) o.l1());
            long updates = 0;
            try {
                for (int t = 0; t < steps; t++) {
                    for (int at : resampleAt) {
                        if (t == at && t >= window && t > 0) {
                            resampled.add(resample(t, window));
                        }
                    }
                    try (StepScope s = new StepScope()) {
                        rowData.clear();
                        for (int i = 0; i < b; i++) {
                            if (next == n) {
                                order = shuffled(n);
                                next = 0;
                            }
                            rowData.putLong(order[next++]);
                        }
                        rowData.flip();
                        idx.set(rowData);
                        NDArray xb = xs.get(idx);
                        for (NDArray p : params) {
                            Ops.zeroGrad(p);
                        }
                        boolean[] dead = new boolean[dSae];
                        int deadCount = 0;
                        for (int i = 0; i < dSae; i++) {
                            dead[i] = t - lastFired[i] > window;
                            deadCount += dead[i] ? 1 : 0;
                        }
                        double lossV;
                        double mseV;
                        double auxV = 0;
                        NDArray f;
                        try (GradientCollector gc = Engine.getEngine("PyTorch").newGradientCollector()) {
                            NDArray pre = sae.preScaled(xb);
                            f = sae.activate(pre);
                            NDArray xhat = sae.decodeScaled(f);
                            NDArray mse =
                                    xhat.sub(xb).square().sum(new int[] {1}).mean();
                            NDArray loss;
                            if (o.variant() == SaeOptions.Variant.RELU) {
                                loss = mse.add(f.sum(new int[] {1}).mean().mul(l1));
                            } else if (deadCount > 0) {
                                NDArray aux = auxK(pre, xb, xhat, dead, deadCount);
                                loss = mse.add(aux);
                                auxV = aux.getFloat();
                            } else {
                                loss = mse;
                            }
                            gc.backward(loss);
                            lossV = loss.getFloat();
                            mseV = mse.getFloat();
                        }
                        if (!Double.isFinite(lossV)) {
                            throw new IllegalStateException(
                                    "sae: the training loss at step " + t + " is " + lossV + "; lower --sae-lr");
                        }
                        boolean[] fired = f.max(new int[] {0}).gt(0).toBooleanArray();
                        for (int i = 0; i < dSae; i++) {
                            if (fired[i]) {
                                lastFired[i] = t;
                            }
                        }
                        updates++;
                        adam(o.lrAt(t), updates);
                        if (t % logEvery == 0 || t == steps - 1) {
                            double l0 = f.gt(0)
                                    .toType(DataType.FLOAT32, false)
                                    .sum(new int[] {1})
                                    .mean()
                                    .getFloat();
                            rows.add(new double[] {t, lossV, mseV, auxV, l0, deadCount});
                        }
                    }
                }
            } finally {
                idx.close();
                l1.close();
                xs.close();
                m1.forEach(NDArray::close);
                m2.forEach(NDArray::close);
            }
            int r = rows.size();
            Trace tr = new Trace(new int[r], new double[r], new double[r], new double[r], new double[r], new int[r]);
            for (int i = 0; i < r; i++) {
                double[] v = rows.get(i);
                tr.steps()[i] = (int) v[0];
                tr.loss()[i] = v[1];
                tr.mse()[i] = v[2];
                tr.aux()[i] = v[3];
                tr.l0()[i] = v[4];
                tr.dead()[i] = (int) v[5];
            }
            return tr;
        }

        /** The AuxK term (already multiplied by alpha and the dead-count scale). */
        NDArray auxK(NDArray pre, NDArray xb, NDArray xhat, boolean[] dead, int deadCount) {
            int half = Math.max(1, dIn / 2);
            int kAux = Math.min(half, deadCount);
            double weight = SaeOptions.AUX_ALPHA * Math.min(deadCount / (double) half, 1.0);
            float[] live = new float[dSae];
            float[] deadMask = new float[dSae];
            for (int i = 0; i < dSae; i++) {
                live[i] = dead[i] ? 0f : -1e30f;
                deadMask[i] = dead[i] ? 1f : 0f;
            }
            NDManager m = pre.getManager();
            NDArray residual = xb.sub(xhat).stopGradient();
            NDArray onlyDead = pre.add(Ops.floats(m, live, new Shape(dSae)));
            NDArray chosen = Sae.topMask(onlyDead, kAux).mul(Ops.floats(m, deadMask, new Shape(dSae)));
            NDArray eHat = Ops.matmul(pre.mul(chosen), sae.wDec());
            return eHat.sub(residual)
                    .square()
                    .sum(new int[] {1})
                    .mean()
                    .mul(Ops.floats(m, new float[] {(float) weight}, new Shape()));
        }

        /** Adam on every parameter, the decoder's gradient first made orthogonal to its rows; then unit rows. */
        void adam(double lr, long t) {
            double bc1 = 1 - Math.pow(SaeOptions.BETA1, t);
            double bc2Sqrt = Math.sqrt(1 - Math.pow(SaeOptions.BETA2, t));
            NDArray wDec = sae.wDec();
            for (int i = 0; i < params.size(); i++) {
                NDArray p = params.get(i);
                NDArray g = p.getGradient();
                if (p == wDec) {
                    g = g.sub(wDec.mul(g.mul(wDec).sum(new int[] {1}, true)));
                }
                NDArray m = m1.get(i);
                NDArray v = m2.get(i);
                m.muli(SaeOptions.BETA1).addi(g.mul(1 - SaeOptions.BETA1));
                v.muli(SaeOptions.BETA2).addi(g.square().muli(1 - SaeOptions.BETA2));
                NDArray denom = v.sqrt().divi(bc2Sqrt).addi(SaeOptions.EPS);
                p.subi(m.div(denom).muli(lr / bc1));
            }
            wDec.divi(wDec.norm(new int[] {1}, true));
        }

        /** Resamples the latents dead at step {@code t}; returns how many. */
        int resample(int t, int window) {
            List<Integer> deadList = new ArrayList<>();
            for (int i = 0; i < dSae; i++) {
                if (t - lastFired[i] > window) {
                    deadList.add(i);
                }
            }
            if (deadList.isEmpty()) {
                return 0;
            }
            double[] weight = new double[n];
            double total = 0;
            for (int from = 0; from < n; from += CHUNK) {
                int to = Math.min(n, from + CHUNK);
                try (StepScope s = new StepScope()) {
                    NDArray xb = xs.get(from + ":" + to);
                    float[] err = sae.decodeScaled(sae.activate(sae.preScaled(xb)))
                            .sub(xb)
                            .square()
                            .sum(new int[] {1})
                            .toFloatArray();
                    for (int i = 0; i < err.length; i++) {
                        weight[from + i] = (double) err[i] * err[i];
                        total += weight[from + i];
                    }
                }
            }
            float[] enc = sae.wEnc().toFloatArray(); // [dIn, dSae]
            float[] dec = sae.wDec().toFloatArray(); // [dSae, dIn]
            float[] bEnc = sae.bEnc().toFloatArray();
            float[] bDec = sae.bDec().toFloatArray();
            double aliveNorm = 0;
            int alive = 0;
            for (int i = 0; i < dSae; i++) {
                if (t - lastFired[i] <= window) {
                    double s = 0;
                    for (int j = 0; j < dIn; j++) {
                        s += (double) enc[j * dSae + i] * enc[j * dSae + i];
                    }
                    aliveNorm += Math.sqrt(s);
                    alive++;
                }
            }
            aliveNorm = alive == 0 ? 1 : aliveNorm / alive;
            float[][] moments = new float[8][];
            for (int q = 0; q < 4; q++) {
                moments[q] = m1.get(q).toFloatArray();
                moments[4 + q] = m2.get(q).toFloatArray();
            }
            for (int i : deadList) {
                int row = draw(weight, total);
                double[] v = new double[dIn];
                double norm = 0;
                for (int j = 0; j < dIn; j++) {
                    v[j] = data[row * dIn + j] - bDec[j];
                    norm += v[j] * v[j];
                }
                norm = Math.sqrt(norm);
                for (int j = 0; j < dIn; j++) {
                    double u = norm > 0 ? v[j] / norm : (j == 0 ? 1 : 0);
                    dec[i * dIn + j] = (float) u;
                    enc[j * dSae + i] = (float) (u * 0.2 * aliveNorm);
                }
                bEnc[i] = 0;
                for (int q : new int[] {0, 4}) {
                    for (int j = 0; j < dIn; j++) {
                        moments[q][j * dSae + i] = 0; // W_enc column
                        moments[q + 2][i * dIn + j] = 0; // W_dec row
                    }
                    moments[q + 1][i] = 0; // b_enc
                }
                lastFired[i] = t; // a fresh window before it can be called dead again
            }
            try (StepScope s = new StepScope()) {
                replace(sae.wEnc(), enc);
                replace(sae.bEnc(), bEnc);
                replace(sae.wDec(), dec);
                for (int q = 0; q < 4; q++) {
                    replace(m1.get(q), moments[q]);
                    replace(m2.get(q), moments[4 + q]);
                }
            }
            return deadList.size();
        }

        private void replace(NDArray target, float[] values) {
            target.set(new NDIndex("..."), Ops.floats(manager, values, target.getShape()));
        }

        private int draw(double[] weight, double total) {
            if (!(total > 0)) {
                return random.nextInt(n);
            }
            double u = random.nextDouble() * total;
            for (int i = 0; i < n; i++) {
                u -= weight[i];
                if (u < 0) {
                    return i;
                }
            }
            return n - 1;
        }

        private int[] shuffled(int size) {
            int[] a = new int[size];
            for (int i = 0; i < size; i++) {
                a[i] = i;
            }
            for (int i = size - 1; i > 0; i--) {
                int j = random.nextInt(i + 1);
                int tmp = a[i];
                a[i] = a[j];
                a[j] = tmp;
            }
            return a;
        }
    }
}
