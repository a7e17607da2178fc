package dev.vivarium.numeric;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class LogSumExpTest {

    @Test
    void matchesScipyLogsumexp() {
        // scipy.special.logsumexp([1.0, 2.0, 3.0]) = 3.4076059644443806
        assertEquals(3.4076059644443806, LogSumExp.of(new double[] {1, 2, 3}), 1e-15);
        // terms far beyond exp's range: logsumexp([1000, 1000]) = 1000 + log 2, logsumexp([-1000, -1001])
        assertEquals(1000 + Math.log(2), LogSumExp.of(new double[] {1000, 1000}), 1e-12);
        assertEquals(-1000 + Math.log1p(Math.exp(-1)), LogSumExp.of(new double[] {-1000, -1001}), 1e-12);
        assertEquals(Double.NEGATIVE_INFINITY, LogSumExp.of(new double[0]));
    }

    @Test
    void softmaxIsTheGradientAndSumsToOne() {
        // scipy.special.softmax([1.0, 2.0, 3.0]) = [0.09003057, 0.24472847, 0.66524096]
        double[] t = {1, 2, 3};
        double lse = LogSumExp.softmaxInPlace(t);
        assertEquals(3.4076059644443806, lse, 1e-15);
        assertEquals(0.09003057317038043, t[0], 1e-15);
        assertEquals(0.24472847105479767, t[1], 1e-15);
        assertEquals(0.6652409557748218, t[2], 1e-15);
        assertTrue(Double.isNaN(LogSumExp.softmaxInPlace(new double[] {Double.POSITIVE_INFINITY, 0})));
    }
}
