package dev.vivarium.lens.llc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.OptionalDouble;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The estimator against known learning coefficients. The seeds are fixed; {@code -Dllc.seeds=0,1,2} re-runs every
 * check with other seeds (how the settings below were checked for robustness).
 */
class LlcTest {
    static NDManager manager;

    @BeforeAll
    static void open() {
        manager = NDManager.newBaseManager("PyTorch");
    }

    @AfterAll
    static void close() {
        manager.close();
    }

    static long[] seeds() {
        return Arrays.stream(System.getProperty("llc.seeds", "0").split(","))
                .mapToLong(Long::parseLong)
                .toArray();
    }

    static Llc.Result run(String name, double expected, LlcLoss f, LlcOptions o) {
        Llc.Result r = Llc.estimate(f, o);
        System.out.printf(
                Locale.ROOT,
                "%s seed %d: llc %.4f +- %.4f (expected %.4f, %+.1f%%) chains %s, %.1f s%n",
                name,
                o.seed(),
                r.llc(),
                r.se(),
                expected,
                100 * (r.llc() / expected - 1),
                Arrays.toString(r.perChain()),
                r.seconds());
        return r;
    }

    /** Regular: least-squares linear regression with d parameters, lambda = d/2, within 10%. */
    @Test
    void linearRegressionHasHalfItsParameterCount() {
        for (long seed : seeds()) {
            for (int d : new int[] {4, 8}) {
                Toys.Regression f = new Toys.Regression(manager, 4096, d, 100 + seed);
                double[] before = f.w.toDoubleArray();
                LlcOptions o = new LlcOptions(1e-4, 1, OptionalDouble.empty(), 4, 4000, 400, 1024, seed);
                Llc.Result r = run("regression d=" + d, d / 2.0, f, o);
                assertEquals(d / 2.0, r.llc(), 0.1 * d / 2.0, "d = " + d);
                assertTrue(r.divergedChains().isEmpty());
                assertEquals(4096 / Math.log(4096), r.nbeta(), 1e-9);
                assertEquals(d, r.parameters());
                assertTrue(Arrays.equals(before, f.w.toDoubleArray()), "the parameters are back at w*");
            }
        }
    }

    /** Singular: f(x) = w1 w2 x at w* = (0, 0) with data from the function 0: lambda = 1/2, within 20%. */
    @Test
    void productOfTwoWeightsHasOneHalf() {
        for (long seed : seeds()) {
            Toys.Product f = new Toys.Product(manager, 4096, 2, 200 + seed);
            LlcOptions o = new LlcOptions(1e-3, 1, OptionalDouble.empty(), 8, 3200, 300, 1024, seed);
            Llc.Result r = run("w1 w2 x", 0.5, f, o);
            assertEquals(0.5, r.llc(), 0.1);
            assertTrue(r.divergedChains().isEmpty());
        }
    }

    /**
     * The baseline is the whole training set's loss: with per-example constants 0 and c, every minibatch's loss
     * differs from L_n by c times its imbalance; the estimate matches the whole-set formula, where a baseline of
     * the first minibatch's loss at w* would be off by n beta times that difference.
     */
    @Test
    void theBaselineIsTheWholeTrainingSetsLoss() {
        for (long seed : seeds()) {
            int n = 1024;
            int d = 2;
            double c = 10;
            Toys.Offsets f = new Toys.Offsets(manager, n, d, c, 1);
            // draws and burn-in are whole epochs (16 steps of 64), so the draws' constants average to c/2 exactly
            LlcOptions o = new LlcOptions(5e-4, 1, OptionalDouble.empty(), 8, 3200, 160, 64, seed);
            double nbeta = n / Math.log(n);
            double exact = d / 2.0 * nbeta / (nbeta + 1);
            Llc.Result r = run("offsets", exact, f, o);
            assertEquals(c / 2, r.initLoss(), 1e-12, "L_n(w*) is the mean over all n examples");
            assertEquals(exact, r.llc(), 0.15 * exact);
            double worst = 0;
            for (Llc.Chain ch : r.chains()) {
                double withBatchBaseline = nbeta * (ch.meanLoss() - ch.trace()[0]); // trace[0]: a minibatch at w*
                worst = Math.max(worst, Math.abs(withBatchBaseline - exact));
            }
            assertTrue(worst > 5 * exact, "a minibatch baseline would be off by " + worst + ": the test can fail");
        }
    }

    /** A chain that diverges is reported and left out of the mean. */
    @Test
    void aDivergingChainIsReportedAndLeftOut() {
        Toys.Regression base = new Toys.Regression(manager, 1024, 4, 7);
        int steps = 20 + 200;
        LlcLoss sabotaged = new LlcLoss() {
            int calls;

            @Override
            public int n() {
                return base.n();
            }

            @Override
            public List<NDArray> params() {
                return base.params();
            }

            @Override
            public NDArray loss(NDArray rows) {
                NDArray l = base.loss(rows);
                boolean sampling = rows.size() == 256;
                if (sampling && ++calls == steps + 5) {
                    return l.mul(l.onesLike().mul(1e9)); // chain 1's step 5 only
                }
                return l;
            }
        };
        LlcOptions o = new LlcOptions(2e-4, 1, OptionalDouble.empty(), 3, 200, 20, 256, 0);
        Llc.Result r = Llc.estimate(sabotaged, o);
        assertEquals(List.of(1), r.divergedChains());
        assertTrue(
                r.chains().get(1).reason().contains("above the bound"),
                r.chains().get(1).reason());
        assertTrue(Double.isNaN(r.perChain()[1]));
        assertEquals((r.perChain()[0] + r.perChain()[2]) / 2, r.llc(), 1e-12);

        // a huge step size: every chain blows up, each is reported, there is no estimate
        Llc.Result all = Llc.estimate(base, o.withLr(10));
        assertEquals(List.of(0, 1, 2), all.divergedChains());
        assertTrue(Double.isNaN(all.llc()));
        for (Llc.Chain ch : all.chains()) {
            assertTrue(ch.diverged(), ch.reason());
            assertTrue(ch.trace().length < 50, "stopped at once: " + ch.trace().length);
        }
        assertFalse(Arrays.stream(base.w.toDoubleArray()).anyMatch(v -> !Double.isFinite(v)), "w* restored");
    }

    @Test
    void optionsAreCheckedNamingTheOption() {
        IllegalArgumentException e = assertThrows(
                IllegalArgumentException.class,
                () -> new LlcOptions(1e-4, 100, OptionalDouble.empty(), 0, 10, 10, 10, 0));
        assertEquals("--llc-chains 0: must be at least 1", e.getMessage());
        e = assertThrows(
                IllegalArgumentException.class,
                () -> new LlcOptions(-1, 100, OptionalDouble.empty(), 1, 10, 10, 10, 0));
        assertEquals("--llc-lr -1.0: must be a finite number above 0", e.getMessage());
        e = assertThrows(
                IllegalArgumentException.class,
                () -> new LlcOptions(1e-4, 100, OptionalDouble.of(0), 1, 10, 10, 10, 0));
        assertEquals("--llc-nbeta 0.0: must be a finite number above 0", e.getMessage());
    }
}
