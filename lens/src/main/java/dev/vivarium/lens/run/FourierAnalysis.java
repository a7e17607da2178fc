package dev.vivarium.lens.run;

import dev.vivarium.core.task.ModularArithmetic;
import dev.vivarium.core.task.TaskConfig;
import dev.vivarium.lens.fourier.EmbeddingFourier;
import dev.vivarium.lens.fourier.FourierLosses;
import dev.vivarium.lens.fourier.KeyFrequencies;
import dev.vivarium.lens.fourier.ModularForward;
import dev.vivarium.lens.fourier.NeuronFrequencies;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The {@code fourier} analysis of one checkpoint of a modular-arithmetic run: key frequencies with their
 * evidence, the embedding's Fourier energy, each neuron's best frequency, restricted and excluded loss. Its
 * picture: the embedding's energy per frequency and the neuron clusters per frequency, keys in red.
 */
public final class FourierAnalysis {
    private FourierAnalysis() {}

    static Output run(LensRun run, long step) throws IOException {
        Map<String, Object> m = json(run);
        @SuppressWarnings("unchecked")
        List<Integer> keys = (List<Integer>) m.get("key_frequencies");
        @SuppressWarnings("unchecked")
        Map<String, Object> evidence = (Map<String, Object>) m.get("key_frequency_evidence");
        String summary = String.format(
                Locale.ROOT,
                "key frequencies %s (cluster sizes %s; embedding energy gap after rank %s, x%.1f); restricted loss"
                        + " %.3g (all inputs), excluded loss %.3g (train)",
                keys,
                evidence.get("cluster_size_by_frequency"),
                evidence.get("energy_gap_after_rank"),
                (Double) evidence.get("energy_gap_ratio"),
                (Double) m.get("restricted_loss"),
                (Double) m.get("excluded_loss"));
        return new Output(m, summary, Optional.of(picture(run, step, m, keys)));
    }

    private static BufferedImage picture(LensRun run, long step, Map<String, Object> m, List<Integer> keys) {
        double[] energy = (double[]) m.get("embedding_energy_by_frequency");
        int[] clusters = (int[]) m.get("cluster_sizes");
        int n = energy.length - 1;
        List<String> labels = new ArrayList<>();
        double[] e = new double[n];
        double[] c = new double[n];
        boolean[] key = new boolean[n];
        for (int k = 1; k <= n; k++) {
            labels.add(Integer.toString(k));
            e[k - 1] = energy[k];
            c[k - 1] = clusters[k];
            key[k - 1] = keys.contains(k);
        }
        String title = run.dir().id() + " step " + step;
        return Pictures.stack(List.of(
                Pictures.bars(
                        title + ": embedding energy per frequency, ||F W_E||^2",
                        "frequency k",
                        "energy",
                        labels,
                        e,
                        key,
                        "key frequency",
                        "other"),
                Pictures.bars(
                        "neuron clusters (best frequency explains >= " + KeyFrequencies.DEFAULT.minShare()
                                + " of the variance); a key frequency needs >= "
                                + m.get("min_cluster_size") + " neurons",
                        "frequency k",
                        "neurons",
                        labels,
                        c,
                        key,
                        "key frequency",
                        "other")));
    }

    public static Map<String, Object> json(LensRun run) throws IOException {
        ModularArithmetic task = CheckpointAnalyses.modular(run);
        ModularForward f = ModularForward.run(run.model(), task, run.manager());
        EmbeddingFourier e = f.embedding();
        NeuronFrequencies.Neuron[] neurons = NeuronFrequencies.of(f.neurons(), f.p());
        KeyFrequencies.Result found = KeyFrequencies.DEFAULT.of(neurons, e);
        List<Integer> keys = found.keys();
        TaskConfig.Data data = run.data();
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("key_frequencies", keys);
        m.put("key_frequencies_from_step", run.loadedStep());
        m.put("key_frequency_rule", KeyFrequencies.DEFAULT.definition());
        m.put("key_frequency_evidence", found.evidence());
        m.put("cluster_sizes", found.clusterSize());
        m.put("min_cluster_size", found.minClusterSize());
        m.put("key_fraction_of_embedding_energy", e.fractionCarried(keys));
        m.put("frequencies_by_energy", e.ranked());
        m.put("embedding_energy_by_frequency", e.energy());
        m.put("embedding_basis_norms", e.basisNorms());
        m.put("basis", e.basis().names());
        m.put("gini_embed", e.gini());
        m.put("gini_neuron_logit", f.giniNeuronLogit());
        double explained = 0;
        for (NeuronFrequencies.Neuron n : neurons) {
            explained += n.explained() / neurons.length;
        }
        m.put("neurons_by_best_frequency", found.bestCount());
        m.put("mean_variance_explained_by_best_frequency", explained);
        m.put(
                "neuron_best_frequency",
                java.util.Arrays.stream(neurons)
                        .mapToInt(NeuronFrequencies.Neuron::frequency)
                        .toArray());
        m.put(
                "neuron_variance_explained",
                java.util.Arrays.stream(neurons)
                        .mapToDouble(NeuronFrequencies.Neuron::explained)
                        .toArray());
        int[] train = data.split().train();
        int[] test = data.split().test();
        m.put("train_loss", FourierLosses.crossEntropy(f.logits(), f.labels(), train));
        m.put("test_loss", FourierLosses.crossEntropy(f.logits(), f.labels(), test));
        m.put("restricted_loss", FourierLosses.restricted(f, keys));
        m.put("restricted_loss_subset", "all p^2 inputs");
        m.put("restricted_loss_definition", FourierLosses.RESTRICTED);
        m.put("restricted_loss_on_train", FourierLosses.restrictedOn(f, keys, train));
        m.put("restricted_loss_on_test", FourierLosses.restrictedOn(f, keys, test));
        m.put("excluded_loss", FourierLosses.excluded(f, keys, train));
        m.put("excluded_loss_subset", "train");
        m.put("excluded_loss_definition", FourierLosses.EXCLUDED);
        m.put(
                "variants",
                Map.of(
                        "neuron_restricted_loss",
                        Map.of(
                                "value",
                                FourierLosses.neuronRestricted(f, keys, test),
                                "subset",
                                "test",
                                "definition",
                                FourierLosses.NEURON_RESTRICTED)));
        return m;
    }
}
