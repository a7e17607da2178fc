package dev.vivarium.app.cmd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.vivarium.app.Vivarium;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code vivarium sweep SPEC --executor slurm}: its refusals, and a real submission when Slurm is here. */
class SweepSlurmCommandTest {
    private static final Path TINY = Path.of("../sweep/src/test/resources/local/tiny.yaml")
            .toAbsolutePath()
            .normalize();

    @TempDir
    Path dir;

    private Path spec() throws Exception {
        return Files.writeString(
                dir.resolve("two.yaml"), "recipe: " + TINY + "\nsweep: {grid: {train.lr: [0.001, 0.002]}}\n");
    }

    @Test
    void withoutSbatchOnThePathItIsOneLine() throws Exception {
        List<String> argv = new ArrayList<>();
        argv.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        argv.addAll(ManagementFactory.getRuntimeMXBean().getInputArguments());
        argv.addAll(List.of("-cp", System.getProperty("java.class.path"), Vivarium.class.getName()));
        argv.addAll(List.of(
                "sweep", spec().toString(), "--sweeps", dir.resolve("sweeps").toString()));
        argv.addAll(List.of("--executor", "slurm"));
        ProcessBuilder b =
                new ProcessBuilder(argv).redirectOutput(dir.resolve("out").toFile());
        b.redirectError(dir.resolve("err").toFile());
        b.environment().put("PATH", dir.resolve("nothing-here").toString());
        Process p = b.start();
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        String err = Files.readString(dir.resolve("err"));
        assertEquals(2, p.exitValue(), err);
        assertTrue(err.startsWith("error: --executor slurm: sbatch not found on PATH; "), err);
        assertEquals(1, err.lines().count(), err);
    }

    @Test
    void anUnknownExecutorAndSlurmFlagsWithoutSlurmAreRefused() throws Exception {
        String[] r = Cli.run("sweep", spec().toString(), "--executor", "cloud");
        assertEquals("error: --executor cloud: must be local or slurm\n", r[2]);
        String[] t = Cli.run("sweep", spec().toString(), "--time", "1:00:00");
        assertTrue(t[2].startsWith("error: --time, --mem, --cpus-per-task"), t[2]);
        String[] k = Cli.run("sweep", spec().toString(), "--executor", "slurm", "--max-running", "0");
        assertEquals("error: --executor slurm: maxRunning: 0; must be at least 1\n", k[2]);
    }

    @Test
    void aSweepSubmittedToSlurmCompletesAndItsStatusShowsTheTasks() throws Exception {
        requireSlurm();
        Path sweeps = dir.resolve("sweeps");
        String[] r = Cli.run(
                "sweep",
                spec().toString(),
                "--sweeps",
                sweeps.toString(),
                "--executor",
                "slurm",
                "--cpus-per-task",
                "1",
                "--max-running",
                "2",
                "--sbatch=--nice=0");
        assertEquals("0", r[0], r[2]);
        Path sweep = sweeps.resolve("two");
        String script = Files.readString(sweep.resolve("slurm/array.sbatch"));
        assertTrue(script.contains("#SBATCH --array=0-1%2\n"), script);
        assertTrue(script.contains("#SBATCH --nice=0\n"), script);
        assertTrue(
                script.contains("'" + Vivarium.class.getName() + "' 'sweep' 'worker' '" + sweep + "' --index"), script);
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(3);
        String[] status;
        do {
            Thread.sleep(500);
            status = Cli.run("sweep", "status", sweep.toString());
            assertEquals("0", status[0], status[2]);
            if (System.nanoTime() > deadline) {
                fail("not completed in 3 minutes: " + status[1]);
            }
        } while (!status[1].contains("2 points: {COMPLETED=2}"));
        assertTrue(status[1].contains("slurm "), status[1]);
        String[] again = Cli.run("sweep", "resume", sweep.toString(), "--executor", "slurm");
        assertEquals("0", again[0], again[2]);
        assertEquals(2, Files.readAllLines(sweep.resolve("slurm/jobs.tsv")).size(), "nothing submitted again");
    }

    private static void requireSlurm() throws Exception {
        boolean here;
        try {
            Process p = new ProcessBuilder("sinfo", "-h", "-o", "%t").start();
            String out = new String(p.getInputStream().readAllBytes());
            here = p.waitFor(20, TimeUnit.SECONDS) && p.exitValue() == 0 && out.matches("(?s).*(idle|mix|alloc).*");
        } catch (java.io.IOException e) {
            here = false;
        }
        if (!here && "1".equals(System.getenv("VIVARIUM_REQUIRE_SLURM"))) {
            fail("no Slurm node answers (sinfo), and VIVARIUM_REQUIRE_SLURM=1; start one with tools/slurm-local.sh");
        }
        Assumptions.assumeTrue(here, "no Slurm node answers (sinfo); start one with tools/slurm-local.sh");
    }
}
