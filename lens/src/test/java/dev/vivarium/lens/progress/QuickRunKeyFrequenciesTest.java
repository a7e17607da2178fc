package dev.vivarium.lens.progress;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vivarium.lens.Oracle;
import dev.vivarium.lens.fourier.EmbeddingFourier;
import dev.vivarium.lens.fourier.FourierBasis;
import dev.vivarium.lens.fourier.KeyFrequencies;
import dev.vivarium.lens.fourier.NeuronFrequencies;
import java.io.InputStream;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The key-frequency rule on the frozen Fourier analysis of the README's default run, recipes/grokking-quick.yaml. */
class QuickRunKeyFrequenciesTest {
    @Test
    void fiveClustersFiveKeysAndTheEnergyGapAgrees() throws Exception {
        JsonNode f;
        try (InputStream in = getClass().getResourceAsStream("/grokking-quick/fourier_step_00002500.json")) {
            f = new ObjectMapper().readTree(in);
        }
        EmbeddingFourier e = new EmbeddingFourier(
                FourierBasis.of(59),
                Oracle.vector(f.get("embedding_basis_norms")),
                Oracle.vector(f.get("embedding_energy_by_frequency")));
        JsonNode best = f.get("neuron_best_frequency");
        JsonNode share = f.get("neuron_variance_explained");
        NeuronFrequencies.Neuron[] neurons = new NeuronFrequencies.Neuron[best.size()];
        for (int j = 0; j < neurons.length; j++) {
            neurons[j] = new NeuronFrequencies.Neuron(
                    best.get(j).asInt(), share.get(j).asDouble());
        }
        KeyFrequencies.Result got = KeyFrequencies.DEFAULT.of(neurons, e);
        assertEquals(5, got.keys().size(), "keys " + got.keys());
        assertTrue(got.energyGapAgrees(), "above the energy gap: " + got.aboveEnergyGap());
        assertTrue(got.energyGapRatio() > 3, "the energies drop sharply after the keys: x" + got.energyGapRatio());
        int inClusters = got.keys().stream().mapToInt(k -> got.clusterSize()[k]).sum();
        assertTrue(inClusters > 0.8 * 512, inClusters + " of 512 neurons in key clusters");
        // the rule the file was written with gave the same keys
        List<Integer> written = new java.util.ArrayList<>();
        f.get("key_frequencies").forEach(k -> written.add(k.asInt()));
        assertEquals(written, got.keys());
    }
}
