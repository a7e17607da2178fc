package dev.vivarium.laws.fit;

import dev.vivarium.laws.table.CsvTable;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.stream.IntStream;

/**
 * The Chinchilla points of shared/data/chinchilla, as its README says: the 240 lowest-loss points, with
 * D = C / (6 N). The data are found by walking up from the working directory to a {@code shared/data}
 * folder; they are never copied into the repository.
 */
public final class ChinchillaData {
    private ChinchillaData() {}

    /** The folder {@code shared/data/chinchilla}, found by walking up from the working directory. */
    public static Path folder() {
        Path dir = Path.of("").toAbsolutePath();
        for (Path p = dir; p != null; p = p.getParent()) {
            Path candidate = p.resolve("shared/data/chinchilla");
            if (Files.isDirectory(candidate)) {
                return candidate;
            }
        }
        throw new IllegalStateException("shared/data/chinchilla not found in " + dir + " or any folder above it;"
                + " the Chinchilla tests need the shared data folder beside the project (../shared/data/chinchilla)");
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
