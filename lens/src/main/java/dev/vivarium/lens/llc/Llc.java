package dev.vivarium.lens.llc;

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
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

/**
 * The local learning coefficient at the current parameters w* of an {@link LlcLoss} (Lau et al. 2023, "Quantifying
 * degeneracy in singular models via the learning coefficient"):
 *
 * <pre>  lambda(w*) = n beta (E_w[L_n(w)] - L_n(w*)),  beta = 1/log n by default,</pre>
 *
 * the expectation over the localised tempered posterior {@code exp(-n beta L_n(w) - gamma/2 |w - w*|^2)}, sampled
 * by SGLD as devinterp's {@code SGLD} optimiser does:
 *
 * <pre>  w <- w - (eps/2) (n beta grad L_m(w) + gamma (w - w*)) + sqrt(eps) N(0, 1)</pre>
 *
 * with {@code grad L_m} the mean loss's gradient on a minibatch of m examples (each chain cycles through its own
 * shuffle of the n examples, epoch after epoch). As in devinterp's {@code LLCEstimator}, {@code E_w[L_n(w)]} of a
 * chain is the mean of the minibatch losses {@code L_m(w_t)} at its draws (the loss each step's gradient came
 * from, before the step), and the baseline {@code L_n(w*)} is the loss on the whole training set (devinterp PR #39).
 * A chain's estimate is {@code n beta (mean_t L_m(w_t) - L_n(w*))}; the estimate is their mean over the chains that
 * did not diverge, with standard error SD / sqrt(chains). The parameters are back at w* when this returns.
 */
public final class Llc {
    /** Rows per forward pass when the whole training set's loss is computed. */
    static final int FULL_CHUNK = 4096;

    private Llc() {}

    /**
     * One chain.
     *
     * @param estimate {@code n beta (mean draw loss - L_n(w*))}; NaN when it diverged
     * @param meanLoss the mean minibatch loss over its draws (NaN when it diverged)
     * @param diverged whether it was stopped and left out
     * @param reason why it was stopped, empty when it was not
     * @param trace the minibatch loss at every step, burn-in first; up to the divergence
     */
    public record Chain(double estimate, double meanLoss, boolean diverged, String reason, double[] trace) {}

    /**
     * An estimate.
     *
     * @param llc the mean of the chains' estimates that did not diverge (NaN when all did)
     * @param se their standard deviation over sqrt(their number) (NaN with fewer than two)
     * @param initLoss the baseline {@code L_n(w*)}, on all n examples
     * @param nbeta n times beta used
     * @param n training examples
     * @param parameters number of scalar parameters d
     * @param chains every chain, in order
     * @param seconds wall time
     */
    public record Result(
            double llc,
            double se,
            double initLoss,
            double nbeta,
            int n,
            long parameters,
            List<Chain> chains,
            double seconds) {
        /** The chains that diverged, by index. */
        public List<Integer> divergedChains() {
            List<Integer> out = new ArrayList<>();
            for (int i = 0; i < chains.size(); i++) {
                if (chains.get(i).diverged()) {
                    out.add(i);
                }
            }
            return out;
        }

        /** Each chain's estimate, NaN for a diverged one. */
        public double[] perChain() {
            return chains.stream().mapToDouble(Chain::estimate).toArray();
        }
    }

    /** Estimates the LLC of {@code f} at its current parameters with {@code o}. */
    public static Result estimate(LlcLoss f, LlcOptions o) {
        long t0 = System.nanoTime();
        int n = f.n();
        double nbeta = o.nbetaFor(n);
        int m = Math.min(o.batch(), n);
        List<NDArray> params = f.params();
        if (params.isEmpty()) {
            throw new IllegalArgumentException("the loss has no parameters to sample over");
        }
        NDManager manager = params.get(0).getManager();
        List<NDArray> start = new ArrayList<>();
        long d = 0;
        try {
            for (NDArray p : params) {
                start.add(Ops.owned(p.duplicate()));
                d += p.size();
            }
            double init = fullLoss(f, manager);
            if (!Double.isFinite(init)) {
                throw new IllegalArgumentException("the training loss at w* is " + init + ", not a finite number");
            }
            double bound = init + LlcOptions.DIVERGENCE * Math.max(init, d / (2 * nbeta));
            SplittableRandom root = new SplittableRandom(o.seed());
            List<Chain> chains = new ArrayList<>();
            for (int c = 0; c < o.chains(); c++) {
                chains.add(chain(f, params, start, root.split(), o, nbeta, m, init, bound, manager));
                reset(params, start);
            }
            double[] ok = chains.stream()
                    .filter(ch -> !ch.diverged())
                    .mapToDouble(Chain::estimate)
                    .toArray();
            double mean =
                    ok.length == 0 ? Double.NaN : Arrays.stream(ok).average().orElseThrow();
            double se = Double.NaN;
            if (ok.length > 1) {
                double ss = 0;
                for (double v : ok) {
                    ss += (v - mean) * (v - mean);
                }
                se = Math.sqrt(ss / (ok.length - 1)) / Math.sqrt(ok.length);
            }
            return new Result(mean, se, init, nbeta, n, d, List.copyOf(chains), (System.nanoTime() - t0) / 1e9);
        } finally {
            if (start.size() == params.size()) {
                reset(params, start);
            }
            start.forEach(NDArray::close);
        }
    }

    /** {@code L_n} at the current parameters: the mean loss over all n examples, in chunks, without a graph. */
    static double fullLoss(LlcLoss f, NDManager manager) {
        int n = f.n();
        double sum = 0;
        for (int from = 0; from < n; from += FULL_CHUNK) {
            int to = Math.min(n, from + FULL_CHUNK);
            try (StepScope s = new StepScope()) {
                long[] rows = new long[to - from];
                for (int i = 0; i < rows.length; i++) {
                    rows[i] = from + i;
                }
                NDArray loss = f.loss(Ops.longs(manager, rows, new Shape(rows.length)));
                sum += loss.toType(DataType.FLOAT64, false).getDouble() * rows.length;
            }
        }
        return sum / n;
    }

    private static Chain chain(
            LlcLoss f,
            List<NDArray> params,
            List<NDArray> start,
            SplittableRandom random,
            LlcOptions o,
            double nbeta,
            int m,
            double init,
            double bound,
            NDManager manager) {
        int steps = o.burnin() + o.draws();
        double[] trace = new double[steps];
        int n = f.n();
        int[] order = shuffled(n, random);
        int next = 0;
        double sum = 0;
        double halfLr = o.lr() / 2;
        double noiseScale = Math.sqrt(o.lr());
        // arrays refilled in place every step, so that a step allocates nothing from Java data
        List<NDArray> noise = new ArrayList<>();
        List<ByteBuffer> noiseData = new ArrayList<>();
        ByteBuffer rowData = ByteBuffer.allocateDirect(8 * m).order(ByteOrder.nativeOrder());
        NDArray idx = Ops.owned(manager.zeros(new Shape(m), DataType.INT64));
        try {
            for (NDArray p : params) {
                noise.add(Ops.owned(manager.zeros(p.getShape(), p.getDataType())));
                int bytes = p.getDataType() == DataType.FLOAT64 ? 8 : 4;
                noiseData.add(ByteBuffer.allocateDirect(Math.toIntExact(bytes * p.size()))
                        .order(ByteOrder.nativeOrder()));
            }
            for (int t = 0; t < steps; t++) {
                try (StepScope s = new StepScope()) {
                    rowData.clear();
                    for (int i = 0; i < m; i++) {
                        if (next == n) {
                            order = shuffled(n, random);
                            next = 0;
                        }
                        rowData.putLong(order[next++]);
                    }
                    rowData.flip();
                    idx.set(rowData);
                    for (NDArray p : params) {
                        Ops.zeroGrad(p);
                    }
                    double value;
                    try (GradientCollector gc = Engine.getEngine("PyTorch").newGradientCollector()) {
                        NDArray loss = f.loss(idx);
                        gc.backward(loss);
                        value = loss.toType(DataType.FLOAT64, false).getDouble();
                    }
                    trace[t] = value;
                    if (!Double.isFinite(value) || value > bound) {
                        String reason = String.format(
                                java.util.Locale.ROOT,
                                "step %d: minibatch loss %s %s",
                                t,
                                value,
                                Double.isFinite(value) ? "above the bound " + bound : "is not finite");
                        return new Chain(Double.NaN, Double.NaN, true, reason, Arrays.copyOf(trace, t + 1));
                    }
                    if (t >= o.burnin()) {
                        sum += value;
                    }
                    for (int i = 0; i < params.size(); i++) {
                        NDArray p = params.get(i);
                        NDArray drift = p.getGradient().mul(nbeta);
                        if (o.gamma() != 0) {
                            drift = drift.add(p.sub(start.get(i)).mul(o.gamma()));
                        }
                        p.subi(drift.mul(halfLr));
                        fillGaussian(noiseData.get(i), p.getDataType() == DataType.FLOAT64, random);
                        noise.get(i).set(noiseData.get(i));
                        p.addi(noise.get(i).mul(noiseScale));
                    }
                }
            }
        } finally {
            idx.close();
            noise.forEach(NDArray::close);
        }
        double meanLoss = sum / o.draws();
        return new Chain(nbeta * (meanLoss - init), meanLoss, false, "", trace);
    }

    private static void reset(List<NDArray> params, List<NDArray> start) {
        for (int i = 0; i < params.size(); i++) {
            params.get(i).set(new NDIndex("..."), start.get(i));
        }
    }

    /** Fills {@code buffer} with standard normal values (Box-Muller), float64 or float32, and flips it. */
    private static void fillGaussian(ByteBuffer buffer, boolean doubles, SplittableRandom r) {
        buffer.clear();
        int size = buffer.capacity() / (doubles ? 8 : 4);
        for (int i = 0; i < size; i += 2) {
            double u = 1 - r.nextDouble();
            double rad = Math.sqrt(-2 * Math.log(u));
            double a = 2 * Math.PI * r.nextDouble();
            put(buffer, doubles, rad * Math.cos(a));
            if (i + 1 < size) {
                put(buffer, doubles, rad * Math.sin(a));
            }
        }
        buffer.flip();
    }

    private static void put(ByteBuffer b, boolean doubles, double v) {
        if (doubles) {
            b.putDouble(v);
        } else {
            b.putFloat((float) v);
        }
    }

    private static int[] shuffled(int n, SplittableRandom r) {
        int[] a = new int[n];
        for (int i = 0; i < n; i++) {
            a[i] = i;
        }
        for (int i = n - 1; i > 0; i--) {
            int j = r.nextInt(i + 1);
            int t = a[i];
            a[i] = a[j];
            a[j] = t;
        }
        return a;
    }
}
