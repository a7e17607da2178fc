package dev.vivarium.laws.fit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vivarium.laws.bootstrap.Bootstrap;
import dev.vivarium.laws.bootstrap.Consistency;
import dev.vivarium.laws.bootstrap.Estimate;
import dev.vivarium.laws.bootstrap.LawUncertainty;
import dev.vivarium.numeric.optim.Lbfgs;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Approach 3 on the 240 lowest-loss Chinchilla points. Oracles: scipy's L-BFGS-B from the full grid
 * (tools/oracle/chinchilla_fit.py) and Besiroglu et al.'s published refit (data/chinchilla/README.md).
 */
class ChinchillaFitTest {
    // Besiroglu et al. 2024: value and bootstrap standard error
    private static final double E = 1.817, E_SE = 0.026;
    private static final double ALPHA = 0.348, ALPHA_SE = 0.015;
    private static final double BETA = 0.366, BETA_SE = 0.021;

    private static LawData data;
    private static LawFit fit;
    private static LawUncertainty uncertainty;

    @BeforeAll
    static void fitOnce() {
        data = ChinchillaData.lowest240();
        Law law = Law.chinchilla();
        // the 100 best of the 4,500 grid starts: the same optimum as all of them, in a tenth of the time
        fit = new LawFitter(ResidualLoss.HOFFMANN, Lbfgs.DEFAULT, 100).fit(law, data, StartGrid.hoffmann(law));
        uncertainty = LawUncertainty.of(LawFitter.HOFFMANN, data, fit, Bootstrap.of(1000, 7));
    }

    @Test
    void matchesScipyOnTheSameObjective() {
        // tools/oracle/chinchilla_fit.py: objective 0.001018274039, E 1.817231, A 477.7683, B 2144.5388,
        // alpha 0.347303, beta 0.367198
        assertEquals(240, fit.points());
        assertTrue(fit.objective() <= 0.001018274039 + 1e-12, "objective " + fit.objective());
        assertEquals(1.817231, fit.value("E"), 2e-4);
        assertEquals(0.347303, fit.value("alpha"), 2e-4);
        assertEquals(0.367198, fit.value("beta"), 2e-4);
        assertEquals(477.7683, fit.value("A"), 477.7683 * 2e-3);
        assertEquals(2144.5388, fit.value("B"), 2144.5388 * 2e-3);
    }

    @Test
    void reproducesEpochRefitWithinOneStandardError() {
        assertEquals(E, fit.value("E"), E_SE);
        assertEquals(ALPHA, fit.value("alpha"), ALPHA_SE);
        assertEquals(BETA, fit.value("beta"), BETA_SE);
    }

    @Test
    void bootstrapStandardErrorsAreOfTheirSize() {
        assertEquals(0, uncertainty.failed());
        assertSimilar(E_SE, uncertainty.estimate("E", 0.95));
        assertSimilar(ALPHA_SE, uncertainty.estimate("alpha", 0.95));
        assertSimilar(BETA_SE, uncertainty.estimate("beta", 0.95));
        Estimate a = uncertainty.derived("a", p -> p[4] / (p[3] + p[4]), 0.95);
        assertEquals(0.513, a.value(), 0.020); // published a = 0.513 (SE 0.020)
        assertEquals(0.020, a.se(), 0.020 * 0.3);
    }

    @Test
    void isConsistentWithTheRefitButNotWithHoffmannsOwnFit() {
        Map<String, Double> epoch = new LinkedHashMap<>();
        epoch.put("E", E);
        epoch.put("alpha", ALPHA);
        epoch.put("beta", BETA);
        Consistency withEpoch = Consistency.test(uncertainty, epoch, 0.95);
        assertTrue(withEpoch.consistent(), withEpoch.toString());

        Map<String, Double> hoffmann = new LinkedHashMap<>();
        hoffmann.put("E", 1.69);
        hoffmann.put("alpha", 0.34);
        hoffmann.put("beta", 0.28);
        Consistency withHoffmann = Consistency.test(uncertainty, hoffmann, 0.95);
        assertFalse(withHoffmann.consistent(), withHoffmann.toString());
        assertTrue(withHoffmann.pValue() < 1e-6, withHoffmann.toString());
    }

    @Test
    void predictionIntervalWidensWhenExtrapolating() {
        ComputeOptimal opt = ComputeOptimal.of(fit);
        double inside = 1e21;
        double outside = 1e26;
        var near = uncertainty.predictionInterval(0.95, opt.nOpt(inside), opt.dOpt(inside));
        var far = uncertainty.confidenceBand(0.95, opt.nOpt(outside), opt.dOpt(outside));
        var nearBand = uncertainty.confidenceBand(0.95, opt.nOpt(inside), opt.dOpt(inside));
        assertTrue(near.contains(fit.predict(opt.nOpt(inside), opt.dOpt(inside))));
        assertTrue(near.width() > nearBand.width(), "noise widens the band into a prediction interval");
        assertTrue(
                far.width() / fit.predict(opt.nOpt(outside), opt.dOpt(outside))
                        > nearBand.width() / fit.predict(opt.nOpt(inside), opt.dOpt(inside)),
                "band widens out of range");
    }

    private static void assertSimilar(double published, Estimate e) {
        assertTrue(
                e.se() > 0.7 * published && e.se() < 1.3 * published,
                e.name() + ": bootstrap SE " + e.se() + " vs published " + published);
    }
}
