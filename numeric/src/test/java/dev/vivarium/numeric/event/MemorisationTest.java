package dev.vivarium.numeric.event;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

class MemorisationTest {
    private static final long[] STEPS = {0, 25, 50, 75, 100, 125};

    @Test
    void theStepFromWhichAccuracyStaysAboveTheThreshold() {
        // reaches 0.99 at 50, dips at 75, holds from 100: memorised at 100, not at 50
        double[] acc = {0.1, 0.6, 0.995, 0.97, 0.991, 1.0};
        assertEquals(OptionalLong.of(100), Memorisation.DEFAULT.step(STEPS, acc));
        assertEquals(OptionalLong.of(50), new Memorisation(0.95).step(STEPS, acc));
    }

    @Test
    void neverWhenTheLastValueIsBelowOrNaN() {
        assertTrue(Memorisation.DEFAULT
                .step(STEPS, new double[] {1, 1, 1, 1, 1, 0.5})
                .isEmpty());
        assertTrue(Memorisation.DEFAULT
                .step(STEPS, new double[] {1, 1, 1, 1, 1, Double.NaN})
                .isEmpty());
        assertEquals(OptionalLong.of(0), Memorisation.DEFAULT.step(STEPS, new double[] {1, 1, 1, 1, 1, 1}));
    }

    @Test
    void theDefinitionNamesItsThresholdAndBadInputIsRefused() {
        assertTrue(Memorisation.DEFAULT.definition().contains(">= 0.99"));
        assertThrows(IllegalArgumentException.class, () -> new Memorisation(0));
        assertThrows(
                IllegalArgumentException.class,
                () -> Memorisation.DEFAULT.step(new long[] {0, 0}, new double[] {1, 1}));
    }
}
