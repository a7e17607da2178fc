package dev.vivarium.lens.spectra;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vivarium.lens.Oracle;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The fit, its KS convention and its bootstrap p-value against tools/oracle/lens_powerlaw.py (numpy, scipy). */
class PowerLawFitTest {
    static final JsonNode CASES = Oracle.json("powerlaw.json").get("cases");

    @ParameterizedTest
    @ValueSource(strings = {"pareto", "lognormal_body_pareto_tail", "exponential", "marchenko_pastur"})
    void xminAlphaAndTwoSidedKsMatchScipy(String name) {
        JsonNode c = CASES.get(name);
        JsonNode want = c.get("fit");
        PowerLawFit.Result got = PowerLawFit.fit(Oracle.vector(c.get("data")));
        assertEquals(want.get("xmin").asDouble(), got.xmin(), 0, name);
        assertEquals(want.get("tail").asInt(), got.tail(), name);
        assertEquals(want.get("alpha").asDouble(), got.alpha(), 1e-10 * got.alpha(), name);
        assertEquals(want.get("ks").asDouble(), got.ks(), 1e-10, name + ": D is scipy.stats.kstest's statistic");
        assertEquals(c.get("data").size(), got.n());
    }

    @ParameterizedTest
    @ValueSource(strings = {"lognormal_body_pareto_tail", "marchenko_pastur"})
    void aOneSidedKsWouldHaveChosenAnotherTail(String name) {
        JsonNode c = CASES.get(name);
        PowerLawFit.Result got = PowerLawFit.fit(Oracle.vector(c.get("data")));
        JsonNode oneSided = c.get("one_sided_fit");
        assertTrue(
                Math.abs(oneSided.get("alpha").asDouble() - got.alpha()) > 0.5,
                name + ": one-sided alpha " + oneSided.get("alpha") + " vs two-sided " + got.alpha());
        assertTrue(oneSided.get("tail").asInt() != got.tail());
    }

    @ParameterizedTest
    @ValueSource(strings = {"pareto", "lognormal_body_pareto_tail", "exponential", "marchenko_pastur"})
    void bootstrapPValueAgreesWithNumpyWithinMonteCarloError(String name) {
        JsonNode c = CASES.get(name);
        double[] data = Oracle.vector(c.get("data"));
        double want = c.get("fit").get("p").asDouble();
        int sets = 1000;
        double got = PowerLawFit.pValue(data, PowerLawFit.fit(data), sets, 0);
        int theirs = Oracle.json("powerlaw.json").get("bootstrap_sets").asInt();
        double q = Math.max(want, 0.01);
        double se = Math.sqrt(q * (1 - q) * (1.0 / sets + 1.0 / theirs));
        assertEquals(want, got, 4 * se, name + ": p " + got + " vs numpy's " + want);
    }
}
