package dev.vivarium.core.recipe;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.vivarium.core.model.ModelConfig;
import dev.vivarium.core.task.TaskConfig;
import dev.vivarium.core.train.TrainConfig;

/**
 * A resolved recipe: everything a run needs, nothing implicit.
 *
 * @param name short name of the experiment (the run ids start with it)
 * @param description what the recipe shows and why its values were chosen
 * @param seed seed of the initial weights, the data split and the batch order
 * @param threads intra-op threads of the tensor engine (part of what makes numbers reproducible)
 * @param task the data
 * @param model the architecture
 * @param train the optimisation
 * @param lens analyses to run at every checkpoint (names the lens module defines; absent: none)
 * @param init the checkpoint of another run this one starts from (a fine-tune); absent: the seed's weights
 */
public record Recipe(
        String name,
        String description,
        long seed,
        int threads,
        TaskConfig task,
        ModelConfig model,
        TrainConfig train,
        @JsonInclude(JsonInclude.Include.NON_ABSENT) java.util.Optional<java.util.List<String>> lens,
        @JsonInclude(JsonInclude.Include.NON_ABSENT) java.util.Optional<Init> init) {
    public Recipe {
        if (name == null || !name.matches("[A-Za-z0-9][A-Za-z0-9._-]{0,63}")) {
            throw new IllegalArgumentException(
                    "name: must be 1-64 characters of letters, digits, '.', '_' or '-', got " + name);
        }
        if (description == null) {
            description = "";
        }
        if (threads < 1 || threads > 256) {
            throw new IllegalArgumentException("threads: must be in [1, 256], got " + threads);
        }
        if (task == null) {
            throw new IllegalArgumentException("task: required");
        }
        if (model == null) {
            throw new IllegalArgumentException("model: required");
        }
        if (train == null) {
            throw new IllegalArgumentException("train: required");
        }
        if (task.regression() && train.stopAtTestAcc().isPresent()) {
            throw new IllegalArgumentException("train.stopAtTestAcc: this task is a regression scored by mean squared"
                    + " error, with no accuracy to stop at; leave stopAtTestAcc out (or null)");
        }
        lens = lens == null ? java.util.Optional.empty() : lens.map(java.util.List::copyOf);
        init = init == null ? java.util.Optional.empty() : init;
    }

    /** The same recipe starting from {@code start}. */
    public Recipe withInit(Init start) {
        return new Recipe(name, description, seed, threads, task, model, train, lens, java.util.Optional.of(start));
    }

    /** The same recipe with another thread count. */
    public Recipe withThreads(int n) {
        return new Recipe(name, description, seed, n, task, model, train, lens, init);
    }
}
