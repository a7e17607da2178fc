package dev.vivarium.core.run;

import dev.vivarium.core.recipe.Recipe;
import dev.vivarium.core.recipe.RecipeLoader;
import dev.vivarium.core.train.Divergence;
import dev.vivarium.core.train.TrainListener;
import dev.vivarium.core.train.Trainer;
import dev.vivarium.store.io.AtomicFiles;
import dev.vivarium.store.io.Problems;
import dev.vivarium.store.run.Heartbeat;
import dev.vivarium.store.run.RunDir;
import dev.vivarium.store.run.RunLock;
import dev.vivarium.store.run.RunState;
import dev.vivarium.store.run.RunStatus;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A recipe run in a run directory: resolved config, split, status with heartbeat, metric log and
 * checkpoints. {@link #resume} continues a killed run from its last usable checkpoint so that its curve
 * and final weights are those of an uninterrupted run with the same thread count.
 *
 * <p>A run directory has one writer: {@link #start} and {@link #resume} hold the run's {@link RunLock} from
 * before they write anything until the final status is on disk. Everything that can be checked is checked
 * before the directory is made (the recipe, its memory estimate, the path); a run that fails after that is
 * marked FAILED with a one-line reason.
 */
public final class Experiment {
    static final Duration HEARTBEAT = Duration.ofSeconds(2);

    /** The share of the machine's memory a recipe may be estimated to need. */
    static final double MEMORY_SHARE = 0.8;

    private Experiment() {}

    /**
     * Creates a run for {@code recipe} under {@code runsRoot} (named {@code id}, or after the recipe and the
     * time) and trains it to the end.
     */
    public static RunDir start(Recipe recipe, Path runsRoot, Optional<String> id, List<TrainListener> extra)
            throws IOException {
        return start(recipe, runsRoot, id, extra, System.err);
    }

    /** As {@link #start(Recipe, Path, Optional, List)}, saying on {@code notes} what it did besides training. */
    public static RunDir start(
            Recipe recipe, Path runsRoot, Optional<String> id, List<TrainListener> extra, PrintStream notes)
            throws IOException {
        Footprint.of(recipe).requireFits(Footprint.machineBytes(), MEMORY_SHARE);
        Path dir = newRunPath(recipe, runsRoot, id);
        recipe = Parent.resolve(recipe, runsRoot);
        if (recipe.init().isPresent()
                && dir.startsWith(Path.of(recipe.init().get().run()))) {
            throw new IllegalArgumentException(
                    "init.run: " + recipe.init().get().run()
                            + " is this run's own directory or one above it; a fine-tune writes only into a new run");
        }
        Files.createDirectories(dir.getParent());
        RunDir run = RunDir.create(dir);
        try (RunLock lock = RunLock.acquire(run.root())) {
            run.writeConfig(RecipeLoader.toYaml(recipe));
            run.writeStatus(RunStatus.startingNow(recipe.name(), recipe.train().steps()));
            train(run, recipe, false, extra, notes);
        }
        return run;
    }

    /** Continues a run from its last usable checkpoint. */
    public static RunDir resume(Path dir, List<TrainListener> extra) throws IOException {
        return resume(dir, extra, System.err);
    }

    /** As {@link #resume(Path, List)}, saying on {@code notes} which checkpoint it used and what it cleaned. */
    public static RunDir resume(Path dir, List<TrainListener> extra, PrintStream notes) throws IOException {
        RunDir run = RunDir.open(dir);
        try (RunLock lock = RunLock.acquire(run.root())) {
            // holding the lock, a RUNNING status is a writer that died: the lock is the truth, not the heartbeat
            Recipe recipe = RecipeLoader.load(run.configFile(), List.of());
            if (!Files.exists(run.statusFile())) { // killed between writing config.yaml and status.json
                run.writeStatus(
                        RunStatus.startingNow(recipe.name(), recipe.train().steps()));
            }
            RunStatus status = run.readStatus();
            if (status.state() == RunState.COMPLETED) {
                throw new IllegalStateException("run " + run.id() + " has completed; nothing to resume");
            }
            Footprint.of(recipe).requireFits(Footprint.machineBytes(), MEMORY_SHARE);
            List<Path> stale = new ArrayList<>();
            for (Path d : List.of(run.root(), run.checkpointsDir(), run.analysesDir())) {
                stale.addAll(AtomicFiles.removeTemporaries(d));
            }
            if (!stale.isEmpty()) {
                notes.println("removed " + stale.size() + " temporary file(s) left by killed writes: "
                        + stale.stream()
                                .map(p -> run.root().relativize(p).toString())
                                .toList());
            }
            train(run, recipe, true, extra, notes);
        }
        return run;
    }

    /** The directory a new run gets: {@code id}, or the recipe's name and the time (made unique). */
    private static Path newRunPath(Recipe recipe, Path runsRoot, Optional<String> id) {
        Path root = runsRoot.toAbsolutePath().normalize();
        if (id.isPresent()) {
            Path dir = root.resolve(id.get()).normalize();
            if (dir.getParent() == null || dir.getFileName() == null) {
                throw new IllegalArgumentException("'" + id.get() + "' is not a run name (it names " + dir + ")");
            }
            return dir;
        }
        String base = recipe.name() + "-" + LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss"));
        Path dir = root.resolve(base);
        for (int i = 2; Files.exists(dir); i++) {
            dir = root.resolve(base + "-" + i);
        }
        return dir;
    }

    private static void train(RunDir run, Recipe recipe, boolean resuming, List<TrainListener> extra, PrintStream notes)
            throws IOException {
        boolean recorded = resuming
                && (Files.exists(run.splitFile()) || !run.checkpointEntrySteps().isEmpty());
        try (Workbench bench = Workbench.open(recipe, recorded ? Optional.of(run) : Optional.empty())) {
            Trainer trainer = bench.trainer();
            long start = 0;
            boolean fresh = true;
            if (resuming) {
                Optional<Long> from = continueFrom(run, recipe, bench, notes);
                fresh = from.isEmpty();
                start = from.orElse(0L);
            } else {
                Splits.write(run, bench.data().split());
            }
            if (fresh) {
                Parent.load(recipe, trainer.model(), trainer.optimizer());
            }
            var provenance = Provenance.of(bench.engine(), recipe.seed());
            provenance.putAll(Parent.provenance(recipe, Parent.baseUpdates(recipe)));
            trainer.checkpointAt(recipe.train().checkpointSteps(), (t, step) -> {
                try {
                    return Checkpoints.save(run, recipe, t.model(), t.optimizer(), step, t.wallSeconds(), provenance);
                } catch (IOException e) {
                    throw new IOException(
                            "cannot write the checkpoint of step " + step + ": " + Problems.oneLine(e), e);
                }
            });
            trainer.listen(Recorders.metrics(run));
            AtomicLong currentStep = new AtomicLong(start);
            trainer.listen(Recorders.stepCounter(currentStep));
            for (TrainListener l : extra) {
                if (l instanceof RunListener r) {
                    r.onRun(run);
                }
                trainer.listen(l);
            }
            try (StopSignal stop = new StopSignal(trainer);
                    Heartbeat beat = new Heartbeat(run, HEARTBEAT, currentStep::get)) {
                long last = fresh ? trainer.run() : trainer.resumeFrom(start);
                run.metrics().force(); // a finished run's log is complete on disk before it says so
                run.metrics().close();
                boolean finished = last >= recipe.train().steps() || !trainer.stopRequested();
                beat.close();
                run.updateStatus(s -> s.withHeartbeat(Instant.now(), last)
                        .withState(
                                finished ? RunState.COMPLETED : RunState.KILLED,
                                finished
                                        ? Optional.empty()
                                        : Optional.of("stopped by signal at step " + last
                                                + "; continue with: vivarium resume " + run.root())));
            }
        } catch (Divergence e) {
            markFailed(run, e, OptionalLong.of(e.step() - 1)); // the diverging step's update was not applied
            throw new IllegalStateException(e.getMessage(), e);
        } catch (RuntimeException | Error | IOException e) {
            markFailed(run, e, OptionalLong.empty());
            throw e;
        } finally {
            run.metrics().close();
        }
    }

    /**
     * Loads the resume point into the trainer, cuts the log after it and marks the run RUNNING again; empty
     * when there is no checkpoint yet and the run starts again from step 0.
     */
    private static Optional<Long> continueFrom(RunDir run, Recipe recipe, Workbench bench, PrintStream notes)
            throws IOException {
        Trainer trainer = bench.trainer();
        Optional<ResumePoint> point = ResumePoint.choose(run, recipe, trainer);
        point.ifPresent(p -> p.skipped().forEach(notes::println));
        long start = point.map(ResumePoint::step).orElse(0L);
        trainer.setWallOffset(point.map(ResumePoint::wallSeconds).orElse(0.0));
        if (point.isEmpty()) {
            notes.println("run " + run.id() + " has no checkpoint yet: training it from step 0");
            Files.deleteIfExists(run.metricsFile());
            Splits.write(run, bench.data().split());
        } else {
            run.metrics().truncateAfter(start);
            notes.println("resuming run " + run.id() + " from the checkpoint of step " + start);
        }
        String message = "resumed from step " + start
                + (point.map(p -> p.skipped().isEmpty()).orElse(true)
                        ? ""
                        : " (" + point.get().skipped().size() + " newer checkpoint(s) unusable)");
        RunStatus here = RunStatus.startingNow(recipe.name(), recipe.train().steps());
        run.updateStatus(s -> new RunStatus(
                RunState.RUNNING,
                s.recipe(),
                here.pid(),
                here.host(),
                s.startedAt(),
                Instant.now(),
                start,
                s.totalSteps(),
                Optional.of(message)));
        return point.map(ResumePoint::step);
    }

    /** FAILED with the reason, and the last good step when it is known. */
    private static void markFailed(RunDir run, Throwable e, OptionalLong lastGoodStep) {
        try {
            run.updateStatus(
                    s -> (lastGoodStep.isPresent() ? s.withHeartbeat(Instant.now(), lastGoodStep.getAsLong()) : s)
                            .withState(RunState.FAILED, Optional.of(Problems.oneLine(e))));
        } catch (IOException | RuntimeException suppressed) {
            e.addSuppressed(suppressed); // the status cannot be written (a full disk): the error still goes up
        }
    }
}
