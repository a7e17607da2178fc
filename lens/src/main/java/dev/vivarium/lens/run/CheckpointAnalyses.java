package dev.vivarium.lens.run;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.vivarium.core.engine.StepScope;
import dev.vivarium.core.model.Model;
import dev.vivarium.core.model.TransformerConfig;
import dev.vivarium.core.task.Examples;
import dev.vivarium.core.task.ModularArithmetic;
import dev.vivarium.core.task.TaskConfig;
import dev.vivarium.lens.attribution.AttentionPatterns;
import dev.vivarium.lens.attribution.DirectLogitAttribution;
import dev.vivarium.lens.attribution.LogitLens;
import dev.vivarium.lens.cache.Activations;
import dev.vivarium.lens.cache.Caching;
import dev.vivarium.lens.fourier.EmbeddingFourier;
import dev.vivarium.lens.fourier.FourierLosses;
import dev.vivarium.lens.fourier.KeyFrequencies;
import dev.vivarium.lens.fourier.ModularForward;
import dev.vivarium.lens.fourier.NeuronFrequencies;
import dev.vivarium.lens.numeric.Tensors;
import dev.vivarium.lens.sharpness.Sharpness;
import dev.vivarium.lens.similarity.Cka;
import dev.vivarium.lens.spectra.MatrixSpectrum;
import dev.vivarium.lens.spectra.WeightSpectra;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The analyses of one checkpoint, each returning a JSON-ready map. */
final class CheckpointAnalyses {
    /** Held-out examples read by the analyses that cache activations. */
    static final int MAX_EXAMPLES = 2048;

    private CheckpointAnalyses() {}

    static Map<String, Object> run(Analysis a, LensRun run, long step) throws IOException {
        run.load(step);
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("run", run.dir().id());
        out.put("step", step);
        out.put("analysis", a.cliName());
        out.putAll(
                switch (a) {
                    case FOURIER -> fourier(run);
                    case SPECTRA -> spectra(run.model());
                    case SHARPNESS -> sharpness(run);
                    case ATTENTION, LOGIT_LENS, ATTRIBUTION, CKA -> cached(a, run);
                    case PROGRESS -> throw new IllegalArgumentException(
                            "progress describes the whole run, not one checkpoint");
                });
        return out;
    }

    static ModularArithmetic modular(LensRun run) {
        if (!(run.recipe().task() instanceof ModularArithmetic m)) {
            throw new IllegalArgumentException("the Fourier analyses need a modular-arithmetic task; run "
                    + run.dir().id() + " trains on " + run.recipe().task());
        }
        return m;
    }

    static Map<String, Object> fourier(LensRun run) throws IOException {
        ModularArithmetic task = modular(run);
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

    static Map<String, Object> spectra(Model model) {
        List<Map<String, Object>> rows = new ArrayList<>();
        for (MatrixSpectrum s : WeightSpectra.of(model)) {
            Map<String, Object> r = new LinkedHashMap<>();
            r.put("name", s.name());
            r.put("shape", List.of(s.rows(), s.cols()));
            r.put("alpha", s.fit().alpha());
            r.put("alpha_sigma", s.fit().sigma());
            r.put("xmin", s.fit().xmin());
            r.put("ks_distance", s.fit().ks());
            r.put("tail", s.fit().tail());
            r.put("alpha_weighted", s.alphaWeighted());
            r.put("stable_rank", s.stableRank());
            r.put("effective_rank", s.effectiveRank());
            r.put("spectral_norm", s.spectralNorm());
            r.put("eigenvalues", s.eigenvalues());
            rows.add(r);
        }
        return Map.of("matrices", rows);
    }

    static Map<String, Object> sharpness(LensRun run) throws IOException {
        Examples train = run.data().train();
        try (StepScope s = new StepScope()) {
            NDManager m = run.manager();
            NDArray tokens = Tensors.tokens(m, train.tokens(), train.n(), train.seqLen());
            NDArray targets = Tensors.tokens(m, train.targets(), train.n(), train.scored().length);
            Sharpness.Result r = Sharpness.topEigenvalue(run.model(), tokens, targets, train.scored(), 100, 1e-4, 0);
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("top_hessian_eigenvalue", r.eigenvalue());
            out.put("hessian_vector_products", r.iterations());
            out.put("converged", r.converged());
            out.put("train_loss", r.loss());
            out.put("examples", train.n());
            return out;
        }
    }

    static List<double[][]> residuals(Activations cache, List<String> points, int pos) {
        List<double[][]> reps = new ArrayList<>();
        for (String p : points) {
            reps.add(Tensors.matrix(cache.get(p).get(":, " + pos + ", :"))); // [examples, dModel]
        }
        return reps;
    }

    /** Linear CKA of each residual point between this checkpoint and the run's last one. */
    static Map<String, Object> toLastCheckpoint(
            LensRun run, Examples ex, List<String> points, int pos, List<double[][]> here) throws IOException {
        List<Long> steps = run.checkpoints();
        long step = run.loadedStep();
        long last = steps.get(steps.size() - 1);
        if (last == step) {
            return Map.of(
                    "last_checkpoint",
                    last,
                    "linear_to_last_checkpoint",
                    java.util.Collections.nCopies(points.size(), 1.0));
        }
        run.load(last);
        List<double[][]> there;
        try (StepScope s = new StepScope();
                Activations cache = Caching.all(
                        run.model(), Tensors.tokens(run.manager(), ex.tokens(), ex.n(), ex.seqLen()), run.manager())) {
            there = residuals(cache, points, pos);
        } finally {
            run.load(step);
        }
        double[] linear = new double[points.size()];
        for (int i = 0; i < linear.length; i++) {
            linear[i] = Cka.linear(here.get(i), there.get(i));
        }
        return Map.of("last_checkpoint", last, "linear_to_last_checkpoint", linear);
    }

    /** Analyses that read a cache of held-out examples at their first scored position. */
    static Map<String, Object> cached(Analysis a, LensRun run) throws IOException {
        if (!(run.model().config() instanceof TransformerConfig cfg)) {
            throw new IllegalArgumentException(a.cliName() + " reads a transformer's residual stream; the run trains "
                    + run.model().config());
        }
        Examples test = run.data().test();
        int n = Math.min(test.n(), MAX_EXAMPLES);
        Examples ex = test.select(java.util.stream.IntStream.range(0, n).toArray());
        int pos = ex.scored()[0];
        long[] targets = new long[n];
        for (int i = 0; i < n; i++) {
            targets[i] = ex.targets()[i * ex.scored().length];
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("examples", n);
        out.put("position", pos);
        try (StepScope s = new StepScope();
                Activations cache = Caching.all(
                        run.model(), Tensors.tokens(run.manager(), ex.tokens(), n, ex.seqLen()), run.manager())) {
            switch (a) {
                case ATTENTION -> {
                    List<Object> layers = new ArrayList<>();
                    for (int l = 0; l < cfg.nLayers(); l++) {
                        layers.add(AttentionPatterns.mean(cache, l));
                    }
                    out.put("mean_pattern_by_layer_head_query_key", layers);
                }
                case LOGIT_LENS -> {
                    List<Map<String, Object>> rows = new ArrayList<>();
                    for (LogitLens.Layer l : LogitLens.run(run.model(), cache, pos)) {
                        rows.add(Map.of(
                                "hook",
                                l.hook(),
                                "accuracy",
                                l.accuracy(targets),
                                "mean_log_prob",
                                l.meanLogProb(targets)));
                    }
                    out.put("layers", rows);
                }
                case ATTRIBUTION -> out.put(
                        "mean_contribution_to_answer_logit",
                        DirectLogitAttribution.toLogit(run.model(), cache, pos, targets)
                                .mean());
                case CKA -> {
                    List<String> points = LogitLens.points(cfg.nLayers());
                    List<double[][]> reps = residuals(cache, points, pos);
                    out.put("points", points);
                    out.put("linear", Cka.matrix(reps, false));
                    out.put("debiased", Cka.matrix(reps, true));
                    out.putAll(toLastCheckpoint(run, ex, points, pos, reps));
                }
                default -> throw new IllegalStateException(a.toString());
            }
        }
        return out;
    }
}
