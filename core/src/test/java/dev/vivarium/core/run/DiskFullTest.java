package dev.vivarium.core.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.vivarium.core.recipe.RecipeLoader;
import dev.vivarium.store.run.MetricLog;
import dev.vivarium.store.run.RunDir;
import dev.vivarium.store.run.RunState;
import dev.vivarium.store.safetensors.Safetensors;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A disk that fills up mid-run, for real: a 192 kB tmpfs (mounting one needs root, as CI is; CI sets
 * VIVARIUM_REQUIRE_TMPFS=1 so the test cannot be skipped there). The run must fail with the reason, be
 * marked FAILED, and leave every file it wrote before intact and readable.
 */
class DiskFullTest {
    @TempDir
    Path tmp;

    @Test
    void aFullDiskFailsTheRunWithTheReasonAndKeepsWhatWasWritten() throws Exception {
        Path small = Files.createDirectory(tmp.resolve("small"));
        mountTmpfs(small, "192k");
        try {
            var recipe = RecipeLoader.load(TestRuns.recipe("kill-loop.yaml"), List.of());
            Exception e = assertThrows(
                    Exception.class, () -> Experiment.start(recipe, small, Optional.of("full"), List.of()));
            assertTrue(e instanceof IOException || e instanceof UncheckedIOException, e.toString());
            String m = e.getMessage().toLowerCase(Locale.ROOT);
            assertTrue(m.contains("no space left on device"), e.getMessage());
            RunDir run = RunDir.open(small.resolve("full"));
            assertEquals(RunState.FAILED, run.readStatus().state());
            assertTrue(run.readStatus()
                    .message()
                    .orElse("")
                    .toLowerCase(Locale.ROOT)
                    .contains("no space left on device"));
            List<Long> steps = run.checkpointSteps();
            assertTrue(steps.size() >= 2, "some checkpoints were written before the disk filled: " + steps);
            for (long s : steps) {
                Safetensors.read(run.checkpointFile(s)); // whole and readable: written atomically
            }
            MetricLog.Contents c = new MetricLog(run.metricsFile()).readValid();
            assertTrue(c.problem().isEmpty() && c.rows().size() >= 1, "the metric log reads: " + c.problem());
            RecipeLoader.load(run.configFile(), List.of());
        } finally {
            run("umount", "-l", small.toString()); // lazily: read files may still be mapped
        }
    }

    private static void mountTmpfs(Path dir, String size) throws Exception {
        boolean required = "1".equals(System.getenv("VIVARIUM_REQUIRE_TMPFS"));
        int rc;
        try {
            rc = run("mount", "-t", "tmpfs", "-o", "size=" + size, "tmpfs", dir.toString());
        } catch (IOException noMount) {
            rc = -1;
        }
        if (rc != 0) {
            if (required) {
                fail("VIVARIUM_REQUIRE_TMPFS=1 but a tmpfs could not be mounted at " + dir + " (needs root)");
            }
            Assumptions.abort("mounting a tmpfs needs root; set VIVARIUM_REQUIRE_TMPFS=1 to require this test");
        }
    }

    private static int run(String... cmd) throws Exception {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        p.getInputStream().readAllBytes();
        assertTrue(p.waitFor(30, TimeUnit.SECONDS));
        return p.exitValue();
    }
}
