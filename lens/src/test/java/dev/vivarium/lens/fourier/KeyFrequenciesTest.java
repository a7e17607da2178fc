package dev.vivarium.lens.fourier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class KeyFrequenciesTest {
    static final int P = 23;

    /** An embedding whose energy per frequency is {@code energy[k]} (on cos k only). */
    static EmbeddingFourier embedding(double[] energy) {
        double[][] wE = new double[P][1];
        for (int k = 1; k < energy.length; k++) {
            for (int x = 0; x < P; x++) {
                wE[x][0] += Math.sqrt(energy[k]) * Math.sqrt(2.0 / P) * Math.cos(2 * Math.PI * k * x / P);
            }
        }
        return EmbeddingFourier.of(wE);
    }

    @Test
    void clustersOfNeuronsThatAreWavesOfOneFrequencyMakeTheKeys() {
        // 60 neurons: 20 are cos(w_3 (a+b)), 15 cos(w_7 (a+b)), 2 cos(w_9 (a+b)), 23 noise; a cluster needs
        // ceil(5% of 60) = 3 neurons under the first rule, ceil(2% of 60) = 2 under the default
        Random r = new Random(5);
        int n = 60;
        double[][] acts = new double[P * P][n];
        for (int a = 0; a < P; a++) {
            for (int b = 0; b < P; b++) {
                for (int j = 0; j < n; j++) {
                    int k = j < 20 ? 3 : j < 35 ? 7 : j < 37 ? 9 : 0;
                    acts[a * P + b][j] = k > 0 ? 1 + Math.cos(2 * Math.PI * k * (a + b) / P) : r.nextGaussian();
                }
            }
        }
        NeuronFrequencies.Neuron[] neurons = NeuronFrequencies.of(acts, P);
        double[] energy = new double[P / 2 + 1];
        java.util.Arrays.fill(energy, 0.01);
        energy[3] = 5;
        energy[7] = 4;
        energy[9] = 0.02;
        KeyFrequencies.Result got = new KeyFrequencies(0.5, 0.05).of(neurons, embedding(energy));
        assertEquals(List.of(3, 7), got.keys(), "3 neurons are under the 5% floor; noise neurons join no cluster");
        assertEquals(20, got.clusterSize()[3]);
        assertEquals(15, got.clusterSize()[7]);
        assertEquals(2, got.clusterSize()[9]);
        assertEquals(3, got.minClusterSize());
        assertEquals(2, got.energyGapAfter(), "the energies drop 200x after the second");
        assertEquals(4 / 0.02, got.energyGapRatio(), 1e-6);
        assertTrue(got.energyGapAgrees());
        assertEquals(
                List.of(3, 7, 9),
                KeyFrequencies.DEFAULT.of(neurons, embedding(energy)).keys());
    }

    @Test
    void noiseNeuronsGiveNoKeyFrequency() {
        Random r = new Random(7);
        double[][] acts = new double[P * P][40];
        for (double[] row : acts) {
            for (int j = 0; j < row.length; j++) {
                row[j] = Math.max(0, r.nextGaussian());
            }
        }
        double[] energy = new double[P / 2 + 1];
        java.util.Arrays.fill(energy, 1);
        KeyFrequencies.Result got = KeyFrequencies.DEFAULT.of(NeuronFrequencies.of(acts, P), embedding(energy));
        assertEquals(List.of(), got.keys());
        assertFalse(got.energyGapAgrees());
    }

    @Test
    void thresholdsOutsideTheUnitIntervalAreRefusedByName() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new KeyFrequencies(0, 0.02));
        assertEquals("key frequencies: minShare = 0.0: must be in (0, 1]", e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new KeyFrequencies(0.5, 1.5));
    }
}
