package dev.vivarium.lens.run;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.vivarium.core.engine.StepScope;
import dev.vivarium.core.task.Examples;
import dev.vivarium.core.task.ModularArithmetic;
import dev.vivarium.lens.numeric.Tensors;
import dev.vivarium.lens.sharpness.Sharpness;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;

/** Helpers shared by the per-checkpoint analyses, and the sharpness analysis. */
final class CheckpointAnalyses {

    private CheckpointAnalyses() {}

    static ModularArithmetic modular(LensRun run) {
        if (!(run.recipe().task() instanceof ModularArithmetic m)) {
            throw new IllegalArgumentException("the Fourier analyses need a modular-arithmetic task; run "
                    + run.dir().id() + " trains on " + run.recipe().task());
        }
        return m;
    }

    /** The top Hessian eigenvalue of the training loss; no picture (one number). */
    static Output sharpness(LensRun run, long step) throws IOException {
        if (run.data().regression()) {
            throw new IllegalArgumentException("sharpness measures the Hessian of the cross-entropy on tokens; run "
                    + run.dir().id() + " trains a regression on real features ("
                    + run.recipe().task() + ")");
        }
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
            out.put("subset", "train");
            return new Output(
                    out,
                    String.format(
                            java.util.Locale.ROOT,
                            "top Hessian eigenvalue %.4g of the training loss (%d Hessian-vector products, %s)",
                            r.eigenvalue(),
                            r.iterations(),
                            r.converged() ? "converged" : "not converged"),
                    java.util.Optional.empty());
        }
    }
}
