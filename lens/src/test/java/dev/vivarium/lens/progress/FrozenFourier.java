package dev.vivarium.lens.progress;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vivarium.lens.Oracle;
import dev.vivarium.lens.fourier.EmbeddingFourier;
import dev.vivarium.lens.fourier.FourierBasis;
import dev.vivarium.lens.fourier.KeyFrequencies;
import dev.vivarium.lens.fourier.NeuronFrequencies;
import java.io.IOException;
import java.io.InputStream;

/**
 * A frozen Fourier analysis of a real run's checkpoint (a test resource written by {@code lens fourier}) and
 * the key-frequency rule applied to it.
 */
record FrozenFourier(JsonNode json, EmbeddingFourier embedding, KeyFrequencies.Result keys) {
    static FrozenFourier read(String resource, int p) throws IOException {
        JsonNode f;
        try (InputStream in = FrozenFourier.class.getResourceAsStream(resource)) {
            f = new ObjectMapper().readTree(in);
        }
        EmbeddingFourier e = new EmbeddingFourier(
                FourierBasis.of(p),
                Oracle.vector(f.get("embedding_basis_norms")),
                Oracle.vector(f.get("embedding_energy_by_frequency")));
        JsonNode best = f.get("neuron_best_frequency");
        JsonNode share = f.get("neuron_variance_explained");
        NeuronFrequencies.Neuron[] neurons = new NeuronFrequencies.Neuron[best.size()];
        for (int j = 0; j < neurons.length; j++) {
            neurons[j] = new NeuronFrequencies.Neuron(
                    best.get(j).asInt(), share.get(j).asDouble());
        }
        return new FrozenFourier(f, e, KeyFrequencies.DEFAULT.of(neurons, e));
    }
}
