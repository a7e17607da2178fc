package dev.vivarium.core.run;

import ai.djl.ndarray.NDManager;
import dev.vivarium.core.engine.TensorEngine;
import dev.vivarium.core.model.Model;
import dev.vivarium.core.recipe.Recipe;
import dev.vivarium.core.task.TaskConfig;
import dev.vivarium.core.train.Optimizer;
import dev.vivarium.core.train.Pgd;
import dev.vivarium.core.train.Reinforce;
import dev.vivarium.core.train.Trainer;
import dev.vivarium.core.train.TrainingData;
import dev.vivarium.store.run.RunDir;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Optional;

/**
 * The one start-up path from a recipe to a model on its data, shared by training, resuming, benchmarking
 * and analysis: the engine started with the recipe's threads, the model built from its seed, the task's
 * examples generated, and the split — the one a run recorded when there is a run, else the task's own.
 * Close it to free every tensor it made.
 */
public final class Workbench implements AutoCloseable {
    private final Recipe recipe;
    private final TensorEngine.EngineInfo engine;
    private final NDManager manager;
    private final Model model;
    private final TaskConfig.Data data;
    private TrainingData trainingData;
    private Trainer trainer;
    private Reinforce reinforce;

    private Workbench(
            Recipe recipe, TensorEngine.EngineInfo engine, NDManager manager, Model model, TaskConfig.Data data) {
        this.recipe = recipe;
        this.engine = engine;
        this.manager = manager;
        this.model = model;
        this.data = data;
    }

    /**
     * Starts the engine and builds the recipe's model and data.
     *
     * @param recordedSplit the run whose {@code split.safetensors} to use instead of the task's own split
     */
    public static Workbench open(Recipe recipe, Optional<RunDir> recordedSplit) throws IOException {
        TensorEngine.EngineInfo engine = TensorEngine.start(recipe.threads());
        TaskConfig.Data data = recipe.task().generate(recipe.seed());
        if (recordedSplit.isPresent()) {
            data = data.withSplit(Splits.read(recordedSplit.get(), data.n()));
        }
        NDManager manager = NDManager.newBaseManager();
        try {
            return new Workbench(recipe, engine, manager, recipe.model().build(manager, recipe.seed()), data);
        } catch (RuntimeException | Error e) {
            manager.close();
            throw e;
        }
    }

    public Recipe recipe() {
        return recipe;
    }

    public TensorEngine.EngineInfo engine() {
        return engine;
    }

    public NDManager manager() {
        return manager;
    }

    public Model model() {
        return model;
    }

    /** The task's examples and the split in use. */
    public TaskConfig.Data data() {
        return data;
    }

    /**
     * A trainer over this model and data with the recipe's optimizer, objective and attack (made on first use,
     * then the same). A REINFORCE objective's reference model is the recipe's {@code init} checkpoint, else the
     * model's own initial weights (made again from the seed).
     */
    public Trainer trainer() {
        if (trainer == null) {
            trainingData = new TrainingData(manager, data, recipe.train().batchSize(), recipe.seed());
            if (!data.regression()) {
                trainingData.withTestGroups(recipe.task().scoreGroups(data.test()));
            }
            trainer = new Trainer(model, Optimizer.of(recipe.train(), model.params()), recipe.train(), trainingData);
            recipe.train().adversarial().map(Pgd::new).ifPresent(trainer::adversary);
            if (recipe.train().objective().isPresent()) {
                Model reference = recipe.model().build(manager, recipe.seed());
                try {
                    if (recipe.init().isPresent()) {
                        Parent.loadWeights(recipe, reference);
                    }
                } catch (IOException e) {
                    reference.close();
                    throw new UncheckedIOException(
                            "cannot load the reference model of train.objective: " + e.getMessage(), e);
                } catch (RuntimeException e) {
                    reference.close();
                    throw e;
                }
                reinforce = new Reinforce(reference, recipe.train().objective().get(), recipe.seed());
                trainer.reinforce(reinforce);
            }
        }
        return trainer;
    }

    @Override
    public void close() {
        try (NDManager m = manager;
                Model md = model) {
            if (trainingData != null) {
                trainingData.close();
            }
            if (reinforce != null) {
                reinforce.close();
            }
        }
    }
}
