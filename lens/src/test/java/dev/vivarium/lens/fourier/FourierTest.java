package dev.vivarium.lens.fourier;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.JsonNode;
import dev.vivarium.core.model.Activation;
import dev.vivarium.core.model.Transformer;
import dev.vivarium.core.model.TransformerConfig;
import dev.vivarium.core.run.Checkpoints;
import dev.vivarium.core.task.ModularArithmetic;
import dev.vivarium.lens.Oracle;
import dev.vivarium.lens.TestModels;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class FourierTest {
    static final double RTOL = 1e-5;

    @Test
    void basisIsOrthonormalForOddAndEvenP() {
        for (int p : new int[] {2, 7, 12, 13, 113}) {
            FourierBasis f = FourierBasis.of(p);
            assertEquals(p, f.names().size());
            for (int i = 0; i < p; i++) {
                for (int j = 0; j < p; j++) {
                    double dot = 0;
                    double[] a = f.row(i);
                    double[] b = f.row(j);
                    for (int x = 0; x < p; x++) {
                        dot += a[x] * b[x];
                    }
                    assertEquals(i == j ? 1 : 0, dot, 1e-12, "p=" + p + " rows " + i + ", " + j);
                }
            }
        }
    }

    @Test
    void giniOfEqualAndConcentratedValues() {
        assertEquals(0, Gini.of(new double[] {2, 2, 2, 2}), 1e-15);
        assertEquals(0.75, Gini.of(new double[] {0, 0, 0, 5}), 1e-15);
    }

    @Test
    void matchesThePapersDefinitionsOnAPlantedModel() throws Exception {
        JsonNode want = Oracle.json("fourier.json");
        TestModels.engine();
        int p = want.get("p").asInt();
        TransformerConfig cfg =
                new TransformerConfig(1, 24, 2, 12, 40, Activation.RELU, false, false, false, p + 1, p, 3);
        try (NDManager m = NDManager.newBaseManager();
                Transformer model = cfg.build(m, 0)) {
            Checkpoints.loadWeights(
                    Path.of(getClass()
                            .getResource("/oracle/fourier_model.safetensors")
                            .toURI()),
                    model);
            ModularForward f = ModularForward.run(model, new ModularArithmetic(p, ModularArithmetic.Op.ADD, 0.4), m);
            int[] train = ints(want.get("train"));
            int[] test = ints(want.get("test"));
            List<Integer> keys = List.of(2, 5);

            EmbeddingFourier e = f.embedding();
            assertArrayEquals(Oracle.vector(want.get("basis_norms")), e.basisNorms(), 1e-6);
            assertArrayEquals(Oracle.vector(want.get("energy")), e.energy(), 1e-5);
            assertEquals(want.get("gini_embed").asDouble(), e.gini(), 1e-6);
            assertTrue(e.fractionCarried(keys) > 0.99, "the planted frequencies carry the embedding");

            close(
                    want.get("train_loss").asDouble(),
                    FourierLosses.crossEntropy(f.logits(), f.labels(), train),
                    "train loss");
            close(
                    want.get("test_loss").asDouble(),
                    FourierLosses.crossEntropy(f.logits(), f.labels(), test),
                    "test loss");
            close(want.get("restricted_loss_all").asDouble(), FourierLosses.restricted(f, keys), "restricted loss");
            close(
                    want.get("restricted_loss_train").asDouble(),
                    FourierLosses.restrictedOn(f, keys, train),
                    "restricted loss on train");
            close(
                    want.get("restricted_loss_test").asDouble(),
                    FourierLosses.restrictedOn(f, keys, test),
                    "restricted loss on test");
            close(want.get("excluded_loss").asDouble(), FourierLosses.excluded(f, keys, train), "excluded loss");
            close(
                    want.get("neuron_restricted_loss_test").asDouble(),
                    FourierLosses.neuronRestricted(f, keys, test),
                    "neuron-restricted loss (TransformerLens demo)");
            assertEquals(want.get("gini_neuron_logit").asDouble(), f.giniNeuronLogit(), 1e-6);

            NeuronFrequencies.Neuron[] neurons = NeuronFrequencies.of(f.neurons(), p);
            int[] freq = ints(want.get("neuron_best_freq"));
            double[] share = Oracle.vector(want.get("neuron_best_share"));
            for (int j = 0; j < neurons.length; j++) {
                assertEquals(share[j], neurons[j].explained(), 1e-5, "neuron " + j);
                if (share[j] > 0.05) {
                    assertEquals(freq[j], neurons[j].frequency(), "neuron " + j);
                }
            }
        }
    }

    @Test
    void aNeuronThatIsACosineOfTheSumIsExplainedByItsFrequency() {
        int p = 11;
        double[][] acts = new double[p * p][2];
        for (int a = 0; a < p; a++) {
            for (int b = 0; b < p; b++) {
                acts[a * p + b][0] = 3 + Math.cos(2 * Math.PI * 4 * (a + b) / p);
                acts[a * p + b][1] = Math.sin(2 * Math.PI * 2 * a / p) * Math.cos(2 * Math.PI * 2 * b / p)
                        + 0.5 * Math.cos(2 * Math.PI * 3 * b / p);
            }
        }
        NeuronFrequencies.Neuron[] n = NeuronFrequencies.of(acts, p);
        assertEquals(4, n[0].frequency());
        assertEquals(1.0, n[0].explained(), 1e-12);
        assertEquals(2, n[1].frequency());
        assertEquals(0.25 / (0.25 + 0.125), n[1].explained(), 1e-12);
    }

    static void close(double want, double got, String what) {
        assertEquals(want, got, RTOL * Math.abs(want), what);
    }

    static int[] ints(JsonNode n) {
        int[] v = new int[n.size()];
        for (int i = 0; i < v.length; i++) {
            v[i] = n.get(i).asInt();
        }
        return v;
    }
}
