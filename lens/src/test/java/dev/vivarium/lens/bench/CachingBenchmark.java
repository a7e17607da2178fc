package dev.vivarium.lens.bench;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.vivarium.core.engine.StepScope;
import dev.vivarium.core.engine.TensorEngine;
import dev.vivarium.core.model.Activation;
import dev.vivarium.core.model.Transformer;
import dev.vivarium.core.model.TransformerConfig;
import dev.vivarium.core.task.Examples;
import dev.vivarium.core.task.ModularArithmetic;
import dev.vivarium.lens.cache.Activations;
import dev.vivarium.lens.cache.Caching;
import dev.vivarium.lens.numeric.Tensors;
import java.util.Arrays;
import java.util.Locale;

/**
 * What caching every activation adds to a plain forward pass: the grokking model of Nanda et al.
 * (p = 113, one layer, dModel 128, 4 heads, dMlp 512) on all 12,769 inputs, {@code forwardAll}
 * alone versus {@link Caching#all} (every one of its 15 hook points recorded). A third measure,
 * {@code forwardAll} with an identity hook at every point, separates the cost of recording from
 * that of the path the model takes once hooked (without hooks, block 0 reads its queries, keys and
 * values from per-token tables). Runs alternate so that machine noise hits all three; medians are
 * compared.
 *
 * <pre>
 * usage: CachingBenchmark [rounds=30] [threads=1]
 * stdout: plain_ms=... hooked_ms=... cached_ms=... overhead_percent=... (cached vs plain)
 *         recording_percent=... (cached vs hooked) hook_points=... threads=... rounds=...
 * </pre>
 */
public final class CachingBenchmark {
    private CachingBenchmark() {}

    public static void main(String[] args) {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 30;
        int threads = args.length > 1 ? Integer.parseInt(args[1]) : 1;
        TensorEngine.start(threads);
        TransformerConfig cfg =
                new TransformerConfig(1, 128, 4, 32, 512, Activation.RELU, false, false, false, 114, 113, 3);
        Examples all = new ModularArithmetic(113, ModularArithmetic.Op.ADD, 0.3)
                .generate(0)
                .examples();
        try (NDManager m = NDManager.newBaseManager();
                Transformer model = cfg.build(m, 0)) {
            NDArray tokens = Tensors.tokens(m, all.tokens(), all.n(), all.seqLen());
            double[] plain = new double[rounds];
            double[] hooked = new double[rounds];
            double[] cached = new double[rounds];
            for (int r = -5; r < rounds; r++) { // five rounds of warm-up
                double p = time(() -> {
                    try (StepScope s = new StepScope()) {
                        model.forwardAll(tokens).toFloatArray(); // read back, as the cache's consumer would
                    }
                });
                double h = time(() -> {
                    try (StepScope s = new StepScope();
                            dev.vivarium.core.hook.HookScope hooks =
                                    model.hooks().add(model.hooks().names(), (name, a) -> a)) {
                        model.forwardAll(tokens).toFloatArray();
                    }
                });
                double c = time(() -> {
                    try (Activations cache = Caching.all(model, tokens, m)) {
                        cache.logits().toFloatArray();
                    }
                });
                if (r >= 0) {
                    plain[r] = p;
                    hooked[r] = h;
                    cached[r] = c;
                }
            }
            double pm = median(plain);
            double hm = median(hooked);
            double cm = median(cached);
            System.out.printf(
                    Locale.ROOT,
                    "plain_ms=%.2f hooked_ms=%.2f cached_ms=%.2f overhead_percent=%.1f recording_percent=%.1f"
                            + " hook_points=%d threads=%d rounds=%d%n",
                    pm,
                    hm,
                    cm,
                    100 * (cm / pm - 1),
                    100 * (cm / hm - 1),
                    model.hooks().names().size(),
                    threads,
                    rounds);
        }
    }

    private static double time(Runnable r) {
        long t0 = System.nanoTime();
        r.run();
        return (System.nanoTime() - t0) / 1e6;
    }

    private static double median(double[] v) {
        double[] s = v.clone();
        Arrays.sort(s);
        return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
    }
}
