package dev.vivarium.laws.bench;

import dev.vivarium.laws.bootstrap.Bootstrap;
import dev.vivarium.laws.bootstrap.Estimate;
import dev.vivarium.laws.bootstrap.LawUncertainty;
import dev.vivarium.laws.fit.ChinchillaData;
import dev.vivarium.laws.fit.Law;
import dev.vivarium.laws.fit.LawData;
import dev.vivarium.laws.fit.LawFit;
import dev.vivarium.laws.fit.LawFitter;
import dev.vivarium.laws.fit.StartGrid;

/**
 * Benchmark, not a test: the Approach 3 fit of L(N, D) on the 240 Chinchilla points from Hoffmann et al.'s
 * full 4,500-point start grid, then 4,000 bootstrap refits on every core. Prints both wall times and the
 * estimates. Run with {@code bench/laws-bootstrap.sh} (arguments: resamples, threads).
 */
public final class BootstrapBenchmark {
    private BootstrapBenchmark() {}

    public static void main(String[] args) {
        int resamples = args.length > 0 ? Integer.parseInt(args[0]) : 4000;
        int threads = args.length > 1
                ? Integer.parseInt(args[1])
                : Runtime.getRuntime().availableProcessors();
        LawData data = ChinchillaData.lowest240();
        Law law = Law.chinchilla();

        long t0 = System.nanoTime();
        LawFit fit = LawFitter.HOFFMANN.fit(law, data, StartGrid.hoffmann(law));
        double fitSeconds = (System.nanoTime() - t0) / 1e9;

        long t1 = System.nanoTime();
        LawUncertainty u =
                LawUncertainty.of(LawFitter.HOFFMANN, data, fit, new Bootstrap(resamples, 20240417L, threads));
        double bootSeconds = (System.nanoTime() - t1) / 1e9;

        System.out.printf(
                "cores available: %d, threads used: %d%n", Runtime.getRuntime().availableProcessors(), threads);
        System.out.printf("grid fit (4,500 starts): %.2f s, objective %.10g%n", fitSeconds, fit.objective());
        System.out.printf(
                "bootstrap: %d refits in %.2f s wall (%d failed to converge)%n", resamples, bootSeconds, u.failed());
        for (Estimate e : u.estimates(0.95)) {
            System.out.println("  " + e);
        }
        System.out.println("  " + u.derived("a = beta/(alpha+beta)", p -> p[4] / (p[3] + p[4]), 0.95));
    }
}
