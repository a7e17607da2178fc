package dev.vivarium.laws.fit;

import dev.vivarium.laws.table.CsvTable;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.stream.IntStream;

/**
 * The Chinchilla points of the repository's {@code data/chinchilla} (its README gives their source), as
 * Besiroglu et al. used them: the 240 lowest-loss points, with D = C / (6 N).
 */
public final class ChinchillaData {
    private ChinchillaData() {}

    /** The folder {@code data/chinchilla} of the repository, found from a module's or the root's directory. */
    public static Path folder() {
        Path dir = Path.of("").toAbsolutePath();
        for (Path p : new Path[] {dir, dir.getParent()}) {
            Path candidate = p == null ? null : p.resolve("data/chinchilla");
            if (candidate != null && Files.isRegularFile(candidate.resolve("svg_extracted_data.csv"))) {
                return candidate;
            }
        }
        throw new IllegalStateException("data/chinchilla/svg_extracted_data.csv not found in " + dir
                + " or its parent: run the tests from the repository (mvn -B test)");
    }

    /** The 240 lowest-loss points as L(N, D) data. */
    public static LawData lowest240() {
        CsvTable table = CsvTable.read(folder().resolve("svg_extracted_data.csv"));
        double[] n = table.column("Model Size");
        double[] c = table.column("Training FLOP");
        double[] loss = table.column("loss");
        int[] keep = IntStream.range(0, loss.length)
                .boxed()
                .sorted(Comparator.comparingDouble(i -> loss[i]))
                .limit(240)
                .mapToInt(Integer::intValue)
                .toArray();
        double[][] x = Arrays.stream(keep)
                .mapToObj(i -> new double[] {n[i], c[i] / (6 * n[i])})
                .toArray(double[][]::new);
        double[] y = Arrays.stream(keep).mapToDouble(i -> loss[i]).toArray();
        return LawData.of(List.of("N", "D"), x, y, "loss");
    }
}
