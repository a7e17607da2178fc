package dev.vivarium.core.run;

import dev.vivarium.core.model.Model;
import dev.vivarium.core.recipe.Recipe;
import dev.vivarium.core.train.Trainer;
import dev.vivarium.core.train.TrainingData;
import java.io.IOException;
import java.util.Arrays;
import java.util.Optional;

/**
 * Times training steps of a recipe: the real update (forward, float64 loss, backward, optimizer)
 * with no logging or evaluation, after untimed warm-up steps. Reports the FLOPs Vivarium computes
 * and the FLOPs of the same model computing every position (what a plain implementation does).
 */
public final class StepBenchmark {
    private StepBenchmark() {}

    /**
     * What was measured.
     *
     * @param msPerStep median milliseconds per update over the timed steps
     * @param msPerStepMean mean milliseconds per update
     * @param examplesPerStep examples in one update's batch
     * @param gflopPerStep forward + backward GFLOP this implementation computes per update (3x forward)
     * @param fullGflopPerStep the same for a forward over every position (a plain implementation)
     * @param threads engine intra-op threads
     */
    public record Result(
            double msPerStep,
            double msPerStepMean,
            long examplesPerStep,
            double gflopPerStep,
            double fullGflopPerStep,
            int threads) {
        /** Achieved GFLOP/s on the FLOPs actually computed. */
        public double gflops() {
            return gflopPerStep / (msPerStep / 1000);
        }
    }

    /**
     * Times the update of a population of {@code members.size()} models trained as one computation ({@link
     * dev.vivarium.core.train.PopulationTrainer#step}); examples and FLOPs are those of all members together.
     */
    public static Result runPopulation(java.util.List<Recipe> members, int steps, int warmup) throws IOException {
        PopulationRun.requireCompatible(members);
        Recipe first = members.get(0);
        dev.vivarium.core.engine.TensorEngine.EngineInfo engine =
                dev.vivarium.core.engine.TensorEngine.start(first.threads());
        long[] seeds = members.stream().mapToLong(Recipe::seed).toArray();
        try (ai.djl.ndarray.NDManager manager = ai.djl.ndarray.NDManager.newBaseManager()) {
            java.util.List<dev.vivarium.core.task.TaskConfig.Data> data = new java.util.ArrayList<>();
            for (Recipe r : members) {
                data.add(r.task().generate(r.seed()));
            }
            try (Model model = first.model().build(manager, seeds);
                    dev.vivarium.core.train.PopulationData pd = new dev.vivarium.core.train.PopulationData(
                            manager, data, first.train().batchSize(), seeds)) {
                java.util.List<dev.vivarium.core.train.TrainConfig> cfgs =
                        members.stream().map(Recipe::train).toList();
                var trainer = new dev.vivarium.core.train.PopulationTrainer(
                        model, dev.vivarium.core.train.Optimizer.ofPopulation(cfgs, model.params()), cfgs, pd);
                for (int s = 1; s <= warmup; s++) {
                    trainer.step(s, false);
                }
                double[] ms = new double[steps];
                for (int s = 0; s < steps; s++) {
                    long t0 = System.nanoTime();
                    trainer.step(warmup + s + 1L, false);
                    ms[s] = (System.nanoTime() - t0) / 1e6;
                }
                double mean = Arrays.stream(ms).average().orElse(Double.NaN);
                Arrays.sort(ms);
                long batch = pd.batch(1)[0].getShape().get(1) * members.size();
                int[] scored = pd.scored();
                double flops = 3 * batch * model.forwardFlops(pd.seqLen(), scored) / 1e9;
                double full = 3 * batch * model.plainForwardFlops(pd.seqLen()) / 1e9;
                return new Result(ms[steps / 2], mean, batch, flops, full, engine.threads());
            }
        }
    }

    public static Result run(Recipe recipe, int steps, int warmup) throws IOException {
        try (Workbench bench = Workbench.open(recipe, Optional.empty())) {
            Trainer trainer = bench.trainer();
            for (int s = 1; s <= warmup; s++) {
                trainer.step(s, false);
            }
            double[] ms = new double[steps];
            for (int s = 0; s < steps; s++) {
                long t0 = System.nanoTime();
                trainer.step(warmup + s + 1L, false);
                ms[s] = (System.nanoTime() - t0) / 1e6;
            }
            double mean = Arrays.stream(ms).average().orElse(Double.NaN);
            Arrays.sort(ms);
            double median = ms[steps / 2];
            TrainingData td = trainer.data();
            long batch = td.batch(1)[0].getShape().get(0);
            int seq = td.seqLen();
            int[] scored = td.scored();
            Model model = bench.model();
            double flops = 3 * batch * model.forwardFlops(seq, scored) / 1e9;
            double full = 3 * batch * model.plainForwardFlops(seq) / 1e9;
            return new Result(median, mean, batch, flops, full, bench.engine().threads());
        }
    }
}
