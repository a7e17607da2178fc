package dev.vivarium.sweep;

import dev.vivarium.core.recipe.RecipeException;
import dev.vivarium.core.recipe.RecipeLoader;
import dev.vivarium.store.io.AtomicFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A sweep's folder, {@code SWEEPS/<name>/}: the spec as last run ({@code sweep.yaml}), one resolved recipe per
 * point ({@code recipes/<id>.yaml}, what a worker trains), the index ({@code points.tsv}: one line per point
 * in the spec's order, so that line {@code i + 1} is point {@code i}, the index a Slurm array task is given),
 * the points' logs when they run in child processes ({@code logs/<id>.log}) and the runs themselves
 * ({@code runs/<id>/}, ordinary run directories). The run directories are the truth: the index's state column
 * is rebuilt from them.
 */
public final class SweepFolder {
    /** The spec as last run, beside its runs. */
    public static final String SPEC_COPY = "sweep.yaml";

    /** The index: one line per point (id, state, run directory, overrides). */
    public static final String INDEX = "points.tsv";

    private final Path root;

    private SweepFolder(Path root) {
        this.root = root.toAbsolutePath().normalize();
    }

    /** The folder at {@code root} (which may not exist yet). */
    public static SweepFolder at(Path root) {
        return new SweepFolder(root);
    }

    /** The folder of the sweep named by {@code specFile}'s name, under {@code sweepsRoot}. */
    public static SweepFolder forSpec(Path specFile, Path sweepsRoot) {
        String name = specFile.getFileName().toString().replaceFirst("\\.ya?ml$", "");
        return new SweepFolder(sweepsRoot.resolve(name));
    }

    public Path root() {
        return root;
    }

    /** The sweep's name: its folder's. */
    public String name() {
        return root.getFileName().toString();
    }

    public Path runs() {
        return root.resolve("runs");
    }

    public Path run(String id) {
        return runs().resolve(id);
    }

    public Path recipe(String id) {
        return root.resolve("recipes").resolve(id + ".yaml");
    }

    public Path log(String id) {
        return root.resolve("logs").resolve(id + ".log");
    }

    public Path index() {
        return root.resolve(INDEX);
    }

    /**
     * Lays the folder out for {@code points}: the spec's copy, each point's resolved recipe (rewritten only when
     * it changed) and the index.
     */
    public void prepare(Path specFile, List<Point> points) throws IOException {
        Files.createDirectories(runs());
        Files.createDirectories(root.resolve("recipes"));
        Files.createDirectories(root.resolve("logs"));
        AtomicFiles.writeString(root.resolve(SPEC_COPY), Files.readString(specFile));
        for (Point p : points) {
            String yaml = RecipeLoader.toYaml(p.recipe());
            Path f = recipe(p.id());
            if (!Files.isRegularFile(f) || !Files.readString(f).equals(yaml)) {
                AtomicFiles.writeString(f, yaml);
            }
        }
        writeIndex(points);
    }

    /**
     * One line of the index: the point's place, id and overrides.
     *
     * @param index the point's index (line {@code index + 1})
     * @param id the point id
     * @param overrides its {@code key=value} overrides
     */
    record Entry(int index, String id, List<String> overrides) {}

    /** The index's lines, in the spec's order; a malformed line is an error naming it. */
    List<Entry> entries() throws IOException {
        if (!Files.isRegularFile(index())) {
            throw new IOException(
                    index() + ": not found; is " + root + " a sweep folder (made by vivarium sweep SPEC)?");
        }
        List<String> lines = Files.readAllLines(index());
        List<Entry> entries = new ArrayList<>();
        for (int i = 1; i < lines.size(); i++) {
            String[] f = lines.get(i).split("\t", -1);
            if (f.length != 4 || f[0].length() != PointId.LENGTH) {
                throw new IOException(index() + " line " + (i + 1)
                        + ": expected 4 tab-separated fields (id of " + PointId.LENGTH
                        + " hex digits, state, run, overrides), found " + Arrays.toString(f));
            }
            entries.add(new Entry(i - 1, f[0], overrides(f[3])));
        }
        return List.copyOf(entries);
    }

    /** The points as the index and the recipes of a prepared folder give them, in the spec's order. */
    public List<Point> points() throws IOException {
        List<Point> points = new ArrayList<>();
        for (Entry e : entries()) {
            points.add(point(e));
        }
        return List.copyOf(points);
    }

    /** Point {@code index} of a prepared folder (line {@code index + 1} of the index); only its recipe is read. */
    public Point point(int index) throws IOException {
        List<Entry> all = entries();
        if (index < 0 || index >= all.size()) {
            throw new IllegalArgumentException("--index " + index + ": sweep " + root + " has points 0 to "
                    + (all.size() - 1) + " (" + index() + ")");
        }
        return point(all.get(index));
    }

    private Point point(Entry e) throws IOException {
        Path file = recipe(e.id());
        try {
            return new Point(e.index(), e.id(), e.overrides(), RecipeLoader.load(file, List.of()));
        } catch (RecipeException ex) {
            throw new IOException(file + ": " + ex.getMessage(), ex);
        }
    }

    /** A point's overrides from the index's last field: {@code key=value} items separated by spaces. */
    static List<String> overrides(String field) {
        if (field.isEmpty() || field.startsWith("(")) {
            return List.of();
        }
        // a value may hold spaces ("train.betas=[0.9, 0.98]"): an item starts where a key and '=' start
        return List.of(field.split(" (?=[A-Za-z_][A-Za-z0-9_.]*=)"));
    }

    /** Rewrites the index from the run directories (the truth): id, state, run directory, overrides. */
    public void writeIndex(List<Point> points) throws IOException {
        StringBuilder b = new StringBuilder("id\tstate\trun\toverrides\n");
        for (Point p : points) {
            String state = SweepReport.state(run(p.id()));
            b.append(p.id())
                    .append('\t')
                    .append(state)
                    .append('\t')
                    .append("runs/")
                    .append(p.id())
                    .append('\t')
                    .append(p.describe())
                    .append('\n');
        }
        AtomicFiles.writeString(index(), b.toString());
    }
}
