package dev.vivarium.core.run;

import ai.djl.ndarray.NDManager;
import dev.vivarium.core.engine.TensorEngine;
import dev.vivarium.core.model.Model;
import dev.vivarium.core.recipe.Recipe;
import dev.vivarium.core.recipe.RecipeLoader;
import dev.vivarium.core.task.Split;
import dev.vivarium.core.task.TaskConfig;
import dev.vivarium.core.train.Optimizer;
import dev.vivarium.core.train.TrainListener;
import dev.vivarium.core.train.Trainer;
import dev.vivarium.core.train.TrainingData;
import dev.vivarium.store.run.Heartbeat;
import dev.vivarium.store.run.RunDir;
import dev.vivarium.store.run.RunState;
import dev.vivarium.store.run.RunStatus;
import dev.vivarium.store.safetensors.Safetensors;
import dev.vivarium.store.safetensors.Tensor;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A recipe run in a run directory: resolved config, split, status with heartbeat, metric log and
 * checkpoints. {@link #resume} continues a killed run from its last checkpoint so that its curve
 * and final weights are those of an uninterrupted run with the same thread count.
 */
public final class Experiment {
    static final Duration HEARTBEAT = Duration.ofSeconds(2);

    private Experiment() {}

    /** A new run directory under {@code runsRoot}, named after the recipe and the time. */
    public static RunDir create(Recipe recipe, Path runsRoot, Optional<String> id) throws IOException {
        Files.createDirectories(runsRoot);
        String base = id.orElse(
                recipe.name() + "-" + LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")));
        Path dir = runsRoot.resolve(base);
        for (int i = 2; id.isEmpty() && Files.exists(dir); i++) {
            dir = runsRoot.resolve(base + "-" + i);
        }
        RunDir run = RunDir.create(dir);
        run.writeConfig(RecipeLoader.toYaml(recipe));
        run.writeStatus(RunStatus.startingNow(recipe.name(), recipe.train().steps()));
        return run;
    }

    /** Creates a run for {@code recipe} and trains it to the end. */
    public static RunDir start(Recipe recipe, Path runsRoot, Optional<String> id, List<TrainListener> extra)
            throws IOException {
        RunDir run = create(recipe, runsRoot, id);
        train(run, recipe, false, extra);
        return run;
    }

    /** Continues a run from its last checkpoint. */
    public static RunDir resume(Path dir, List<TrainListener> extra) throws IOException {
        RunDir run = RunDir.open(dir);
        RunStatus status = run.effectiveStatus(Duration.ofSeconds(30));
        if (status.state() == RunState.RUNNING) {
            throw new IllegalStateException("run " + run.id() + " is still running (process " + status.pid() + " on "
                    + status.host() + ", heartbeat " + status.heartbeatAt() + ")");
        }
        if (status.state() == RunState.COMPLETED) {
            throw new IllegalStateException("run " + run.id() + " has completed; nothing to resume");
        }
        Recipe recipe = RecipeLoader.load(run.configFile(), List.of());
        train(run, recipe, true, extra);
        return run;
    }

    private static void train(RunDir run, Recipe recipe, boolean resuming, List<TrainListener> extra)
            throws IOException {
        TensorEngine.EngineInfo engine = TensorEngine.start(recipe.threads());
        Map<String, String> provenance = Provenance.of(engine, recipe.seed());
        AtomicLong currentStep = new AtomicLong();
        Thread hook = null;
        try (NDManager manager = NDManager.newBaseManager();
                Model model = recipe.model().build(manager, recipe.seed())) {
            TaskConfig.Data data = recipe.task().generate(recipe.seed());
            if (resuming) {
                data = new TaskConfig.Data(
                        data.examples(), readSplit(run, data.examples().n()));
            }
            try (TrainingData trainingData =
                    new TrainingData(manager, data, recipe.train().batchSize(), recipe.seed())) {
                Optimizer optimizer = Optimizer.of(recipe.train(), model.params());
                Trainer trainer = new Trainer(model, optimizer, recipe.train(), trainingData);
                long start = 0;
                if (resuming) {
                    start = run.lastCheckpointStep()
                            .orElseThrow(() -> new IOException(run.root() + ": no checkpoint to resume from"));
                    Checkpoints.load(run, start, model, optimizer);
                    run.metrics().truncateAfter(start);
                    long s0 = start;
                    trainer.setWallOffset(run.metrics().read().stream()
                            .filter(r -> r.get("step") <= s0)
                            .reduce((a, b) -> b)
                            .map(r -> r.getOrDefault("wall_s", 0.0))
                            .orElse(0.0));
                    run.updateStatus(s -> new RunStatus(
                            RunState.RUNNING,
                            s.recipe(),
                            ProcessHandle.current().pid(),
                            RunStatus.startingNow(s.recipe(), s.totalSteps()).host(),
                            s.startedAt(),
                            java.time.Instant.now(),
                            s0,
                            s.totalSteps(),
                            Optional.of("resumed from step " + s0)));
                } else {
                    writeSplit(run, data.split());
                }
                currentStep.set(start);
                trainer.listen(Recorders.metrics(run));
                trainer.listen(new Recorders.CheckpointWriter(run, recipe, provenance));
                trainer.listen(new TrainListener() {
                    @Override
                    public void onStep(Trainer t, long step) {
                        currentStep.set(step);
                    }
                });
                for (TrainListener l : extra) {
                    if (l instanceof RunListener r) {
                        r.onRun(run); // registered after the checkpoint writer: it sees each checkpoint once written
                    }
                    trainer.listen(l);
                }
                Thread mainThread = Thread.currentThread();
                hook = new Thread(
                        () -> {
                            trainer.requestStop();
                            try {
                                mainThread.join(60_000);
                            } catch (InterruptedException e) {
                                Thread.currentThread().interrupt();
                            }
                        },
                        "vivarium-shutdown");
                Runtime.getRuntime().addShutdownHook(hook);
                long last;
                try (Heartbeat beat = new Heartbeat(run, HEARTBEAT, currentStep::get)) {
                    last = trainer.run(start);
                }
                boolean finished = last >= recipe.train().steps() || !trainer.stopRequested();
                long lastStep = last;
                run.updateStatus(s -> s.withHeartbeat(java.time.Instant.now(), lastStep)
                        .withState(
                                finished ? RunState.COMPLETED : RunState.KILLED,
                                finished
                                        ? Optional.empty()
                                        : Optional.of("stopped by signal at step " + lastStep
                                                + "; continue with: vivarium resume " + run.root())));
            }
        } catch (RuntimeException | Error | IOException e) {
            try {
                run.updateStatus(s -> s.withState(RunState.FAILED, Optional.of(String.valueOf(e))));
            } catch (IOException suppressed) {
                e.addSuppressed(suppressed);
            }
            throw e;
        } finally {
            if (hook != null) {
                try {
                    Runtime.getRuntime().removeShutdownHook(hook);
                } catch (IllegalStateException shuttingDown) {
                    // the hook is running: it is waiting for this thread to finish
                }
            }
        }
    }

    /** The split a run recorded: the directory is the truth, even if split rules change later. */
    static Split readSplit(RunDir run, int nExamples) throws IOException {
        var f = Safetensors.read(run.splitFile());
        Split split = new Split(f.get("train").toInts(), f.get("test").toInts());
        for (int[] part : new int[][] {split.train(), split.test()}) {
            for (int i : part) {
                if (i < 0 || i >= nExamples) {
                    throw new IOException(
                            run.splitFile() + ": index " + i + " outside the task's " + nExamples + " examples");
                }
            }
        }
        return split;
    }

    private static void writeSplit(RunDir run, Split split) throws IOException {
        Map<String, Tensor> t = new LinkedHashMap<>();
        t.put("train", Tensor.ofInts(new long[] {split.train().length}, split.train()));
        t.put("test", Tensor.ofInts(new long[] {split.test().length}, split.test()));
        Safetensors.write(run.splitFile(), t, Map.of("what", "indices into the task's examples, in generation order"));
    }
}
