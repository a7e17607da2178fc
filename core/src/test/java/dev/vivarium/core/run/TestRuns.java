package dev.vivarium.core.run;

import dev.vivarium.store.run.MetricLog;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/** Helpers shared by the run tests: test recipes, metric logs without wall time, project files. */
final class TestRuns {
    private TestRuns() {}

    static Path recipe(String name) {
        return Path.of("src/test/resources/recipes", name).toAbsolutePath();
    }

    /** Every metric row without {@code wall_s}, the one column that measures time rather than the run. */
    static List<Map<String, Double>> withoutWallTime(Path metrics) throws IOException {
        try (MetricLog log = new MetricLog(metrics)) {
            return log.read().stream()
                    .map(r -> r.entrySet().stream()
                            .filter(e -> !e.getKey().equals("wall_s"))
                            .collect(Collectors.toMap(
                                    Map.Entry::getKey, Map.Entry::getValue, (a, b) -> a, java.util.LinkedHashMap::new)))
                    .collect(Collectors.toList());
        }
    }

    /** A file of the project (found by walking up from the module directory). */
    static Path projectFile(String relative) {
        Path dir = Path.of("").toAbsolutePath();
        while (dir != null) {
            Path p = dir.resolve(relative);
            if (Files.exists(p)) {
                return p;
            }
            dir = dir.getParent();
        }
        throw new IllegalStateException(
                "cannot find " + relative + " above " + Path.of("").toAbsolutePath());
    }
}
