package dev.vivarium.lens.fourier;

import ai.djl.ndarray.NDManager;
import dev.vivarium.core.engine.StepScope;
import dev.vivarium.core.model.Model;
import dev.vivarium.core.model.TransformerConfig;
import dev.vivarium.core.task.Examples;
import dev.vivarium.core.task.ModularArithmetic;
import dev.vivarium.lens.cache.Activations;
import dev.vivarium.lens.cache.Caching;
import dev.vivarium.lens.cache.NameFilter;
import dev.vivarium.lens.numeric.Linalg;
import dev.vivarium.lens.numeric.Tensors;

/**
 * What the Fourier analyses read from a modular-addition (or subtraction) transformer, on every
 * input {@code (a, b)}: row {@code a*p + b} of each table, as the task generates its examples.
 *
 * @param logits {@code [p*p][p]} at the answer position
 * @param neurons {@code [p*p][dMlp]} the last block's {@code mlp.hook_post} at the answer position
 * @param wE the number tokens' embeddings {@code W_E[:p]}, {@code [p][dModel]}
 * @param wL the neuron-logit map {@code W_out @ W_U} of the last block, {@code [dMlp][p]}
 * @param labels {@code [p*p]} the answer of each input
 */
public record ModularForward(
        int p,
        ModularArithmetic.Op op,
        double[][] logits,
        double[][] neurons,
        double[][] wE,
        double[][] wL,
        long[] labels) {

    /** Runs {@code model} on every input of {@code task}. */
    public static ModularForward run(Model model, ModularArithmetic task, NDManager manager) {
        if (task.op() != ModularArithmetic.Op.ADD && task.op() != ModularArithmetic.Op.SUB) {
            throw new IllegalArgumentException(
                    "the Fourier analyses are defined for a + b and a - b mod p; the task is "
                            + task.op().yamlName());
        }
        if (!(model.config() instanceof TransformerConfig cfg) || cfg.attnOnly() || cfg.layerNorm()) {
            throw new IllegalArgumentException("the Fourier analyses read a transformer with MLPs and no LayerNorm"
                    + " (the one-layer model of Nanda et al.); got " + model.config());
        }
        int p = task.p();
        Examples all = task.generate(0).examples(); // every (a, b) in order a*p + b; the split is not used here
        int last = cfg.nLayers() - 1;
        String post = "blocks." + last + ".mlp.hook_post";
        double[][] logits;
        double[][] neurons;
        try (StepScope s = new StepScope();
                Activations cache = Caching.run(
                        model,
                        Tensors.tokens(manager, all.tokens(), all.n(), all.seqLen()),
                        NameFilter.names(post),
                        manager)) {
            int answer = all.scored()[0];
            logits = Tensors.matrix(cache.logits().get(":, " + answer + ", :")); // [p*p, p]
            neurons = Tensors.matrix(cache.get(post).get(":, " + answer + ", :")); // [p*p, dMlp]
        }
        double[][] wE;
        double[][] wL;
        try (StepScope s = new StepScope()) {
            wE = Tensors.matrix(model.params().get("embed.W_E").get(":" + p));
            double[][] wOut = Tensors.matrix(model.params().get("blocks." + last + ".mlp.W_out")); // [dMlp, dModel]
            double[][] wU = Tensors.matrix(model.params().get("unembed.W_U")); // [dModel, p]
            wL = Linalg.matmul(wOut, wU);
        }
        return new ModularForward(p, task.op(), logits, neurons, wE, wL, all.targets());
    }

    /** The embedding of the number tokens in the Fourier basis. */
    public EmbeddingFourier embedding() {
        return EmbeddingFourier.of(wE);
    }

    /**
     * The Gini coefficient of the norms of the neuron-logit map's output Fourier components: for each
     * basis vector f of the output space, {@code ||W_L f||} over neurons.
     */
    public double giniNeuronLogit() {
        double[][] wLt = new double[p][wL.length]; // [p, dMlp]
        for (int j = 0; j < wL.length; j++) {
            for (int c = 0; c < p; c++) {
                wLt[c][j] = wL[j][c];
            }
        }
        double[][] coeffs = FourierBasis.of(p).transform(wLt); // [p basis vectors, dMlp]
        double[] norms = new double[p];
        for (int i = 0; i < p; i++) {
            double s = 0;
            for (double v : coeffs[i]) {
                s += v * v;
            }
            norms[i] = Math.sqrt(s);
        }
        return Gini.of(norms);
    }

    /** {@code a + b} or {@code a - b}: what the answer is a function of. */
    double combined(int a, int b) {
        return op == ModularArithmetic.Op.SUB ? a - b : a + b;
    }

    /** The unit vectors {@code cos(w_k c(a,b))} and {@code sin(w_k c(a,b))} over the grid, per key frequency. */
    double[][] directions(java.util.List<Integer> keys) {
        java.util.List<double[]> dirs = new java.util.ArrayList<>();
        for (int k : keys) {
            for (boolean cos : new boolean[] {true, false}) {
                double[] d = new double[p * p];
                double norm = 0;
                for (int a = 0; a < p; a++) {
                    for (int b = 0; b < p; b++) {
                        double w = 2 * Math.PI * k * combined(a, b) / p;
                        d[a * p + b] = cos ? Math.cos(w) : Math.sin(w);
                        norm += d[a * p + b] * d[a * p + b];
                    }
                }
                if (norm > 1e-9) {
                    for (int i = 0; i < d.length; i++) {
                        d[i] /= Math.sqrt(norm);
                    }
                    dirs.add(d);
                }
            }
        }
        return dirs.toArray(new double[0][]);
    }
}
