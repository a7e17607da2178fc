package dev.vivarium.sweep;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * A sweep over one recipe: fixed overrides ({@code set}) applied to every point, then the product of the
 * {@code grid} (every combination), the {@code zip} (lists advanced together), the {@code random} draws and the
 * {@code seeds}. Values are kept as the text of {@code key=value} overrides, the form core's {@code --set} reads.
 *
 * @param source the spec file, named in every error
 * @param recipe the recipe every point starts from
 * @param seeds the values of {@code seed}, one repetition of every point each; empty means the recipe's seed
 * @param slurm what a Slurm job array of the sweep asks for (the spec's {@code slurm:} block)
 */
public record SweepSpec(
        String source,
        Path recipe,
        Map<String, String> set,
        Map<String, List<String>> grid,
        Map<String, List<String>> zip,
        Optional<RandomAxes> random,
        List<Long> seeds,
        SlurmOptions slurm) {

    public SweepSpec {
        java.util.Objects.requireNonNull(slurm, "slurm");
        set = Collections.unmodifiableMap(new LinkedHashMap<>(set));
        grid = copy(grid);
        zip = copy(zip);
        seeds = List.copyOf(seeds);
        grid.forEach((key, values) -> requireValues(source, "sweep.grid", key, values, true));
        zip.forEach((key, values) -> requireValues(source, "sweep.zip", key, values, false));
        if (!zip.isEmpty()) {
            Set<Integer> lengths = new HashSet<>();
            zip.values().forEach(v -> lengths.add(v.size()));
            if (lengths.size() > 1) {
                StringBuilder each = new StringBuilder();
                zip.forEach((key, values) -> each.append(each.length() == 0 ? "" : ", ")
                        .append(key)
                        .append(" has ")
                        .append(values.size()));
                throw new SweepException(
                        source + ": sweep.zip: the lists advance together, so they need equal lengths; " + each);
            }
        }
        if (new HashSet<>(seeds).size() != seeds.size()) {
            throw new SweepException(source + ": sweep.seeds: " + seeds + " repeats a seed; each seed once");
        }
        Map<String, String> owner = new LinkedHashMap<>();
        set.keySet().forEach(k -> claim(source, owner, k, "set"));
        grid.keySet().forEach(k -> claim(source, owner, k, "sweep.grid"));
        zip.keySet().forEach(k -> claim(source, owner, k, "sweep.zip"));
        random.ifPresent(r -> r.axes().keySet().forEach(k -> claim(source, owner, k, "sweep.random")));
        if (!seeds.isEmpty()) {
            claim(source, owner, "seed", "sweep.seeds");
        }
        long size = size(grid, zip, random, seeds);
        if (size > MAX_POINTS) {
            throw new SweepException(source + ": " + (size == Long.MAX_VALUE ? "more than 2^63" : size)
                    + " points; a sweep has at most " + MAX_POINTS + " (split it, or shorten an axis)");
        }
    }

    /** A spec without a {@code slurm:} block. */
    public SweepSpec(
            String source,
            Path recipe,
            Map<String, String> set,
            Map<String, List<String>> grid,
            Map<String, List<String>> zip,
            Optional<RandomAxes> random,
            List<Long> seeds) {
        this(source, recipe, set, grid, zip, random, seeds, SlurmOptions.none());
    }

    /** Beyond this many points a spec is a mistake (each point is resolved and checked before anything trains). */
    public static final int MAX_POINTS = 100_000;

    /** How many points {@link #expand} gives. */
    public int size() {
        return (int) size(grid, zip, random, seeds);
    }

    private static long size(
            Map<String, List<String>> grid,
            Map<String, List<String>> zip,
            Optional<RandomAxes> random,
            List<Long> seeds) {
        try {
            long n = 1;
            for (List<String> values : grid.values()) {
                n = Math.multiplyExact(n, values.size());
            }
            n = Math.multiplyExact(
                    n, zip.isEmpty() ? 1 : zip.values().iterator().next().size());
            n = Math.multiplyExact(n, random.map(RandomAxes::n).orElse(1));
            return Math.multiplyExact(n, Math.max(1, seeds.size()));
        } catch (ArithmeticException e) {
            return Long.MAX_VALUE;
        }
    }

    /** Which part of the spec ({@code set}, {@code grid}, {@code zip}, {@code random}, {@code seeds}) varies {@code key}. */
    public Optional<String> axisOf(String key) {
        if (set.containsKey(key)) {
            return Optional.of("set");
        }
        if (grid.containsKey(key)) {
            return Optional.of("grid");
        }
        if (zip.containsKey(key)) {
            return Optional.of("zip");
        }
        if (random.isPresent() && random.get().axes().containsKey(key)) {
            return Optional.of("random");
        }
        return key.equals("seed") && !seeds.isEmpty() ? Optional.of("seeds") : Optional.empty();
    }

    /**
     * Every point's overrides, in order: grid (first key slowest), then zip, then random draws, then seeds
     * (fastest). Within a point: set, grid keys, zip keys, random keys, {@code seed}.
     */
    public List<List<String>> expand() {
        List<List<String>> points = List.of(set.entrySet().stream()
                .map(e -> e.getKey() + "=" + e.getValue())
                .toList());
        for (Map.Entry<String, List<String>> axis : grid.entrySet()) {
            points = product(
                    points,
                    axis.getValue().stream()
                            .map(v -> List.of(axis.getKey() + "=" + v))
                            .toList());
        }
        if (!zip.isEmpty()) {
            int length = zip.values().iterator().next().size();
            List<List<String>> rows = new ArrayList<>(length);
            for (int i = 0; i < length; i++) {
                int row = i;
                rows.add(zip.entrySet().stream()
                        .map(e -> e.getKey() + "=" + e.getValue().get(row))
                        .toList());
            }
            points = product(points, rows);
        }
        if (random.isPresent()) {
            points = product(points, random.get().draws());
        }
        if (!seeds.isEmpty()) {
            points = product(
                    points, seeds.stream().map(s -> List.of("seed=" + s)).toList());
        }
        return points;
    }

    private static List<List<String>> product(List<List<String>> outer, List<List<String>> inner) {
        List<List<String>> out = new ArrayList<>(outer.size() * inner.size());
        for (List<String> a : outer) {
            for (List<String> b : inner) {
                List<String> both = new ArrayList<>(a);
                both.addAll(b);
                out.add(List.copyOf(both));
            }
        }
        return List.copyOf(out);
    }

    private static Map<String, List<String>> copy(Map<String, List<String>> axes) {
        Map<String, List<String>> out = new LinkedHashMap<>();
        axes.forEach((k, v) -> out.put(k, List.copyOf(v)));
        return Collections.unmodifiableMap(out);
    }

    private static void requireValues(String source, String part, String key, List<String> values, boolean distinct) {
        if (values.isEmpty()) {
            throw new SweepException(source + ": " + part + "." + key + ": empty; an axis needs at least one value");
        }
        if (distinct && new HashSet<>(values).size() != values.size()) {
            throw new SweepException(
                    source + ": " + part + "." + key + ": " + values + " repeats a value; each value once");
        }
    }

    private static void claim(String source, Map<String, String> owner, String key, String part) {
        if (key.isBlank() || !key.matches("[A-Za-z0-9_.\\-]+") || key.startsWith(".") || key.endsWith(".")) {
            throw new SweepException(source + ": " + part + ": '" + key
                    + "' is not a recipe key; a key is a dotted path such as train.lr");
        }
        String before = owner.putIfAbsent(key, part);
        if (before != null) {
            throw new SweepException(source + ": " + key + " is set in both " + before + " and " + part
                    + "; a key belongs to one part of the spec");
        }
    }
}
