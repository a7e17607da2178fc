package dev.vivarium.sweep;

import dev.vivarium.core.recipe.Recipe;
import dev.vivarium.core.recipe.RecipeLoader;
import dev.vivarium.core.run.PopulationRun;
import dev.vivarium.store.run.RunDir;
import dev.vivarium.store.run.RunState;
import dev.vivarium.store.run.RunStatus;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Which of a sweep's points train together as one population ({@link PopulationRun}): points whose recipes
 * have the same {@link PopulationRun#compatibilityKey} (they differ only in seed, learning rate, weight decay,
 * warm-up, stopping accuracy and task values that keep the shapes, such as a data fraction), at most {@link
 * #CAP} at once and as many as fit this machine's memory together ({@link PopulationRun#fits}).
 *
 * <p>New points (no run directory yet) start together. Killed points (KILLED, or RUNNING with their process
 * gone) resume together when their recorded configs agree and their newest checkpoints are of the same step, as
 * the members of one killed population are: a population resumes from the newest step all its members have, so
 * points killed at different steps resume alone rather than lose what the later ones did. Every other point
 * goes the per-point way ({@link PointRunner}): a COMPLETED one is skipped there, a FAILED one tried again
 * alone, a point whose recipe trains only alone (a fine-tune, REINFORCE, PGD, induction) or that is alone in
 * its group trains alone.
 */
final class Batches {
    /** At most this many points in one population. */
    static final int CAP = 64;

    private Batches() {}

    /**
     * One population to train.
     *
     * @param points its points, in the sweep's order (at least two)
     * @param resume whether they are killed points to resume together, rather than new ones to start
     */
    record Batch(List<Point> points, boolean resume) {
        Batch {
            points = List.copyOf(points);
        }

        /** The override keys whose values differ between the points ("seed, train.lr"), for the notes. */
        String differing() {
            Map<String, Set<String>> values = new LinkedHashMap<>();
            for (Point p : points) {
                for (String o : p.overrides()) {
                    int eq = Math.max(0, o.indexOf('='));
                    values.computeIfAbsent(o.substring(0, eq), k -> new LinkedHashSet<>())
                            .add(o.substring(eq + 1));
                }
            }
            List<String> keys = values.entrySet().stream()
                    .filter(e -> e.getValue().size() > 1)
                    .map(Map.Entry::getKey)
                    .toList();
            return keys.isEmpty() ? "their own fields differ" : String.join(", ", keys) + " differ";
        }
    }

    /**
     * The plan for a sweep's points.
     *
     * @param batches the populations, in the order of their first points
     * @param alone the points that go the per-point way, in the sweep's order
     */
    record Plan(List<Batch> batches, List<Point> alone) {
        Plan {
            batches = List.copyOf(batches);
            alone = List.copyOf(alone);
        }
    }

    /** Groups {@code points} of {@code folder} into populations of at most {@code cap}, and the rest. */
    static Plan plan(SweepFolder folder, List<Point> points, int cap) {
        Map<String, List<Point>> groups = new LinkedHashMap<>();
        List<Point> alone = new ArrayList<>();
        for (Point p : points) {
            Optional<String> key = key(folder, p);
            if (key.isPresent()) {
                groups.computeIfAbsent(key.get(), k -> new ArrayList<>()).add(p);
            } else {
                alone.add(p);
            }
        }
        List<Batch> batches = new ArrayList<>();
        for (Map.Entry<String, List<Point>> g : groups.entrySet()) {
            boolean resume = g.getKey().startsWith("resume ");
            for (List<Point> chunk : split(g.getValue(), cap)) {
                if (chunk.size() >= 2) {
                    batches.add(new Batch(chunk, resume));
                } else {
                    alone.addAll(chunk);
                }
            }
        }
        alone.sort(Comparator.comparingInt(Point::index));
        return new Plan(batches, alone);
    }

    /**
     * The group a point belongs to: {@code start KEY} for a new point, {@code resume STEP KEY} for a killed one
     * (its recorded config's key and its newest checkpoint's step); empty for a point that goes the per-point
     * way, or whose run directory cannot be read (the per-point way then says what is wrong with it).
     */
    private static Optional<String> key(SweepFolder folder, Point p) {
        Path dir = folder.run(p.id());
        try {
            if (!Files.isRegularFile(dir.resolve("config.yaml"))) {
                return PointRunner.unstarted(dir)
                        ? PopulationRun.compatibilityKey(p.recipe()).map(k -> "start " + k)
                        : Optional.empty();
            }
            if (SweepReport.status(dir).map(RunStatus::state).orElse(null) != RunState.KILLED) {
                return Optional.empty(); // read as `sweep status` reads it: a dead RUNNING run is KILLED
            }
            RunDir run = RunDir.open(dir);
            Recipe recorded = RecipeLoader.load(run.configFile(), List.of());
            long step = run.lastCheckpointStep().orElse(-1);
            return PopulationRun.compatibilityKey(recorded).map(k -> "resume " + step + " " + k);
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }

    /**
     * A group in populations of at most {@code cap} that each fit the machine, as few as greedy filling gives
     * and their sizes as even as the points allow (65 points at a cap of 64 are 33 and 32, not 64 and 1).
     */
    static List<List<Point>> split(List<Point> group, int cap) {
        List<List<Point>> greedy = new ArrayList<>();
        List<Point> chunk = new ArrayList<>();
        for (Point p : group) {
            List<Point> grown = new ArrayList<>(chunk);
            grown.add(p);
            if (!chunk.isEmpty() && (grown.size() > cap || !fits(grown))) {
                greedy.add(chunk);
                grown = new ArrayList<>(List.of(p));
            }
            chunk = grown;
        }
        if (!chunk.isEmpty()) {
            greedy.add(chunk);
        }
        int n = greedy.size();
        List<List<Point>> even = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            even.add(group.subList(i * group.size() / n, (i + 1) * group.size() / n));
        }
        return even.stream().allMatch(c -> c.size() <= cap && fits(c)) ? even : greedy;
    }

    private static boolean fits(List<Point> points) {
        return PopulationRun.fits(points.stream().map(Point::recipe).toList());
    }
}
