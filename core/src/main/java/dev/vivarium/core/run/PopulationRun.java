package dev.vivarium.core.run;

import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vivarium.core.engine.TensorEngine;
import dev.vivarium.core.model.Model;
import dev.vivarium.core.model.Params;
import dev.vivarium.core.recipe.Recipe;
import dev.vivarium.core.recipe.RecipeLoader;
import dev.vivarium.core.task.TaskConfig;
import dev.vivarium.core.train.Optimizer;
import dev.vivarium.core.train.PopulationData;
import dev.vivarium.core.train.PopulationTrainer;
import dev.vivarium.core.train.TrainConfig;
import dev.vivarium.store.io.AtomicFiles;
import dev.vivarium.store.io.Problems;
import dev.vivarium.store.run.RunDir;
import dev.vivarium.store.run.RunLock;
import dev.vivarium.store.run.RunState;
import dev.vivarium.store.run.RunStatus;
import dev.vivarium.store.safetensors.Tensor;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * A population of runs trained as one computation ({@link PopulationTrainer}) where every member is an ordinary
 * run directory — its resolved recipe in {@code config.yaml}, its status with heartbeat, its metric log, its
 * split and its checkpoints in TransformerLens names and shapes (no model axis in any file) — so that {@code
 * runs}, {@code show}, {@code lens}, {@code detect}, {@code resume} and the sweeps see ordinary runs. A member
 * may even be resumed alone, unbatched.
 *
 * <p>Members may differ in their seed (initial weights, data order and split), learning rate, weight decay,
 * warm-up, stopping accuracy and task values that keep the shapes (a data fraction): everything else is shared,
 * and a difference is refused naming the field. Each member's run directory is locked from before it is written
 * until its final status is on disk. {@link #resume} continues every member that is neither COMPLETED nor FAILED
 * from the newest step at which all of them have a usable checkpoint.
 */
public final class PopulationRun {
    private static final JsonMapper JSON = JsonMapper.builder().build();

    /** Fields in which members may differ (dotted paths of the resolved recipe; a task's values all may). */
    static final List<String> MEMBER_FIELDS = List.of(
            "name", "description", "seed", "train.lr", "train.weightDecay", "train.warmupSteps", "train.stopAtTestAcc");

    private PopulationRun() {}

    /** One member: its resolved recipe and its run directory. */
    public record Member(Recipe recipe, Path dir) {}

    /**
     * Refuses members that cannot be one computation, naming the first field that differs (or the feature a
     * population does not train), before anything is written.
     */
    public static void requireCompatible(List<Recipe> recipes) {
        if (recipes.isEmpty()) {
            throw new IllegalArgumentException("a population needs at least one member");
        }
        for (Recipe r : recipes) {
            Optional<String> why = trainsAlone(r);
            if (why.isPresent()) {
                throw new IllegalArgumentException(why.get());
            }
        }
        JsonNode base = shared(recipes.get(0));
        for (int m = 1; m < recipes.size(); m++) {
            Optional<String> diff = ResumePoint.firstDifference("", base, shared(recipes.get(m)));
            if (diff.isPresent()) {
                throw new IllegalArgumentException("member " + m + " differs from member 0 in " + diff.get()
                        + "; a population's members differ only in seed, train.lr, train.weightDecay,"
                        + " train.warmupSteps, train.stopAtTestAcc and task values that keep its shapes");
            }
        }
    }

    /**
     * What the members of one population share, as text: recipes with equal keys are accepted together by
     * {@link #requireCompatible}, and recipes with different keys are refused by it (a task value that changes a
     * shape changes the model's sizes too; what is left, a batch size larger than a member's training set, is
     * refused when the data is made). Empty for a recipe that trains only alone (a fine-tune, REINFORCE, PGD
     * training, induction). A sweep groups its points into populations by this key.
     */
    public static Optional<String> compatibilityKey(Recipe r) {
        return trainsAlone(r).isPresent()
                ? Optional.empty()
                : Optional.of(shared(r).toString());
    }

    /** Why {@code r} cannot be a member of any population, naming its field; empty when it can be. */
    private static Optional<String> trainsAlone(Recipe r) {
        if (r.init().isPresent()) {
            return Optional.of("init: a fine-tune trains alone, not in a population");
        }
        if (r.train().objective().isPresent()) {
            return Optional.of("train.objective: a REINFORCE objective trains alone, not in a population");
        }
        if (r.train().adversarial().isPresent()) {
            return Optional.of("train.adversarial: PGD training runs alone, not in a population");
        }
        if (r.task() instanceof dev.vivarium.core.task.Induction) {
            return Optional.of(
                    "task.kind: induction logs score groups (repeat and first half), which only single runs do");
        }
        return Optional.empty();
    }

    /** The recipe without the fields members may differ in (the task keeps its kind only: its sizes are checked later). */
    private static JsonNode shared(Recipe r) {
        try {
            ObjectNode n = (ObjectNode) JSON.readTree(RecipeLoader.toJson(r));
            n.remove("name");
            n.remove("description");
            n.remove("seed");
            ObjectNode train = (ObjectNode) n.get("train");
            for (String f : List.of("lr", "weightDecay", "warmupSteps", "stopAtTestAcc")) {
                train.remove(f);
            }
            ObjectNode task = (ObjectNode) n.get("task");
            task.retain("kind");
            return n;
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * Creates every member's run directory (none may exist) and trains them together to the end.
     *
     * @return each member's state at the end
     */
    public static List<RunState> start(List<Member> members, PrintStream notes) throws IOException {
        List<Recipe> recipes = members.stream().map(Member::recipe).toList();
        requireCompatible(recipes);
        requireFits(recipes);
        for (Member m : members) {
            if (Files.exists(m.dir())) {
                throw new IllegalArgumentException(m.dir() + " exists; a population's members are new run directories");
            }
        }
        List<RunDir> runs = new ArrayList<>();
        List<RunLock> locks = new ArrayList<>();
        try {
            for (Member m : members) {
                Files.createDirectories(m.dir().toAbsolutePath().getParent());
                RunDir run = RunDir.create(m.dir());
                locks.add(RunLock.acquire(run.root()));
                run.writeConfig(RecipeLoader.toYaml(m.recipe()));
                run.writeStatus(RunStatus.startingNow(
                        m.recipe().name(), m.recipe().train().steps()));
                runs.add(run);
            }
            return train(runs, recipes, false, notes);
        } finally {
            for (RunLock l : locks) {
                l.close();
            }
        }
    }

    /**
     * Continues every member in {@code dirs} that is neither COMPLETED nor FAILED, together, from the newest step
     * at which all of them have a usable checkpoint (a member killed while its population wrote a checkpoint
     * continues from the one before, as the others then do).
     *
     * @return each given member's state at the end (COMPLETED and FAILED ones as they were)
     */
    public static List<RunState> resume(List<Path> dirs, PrintStream notes) throws IOException {
        List<RunLock> locks = new ArrayList<>();
        try {
            List<RunDir> runs = new ArrayList<>();
            List<Recipe> recipes = new ArrayList<>();
            List<RunState> states = new ArrayList<>();
            List<Integer> index = new ArrayList<>();
            for (int i = 0; i < dirs.size(); i++) {
                RunDir run = RunDir.open(dirs.get(i));
                locks.add(RunLock.acquire(run.root()));
                Recipe recipe = RecipeLoader.load(run.configFile(), List.of());
                if (!Files.exists(run.statusFile())) {
                    run.writeStatus(
                            RunStatus.startingNow(recipe.name(), recipe.train().steps()));
                }
                RunState state = run.readStatus().state();
                states.add(state);
                if (state == RunState.COMPLETED || state == RunState.FAILED) {
                    continue;
                }
                for (Path d : List.of(run.root(), run.checkpointsDir(), run.analysesDir())) {
                    AtomicFiles.removeTemporaries(d);
                }
                runs.add(run);
                recipes.add(recipe);
                index.add(i);
            }
            if (runs.isEmpty()) {
                notes.println("every member has completed or failed; nothing to resume");
                return states;
            }
            requireCompatible(recipes);
            requireFits(recipes);
            List<RunState> after = train(runs, recipes, true, notes);
            for (int k = 0; k < index.size(); k++) {
                states.set(index.get(k), after.get(k));
            }
            return states;
        } finally {
            for (RunLock l : locks) {
                l.close();
            }
        }
    }

    /**
     * Whether members of {@code recipes} fit this machine together: their memory estimates added up (they share
     * one process) within the share of its memory a run may take; {@link #start} and {@link #resume} refuse a
     * population that does not.
     */
    public static boolean fits(List<Recipe> recipes) {
        return bytes(recipes) <= Footprint.machineBytes() * Experiment.MEMORY_SHARE;
    }

    /** The members' estimates added up, the engine's own memory counted once (they share one process). */
    private static double bytes(List<Recipe> recipes) {
        double bytes = Footprint.ENGINE_BYTES;
        for (Recipe r : recipes) {
            bytes += Footprint.of(r).bytes() - Footprint.ENGINE_BYTES;
        }
        return bytes;
    }

    /** The members' estimates added up must fit the machine (they share one process). */
    private static void requireFits(List<Recipe> recipes) {
        if (!fits(recipes)) {
            throw new IllegalArgumentException(String.format(
                    java.util.Locale.ROOT,
                    "a population of %d needs about %s, more than %.0f%% of this machine's %s; train fewer members at"
                            + " once (%s each: %s)",
                    recipes.size(),
                    Footprint.human(bytes(recipes)),
                    Experiment.MEMORY_SHARE * 100,
                    Footprint.human(Footprint.machineBytes()),
                    Footprint.human(Footprint.of(recipes.get(0)).bytes()),
                    Footprint.of(recipes.get(0)).biggest()));
        }
    }

    private static List<RunState> train(List<RunDir> runs, List<Recipe> recipes, boolean resuming, PrintStream notes)
            throws IOException {
        int members = runs.size();
        Recipe first = recipes.get(0);
        TensorEngine.EngineInfo engine = TensorEngine.start(first.threads());
        long[] seeds = recipes.stream().mapToLong(Recipe::seed).toArray();
        List<TrainConfig> cfgs = recipes.stream().map(Recipe::train).toList();
        boolean[] ended = new boolean[members];
        try (NDManager manager = NDManager.newBaseManager()) {
            List<TaskConfig.Data> data = new ArrayList<>();
            for (int m = 0; m < members; m++) {
                TaskConfig.Data d = recipes.get(m).task().generate(seeds[m]);
                RunDir run = runs.get(m);
                if (resuming
                        && (Files.exists(run.splitFile())
                                || !run.checkpointEntrySteps().isEmpty())) {
                    d = d.withSplit(Splits.read(run, d.n()));
                }
                data.add(d);
            }
            try (Model model = first.model().build(manager, seeds);
                    PopulationData popData =
                            new PopulationData(manager, data, first.train().batchSize(), seeds)) {
                // the examples now live in the engine's arrays: keep only the splits, so the Java copies can go
                List<dev.vivarium.core.task.Split> splits =
                        data.stream().map(TaskConfig.Data::split).toList();
                data.clear();
                Optimizer optimizer = Optimizer.ofPopulation(cfgs, model.params());
                PopulationTrainer trainer = new PopulationTrainer(model, optimizer, cfgs, popData);
                long start = 0;
                if (resuming) {
                    OptionalLong from = continueFrom(runs, recipes, manager, model, optimizer, trainer, notes);
                    if (from.isEmpty()) {
                        for (int m = 0; m < members; m++) {
                            Files.deleteIfExists(runs.get(m).metricsFile());
                            Splits.write(runs.get(m), splits.get(m));
                        }
                    }
                    start = from.orElse(0);
                    resuming = from.isPresent();
                } else {
                    for (int m = 0; m < members; m++) {
                        Splits.write(runs.get(m), splits.get(m));
                    }
                }
                List<Map<String, String>> provenance = new ArrayList<>();
                for (int m = 0; m < members; m++) {
                    provenance.add(Provenance.of(engine, seeds[m]));
                }
                long perMember = model.params().trainableCount() / members;
                trainer.sink(new PopulationTrainer.Sink() {
                    @Override
                    public void onLog(int m, long step, Map<String, Double> row) throws IOException {
                        try {
                            runs.get(m).metrics().append(row);
                        } catch (IOException e) {
                            throw new IOException(
                                    "cannot append the row of step " + step + " to "
                                            + runs.get(m).metricsFile() + ": " + Problems.oneLine(e),
                                    e);
                        }
                    }

                    @Override
                    public void onCheckpoint(long step, int[] which) throws IOException {
                        Map<String, Tensor> weights = model.params().toTensors();
                        Map<String, Tensor> state = optimizer.state();
                        for (int m : which) {
                            Map<String, Tensor> w = new java.util.LinkedHashMap<>();
                            weights.forEach((n, t) -> w.put(n, members == 1 ? t : Params.member(t, m, members)));
                            Map<String, Tensor> s = new java.util.LinkedHashMap<>();
                            state.forEach((n, t) -> s.put(n, members == 1 ? t : Params.member(t, m, members)));
                            try {
                                Checkpoints.save(
                                        runs.get(m),
                                        recipes.get(m),
                                        first.model(),
                                        perMember,
                                        w,
                                        s,
                                        optimizer.updates(),
                                        step,
                                        trainer.wallSeconds(),
                                        provenance.get(m));
                            } catch (IOException e) {
                                throw new IOException(
                                        "cannot write the checkpoint of step " + step + " of "
                                                + runs.get(m).root() + ": " + Problems.oneLine(e),
                                        e);
                            }
                        }
                    }

                    @Override
                    public void onFailed(int m, long step, String message) throws IOException {
                        ended[m] = true;
                        RunDir run = runs.get(m);
                        run.metrics().force();
                        run.metrics().close();
                        run.updateStatus(s -> s.withHeartbeat(Instant.now(), step - 1)
                                .withState(RunState.FAILED, Optional.of(message)));
                        notes.println(run.id() + ": " + message);
                    }

                    @Override
                    public void onFinished(int m, long step) throws IOException {
                        ended[m] = true;
                        finish(runs.get(m), step, RunState.COMPLETED, Optional.empty());
                    }
                });
                long s0 = start;
                try (StopSignal stop = new StopSignal(trainer::requestStop);
                        Beats beat = new Beats(runs, ended, trainer::currentStep, s0)) {
                    long last = resuming ? trainer.resumeFrom(start) : trainer.run();
                    boolean finishedAll = last >= first.train().steps() || !trainer.stopRequested();
                    beat.close();
                    for (int m = 0; m < members; m++) {
                        if (!ended[m]) {
                            ended[m] = true;
                            finish(
                                    runs.get(m),
                                    last,
                                    finishedAll ? RunState.COMPLETED : RunState.KILLED,
                                    finishedAll
                                            ? Optional.empty()
                                            : Optional.of("stopped by signal at step " + last
                                                    + "; continue with: vivarium resume "
                                                    + runs.get(m).root().getParent()));
                        }
                    }
                }
            }
        } catch (RuntimeException | Error | IOException e) {
            for (int m = 0; m < members; m++) {
                if (!ended[m]) {
                    markFailed(runs.get(m), e);
                }
            }
            throw e;
        } finally {
            for (RunDir r : runs) {
                r.metrics().close();
            }
        }
        List<RunState> states = new ArrayList<>();
        for (RunDir r : runs) {
            states.add(r.readStatus().state());
        }
        return states;
    }

    private static void finish(RunDir run, long step, RunState state, Optional<String> message) throws IOException {
        run.metrics().force();
        run.metrics().close();
        run.updateStatus(s -> s.withHeartbeat(Instant.now(), step).withState(state, message));
    }

    private static void markFailed(RunDir run, Throwable e) {
        try {
            run.updateStatus(s -> s.withState(RunState.FAILED, Optional.of(Problems.oneLine(e))));
        } catch (IOException | RuntimeException suppressed) {
            e.addSuppressed(suppressed);
        }
    }

    /**
     * Loads every member's checkpoint of the newest step all of them have usable, cuts their logs after it and marks
     * them RUNNING; empty when some member has no checkpoint at all (the population starts again from step 0).
     */
    private static OptionalLong continueFrom(
            List<RunDir> runs,
            List<Recipe> recipes,
            NDManager manager,
            Model model,
            Optimizer optimizer,
            PopulationTrainer trainer,
            PrintStream notes)
            throws IOException {
        int members = runs.size();
        for (RunDir r : runs) {
            if (r.checkpointEntrySteps().isEmpty()) {
                notes.println("member " + r.id() + " has no checkpoint yet: training the population from step 0");
                return OptionalLong.empty();
            }
        }
        List<Model> scratch = new ArrayList<>();
        List<Optimizer> scratchOpt = new ArrayList<>();
        try {
            for (Recipe r : recipes) {
                Model single = r.model().build(manager, r.seed());
                scratch.add(single);
                scratchOpt.add(Optimizer.of(r.train(), single.params()));
            }
            long atMost = Long.MAX_VALUE;
            ResumePoint[] points = new ResumePoint[members];
            boolean agreed = false;
            while (!agreed) {
                agreed = true;
                for (int m = 0; m < members; m++) {
                    if (points[m] != null && points[m].step() == atMost) {
                        continue;
                    }
                    points[m] = ResumePoint.choose(
                                    runs.get(m), recipes.get(m), scratch.get(m), scratchOpt.get(m), atMost)
                            .orElseThrow(() -> new IOException("no usable checkpoint"));
                    points[m].skipped().forEach(notes::println);
                }
                long min = Long.MAX_VALUE;
                for (ResumePoint p : points) {
                    min = Math.min(min, p.step());
                }
                for (ResumePoint p : points) {
                    agreed &= p.step() == min;
                }
                atMost = min;
            }
            long step = atMost;
            List<Map<String, Tensor>> weights = new ArrayList<>();
            List<Map<String, Tensor>> states = new ArrayList<>();
            for (int m = 0; m < members; m++) {
                weights.add(scratch.get(m).params().toTensors());
                states.add(scratchOpt.get(m).state());
            }
            model.params().loadMembers(weights, runs.get(0).root().getParent() + " (population)");
            optimizer.loadMembers(
                    states, scratchOpt.get(0).updates(), runs.get(0).root().getParent() + " (population)");
            trainer.setWallOffset(points[0].wallSeconds());
            for (RunDir run : runs) {
                run.metrics().truncateAfter(step);
                RunStatus here = RunStatus.startingNow("", 0);
                run.updateStatus(s -> new RunStatus(
                        RunState.RUNNING,
                        s.recipe(),
                        here.pid(),
                        here.host(),
                        s.startedAt(),
                        Instant.now(),
                        step,
                        s.totalSteps(),
                        Optional.of("resumed from step " + step + " with its population")));
            }
            notes.println("resuming " + members + " member(s) from the checkpoint of step " + step);
            return OptionalLong.of(step);
        } finally {
            for (Model s : scratch) {
                s.close();
            }
        }
    }

    /**
     * One heartbeat thread for every member still running (a thread each would be hundreds for a big population):
     * each beat rewrites the RUNNING members' statuses with the current step; the interval grows with the
     * population (2 s up to 16 members, at most 20 s), well inside the 60 s after which a reader calls a run KILLED.
     */
    private static final class Beats implements AutoCloseable {
        private final CountDownLatch stop = new CountDownLatch(1);
        private final Thread thread;

        Beats(List<RunDir> runs, boolean[] ended, java.util.function.LongSupplier step, long start) throws IOException {
            long interval = Math.min(20_000, Math.max(Experiment.HEARTBEAT.toMillis(), runs.size() * 125L));
            beat(runs, ended, start);
            thread = new Thread(
                    () -> {
                        try {
                            while (!stop.await(interval, TimeUnit.MILLISECONDS)) {
                                try {
                                    beat(runs, ended, step.getAsLong());
                                } catch (IOException | RuntimeException e) {
                                    // the next beat tries again; a reader sees an older heartbeat meanwhile
                                }
                            }
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                        }
                    },
                    "heartbeat-population");
            thread.setDaemon(true);
            thread.start();
        }

        private static void beat(List<RunDir> runs, boolean[] ended, long step) throws IOException {
            Instant now = Instant.now();
            for (int m = 0; m < runs.size(); m++) {
                if (!ended[m]) {
                    runs.get(m).updateStatus(s -> s.state() == RunState.RUNNING ? s.withHeartbeat(now, step) : s);
                }
            }
        }

        @Override
        public void close() {
            stop.countDown();
            while (thread.isAlive()) {
                try {
                    thread.join();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
    }
}
