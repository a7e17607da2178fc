package dev.vivarium.app.web;

import dev.vivarium.store.run.RunDir;
import dev.vivarium.store.run.RunIndex;
import dev.vivarium.store.run.RunState;
import dev.vivarium.store.run.RunStatus;
import dev.vivarium.sweep.SweepFolder;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;

/**
 * The runs under a runs folder and under each sweep folder of a sweeps folder, as the dashboard lists them.
 * Each listing looks at the folders again (a new run appears, a deleted one goes), but a run's files are read
 * again only when one of them changed: every run is cached under the sizes and modification times of its
 * {@code status.json}, {@code config.yaml} and {@code metrics.jsonl}. A RUNNING run's status is always read
 * again, so a run whose process died shows KILLED. A run the dashboard cannot read is listed BROKEN with its
 * problem, never dropped and never a failure of the listing.
 */
public final class RunCatalog {
    private final Path runsRoot;
    private final Path sweepsRoot;
    private final Map<Path, Cached> cache = new ConcurrentHashMap<>();

    private record Stamp(long status, long config, long metrics, long metricsSize) {}

    private record Cached(Stamp stamp, RunInfo info) {}

    /**
     * A catalog of {@code runsRoot}'s runs and those of {@code sweepsRoot}'s sweep folders; either may be null
     * or missing (then it contributes nothing).
     */
    public RunCatalog(Path runsRoot, Path sweepsRoot) {
        this.runsRoot = runsRoot;
        this.sweepsRoot = sweepsRoot;
    }

    /** The runs folder, or null. */
    public Path runsRoot() {
        return runsRoot;
    }

    /** The sweeps folder, or null. */
    public Path sweepsRoot() {
        return sweepsRoot;
    }

    /** Every run, newest start first, then by id. */
    public List<RunInfo> runs() throws IOException {
        List<Candidate> found = new ArrayList<>();
        if (runsRoot != null && Files.isDirectory(runsRoot)) {
            addRuns(runsRoot, Optional.empty(), found);
        }
        for (SweepFolder s : sweeps()) {
            if (Files.isDirectory(s.runs())) {
                addRuns(s.runs(), Optional.of(s.name()), found);
            }
        }
        List<RunInfo> out = new ArrayList<>(found.size());
        for (Candidate c : found) {
            out.add(info(c));
        }
        out.sort(Comparator.comparing(RunInfo::started).reversed().thenComparing(RunInfo::id));
        return out;
    }

    /** The run with {@code id}, if the catalog lists one: ids are looked up, never turned into paths. */
    public Optional<RunInfo> run(String id) throws IOException {
        if (id == null || id.isEmpty()) {
            return Optional.empty();
        }
        Candidate c = null;
        int slash = id.indexOf('/');
        if (slash < 0) {
            c = child(runsRoot, id, Optional.empty());
        } else if (id.indexOf('/', slash + 1) < 0) {
            String sweep = id.substring(0, slash);
            Optional<SweepFolder> folder =
                    sweeps().stream().filter(s -> s.name().equals(sweep)).findFirst();
            if (folder.isPresent()) {
                c = child(folder.get().runs(), id.substring(slash + 1), Optional.of(sweep));
            }
        }
        return c == null ? Optional.empty() : Optional.of(info(c));
    }

    /** The sweep folders (those holding a {@code points.tsv}), by name. */
    public List<SweepFolder> sweeps() throws IOException {
        if (sweepsRoot == null || !Files.isDirectory(sweepsRoot)) {
            return List.of();
        }
        try (Stream<Path> s = Files.list(sweepsRoot)) {
            return s.filter(d -> Files.isRegularFile(d.resolve(SweepFolder.INDEX), LinkOption.NOFOLLOW_LINKS))
                    .sorted()
                    .map(SweepFolder::at)
                    .toList();
        }
    }

    /** The sweep folder named {@code name}, if there is one. */
    public Optional<SweepFolder> sweep(String name) throws IOException {
        return sweeps().stream().filter(s -> s.name().equals(name)).findFirst();
    }

    private record Candidate(Path dir, Optional<String> sweep) {
        String id() {
            return sweep.map(s -> s + "/").orElse("") + dir.getFileName();
        }
    }

    /**
     * The run directory {@code name} directly under {@code root}, or null: a plain name (no separator, not
     * {@code .} or {@code ..}), a directory that is not a symbolic link, holding a status or a config, exactly
     * the directories a listing of {@code root} shows.
     */
    private static Candidate child(Path root, String name, Optional<String> sweep) {
        if (root == null
                || name.isEmpty()
                || name.equals(".")
                || name.equals("..")
                || name.indexOf('/') >= 0
                || name.indexOf('\\') >= 0
                || name.indexOf('\0') >= 0) {
            return null;
        }
        Path d;
        try {
            d = root.resolve(name);
        } catch (java.nio.file.InvalidPathException e) {
            return null;
        }
        if (!d.getParent().equals(root) || !d.getFileName().toString().equals(name)) {
            return null;
        }
        if (Files.isDirectory(d, LinkOption.NOFOLLOW_LINKS)
                && (Files.exists(d.resolve("status.json")) || Files.exists(d.resolve("config.yaml")))) {
            return new Candidate(d, sweep);
        }
        return null;
    }

    private static void addRuns(Path root, Optional<String> sweep, List<Candidate> found) throws IOException {
        try (Stream<Path> s = Files.list(root)) {
            s.filter(d -> Files.isDirectory(d, LinkOption.NOFOLLOW_LINKS)
                            && (Files.exists(d.resolve("status.json")) || Files.exists(d.resolve("config.yaml"))))
                    .sorted()
                    .forEach(d -> found.add(new Candidate(d, sweep)));
        }
    }

    private RunInfo info(Candidate c) {
        Stamp stamp = stamp(c.dir());
        Cached cached = cache.get(c.dir());
        if (cached != null
                && cached.stamp().equals(stamp)
                && !cached.info().state().equals(RunState.RUNNING.name())) {
            return cached.info();
        }
        RunInfo info = read(c);
        cache.put(c.dir(), new Cached(stamp, info));
        return info;
    }

    private static Stamp stamp(Path dir) {
        long[] s = attributes(dir.resolve("status.json"));
        long[] k = attributes(dir.resolve("config.yaml"));
        long[] m = attributes(dir.resolve("metrics.jsonl"));
        return new Stamp(s[0] ^ (s[1] << 20), k[0] ^ (k[1] << 20), m[0], m[1]);
    }

    /** Modification time in nanoseconds and size; -1s for a missing file. */
    private static long[] attributes(Path f) {
        try {
            BasicFileAttributes a = Files.readAttributes(f, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
            return new long[] {a.lastModifiedTime().to(java.util.concurrent.TimeUnit.NANOSECONDS), a.size()};
        } catch (IOException e) {
            return new long[] {-1, -1};
        }
    }

    private static RunInfo read(Candidate c) {
        Optional<String> problem = WebFiles.runProblem(c.dir());
        RunStatus status = null;
        if (problem.isEmpty()) {
            try {
                status = RunDir.open(c.dir()).effectiveStatus(RunIndex.STALE_AFTER);
            } catch (IOException | RuntimeException e) {
                problem = Optional.of(WebFiles.firstLine(e.getMessage()));
            }
        }
        Map<String, Double> last = Map.of();
        if (problem.isEmpty()) {
            try {
                last = RunDir.open(c.dir()).metrics().last().orElse(Map.of());
            } catch (IOException | RuntimeException e) {
                problem = Optional.of(WebFiles.firstLine(e.getMessage()));
            }
        }
        if (status == null) {
            return new RunInfo(
                    c.id(),
                    c.dir(),
                    c.sweep(),
                    "?",
                    "BROKEN",
                    0,
                    0,
                    Instant.EPOCH,
                    Instant.EPOCH,
                    Optional.empty(),
                    problem,
                    Map.of());
        }
        return new RunInfo(
                c.id(),
                c.dir(),
                c.sweep(),
                status.recipe(),
                status.state().name(),
                status.step(),
                status.totalSteps(),
                status.startedAt(),
                status.heartbeatAt(),
                status.message(),
                problem,
                last);
    }
}
