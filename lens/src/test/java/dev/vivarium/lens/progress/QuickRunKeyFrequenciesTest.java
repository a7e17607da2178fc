package dev.vivarium.lens.progress;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vivarium.lens.fourier.KeyFrequencies;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The key-frequency rule on the frozen Fourier analysis of the README's default run, recipes/grokking-quick.yaml. */
class QuickRunKeyFrequenciesTest {
    @Test
    void fiveClustersFiveKeysAndTheEnergyGapAgrees() throws Exception {
        FrozenFourier frozen = FrozenFourier.read("/grokking-quick/fourier_step_00002500.json", 59);
        KeyFrequencies.Result got = frozen.keys();
        assertEquals(5, got.keys().size(), "keys " + got.keys());
        assertTrue(got.energyGapAgrees(), "above the energy gap: " + got.aboveEnergyGap());
        assertTrue(got.energyGapRatio() > 3, "the energies drop sharply after the keys: x" + got.energyGapRatio());
        int inClusters = got.keys().stream().mapToInt(k -> got.clusterSize()[k]).sum();
        assertTrue(inClusters > 0.8 * 512, inClusters + " of 512 neurons in key clusters");
        // the rule the file was written with gave the same keys
        List<Integer> written = new java.util.ArrayList<>();
        frozen.json().get("key_frequencies").forEach(k -> written.add(k.asInt()));
        assertEquals(written, got.keys());
    }
}
