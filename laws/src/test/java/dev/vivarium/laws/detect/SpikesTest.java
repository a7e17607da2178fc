package dev.vivarium.laws.detect;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.junit.jupiter.api.Test;

class SpikesTest {

    @Test
    void findsTwoInjectedSpikesAndNothingElse() {
        double[] steps = Curves.steps(1000, 1);
        double[] loss = new double[steps.length];
        for (int i = 0; i < loss.length; i++) {
            loss[i] = 0.5 + 3 * Math.exp(-i / 150.0);
        }
        loss = Curves.noisy(loss, 0.01, 0.01, 100, 8);
        for (int i = 500; i < 503; i++) {
            loss[i] *= 3;
        }
        loss[801] *= 1.8;
        List<Spikes.Spike> spikes = Spikes.DEFAULT.detect(new Series("train_loss", steps, loss));
        assertEquals(2, spikes.size(), spikes.toString());
        assertEquals(500, spikes.get(0).startStep());
        assertEquals(502, spikes.get(0).endStep());
        assertEquals(3, spikes.get(0).ratio(), 0.2);
        assertEquals(801, spikes.get(1).peakStep());
        assertEquals(1.8, spikes.get(1).ratio(), 0.1);
    }

    @Test
    void refusesNanLossesNamingTheStep() {
        IllegalArgumentException e = assertThrows(
                IllegalArgumentException.class,
                () -> new Series("train_loss", new double[] {0, 10, 20}, new double[] {2, Double.NaN, 1}));
        assertEquals("train_loss = NaN at step 10.0 (index 1): values must be finite", e.getMessage());
    }
}
