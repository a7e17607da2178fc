package dev.vivarium.app.cmd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vivarium.store.run.MetricLog;
import dev.vivarium.store.run.RunDir;
import dev.vivarium.store.run.RunState;
import dev.vivarium.store.run.RunStatus;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code fit} refuses inputs that cannot make sense, each with one line, and warns on wrong-sign exponents. */
class FitRefusalsTest {

    private static Path chinchillaCsv() {
        Path csv = Path.of("../data/chinchilla/svg_extracted_data.csv");
        return Files.exists(csv) ? csv : Path.of("data/chinchilla/svg_extracted_data.csv");
    }

    @Test
    void chinchillaNeedsItsInputsNamed() {
        String csv = chinchillaCsv().toString();
        String[] x = Cli.run("fit", "--law", "chinchilla", "--table", csv, "--x", "Model Size");
        assertEquals("2", x[0]);
        assertEquals(
                "error: --law chinchilla takes its inputs as --n COL with --d COL (tokens) or --compute COL (FLOP,"
                        + " D = C / 6N), not --x 'Model Size'\n",
                x[2]);
        String[] both = Cli.run(
                "fit", "--law", "chinchilla", "--table", csv, "--n", "Model Size", "--d", "a", "--compute", "b");
        assertEquals("2", both[0]);
        assertTrue(
                both[2].startsWith("error: --law chinchilla needs --n COL (parameters) and exactly one of"), both[2]);
        String[] twice = Cli.run("fit", "--table", csv, "--x", "Model Size", "--x", "Training FLOP");
        assertEquals("2", twice[0]);
        assertTrue(twice[2].contains("should be specified only once"), twice[2]);
    }

    @Test
    void fewerDistinctInputsThanParametersAreRefused(@TempDir Path runs) throws Exception {
        // four runs, all at train.steps = 1000: the x axis has one value
        for (int i = 0; i < 4; i++) {
            RunDir run = RunDir.create(runs.resolve("r" + i));
            run.writeConfig("train:\n  steps: 1000\n");
            run.writeStatus(RunStatus.startingNow("grokking", 1000).withState(RunState.COMPLETED, Optional.empty()));
            try (MetricLog log = new MetricLog(run.metricsFile())) {
                log.append(Map.of("step", 1000, "test_loss", 1.0 + 0.1 * i));
            }
        }
        String[] r = Cli.run("fit", "--runs", runs.toString(), "--x", "train.steps", "--bootstrap", "10");
        assertEquals("2", r[0], r[1]);
        assertEquals(
                "error: cannot fit L(train.steps) (parameters [A, E, alpha]): train.steps has 1 distinct value (1000)"
                        + " over 4 points, and the law needs at least 3; with fewer its parameters are not determined"
                        + " by the points\n",
                r[2]);
    }

    @Test
    void aConstantObservationIsRefused(@TempDir Path dir) throws Exception {
        Path table = Files.writeString(dir.resolve("flat.csv"), "c,loss\n1,2.5\n10,2.5\n100,2.5\n1000,2.5\n");
        String[] r = Cli.run("fit", "--table", table.toString(), "--x", "c", "--bootstrap", "10");
        assertEquals("2", r[0], r[1]);
        assertEquals(
                "error: cannot fit L(c): loss has zero variance (2.5 at all 4 points), so no exponent is"
                        + " determined\n",
                r[2]);
    }

    @Test
    void aLossThatGrowsWithTheInputIsFittedWithAWarning(@TempDir Path dir) throws Exception {
        // loss = 0.5 * c^0.3 exactly: a power law with alpha = -0.3
        StringBuilder csv = new StringBuilder("c,loss\n");
        for (int i = 0; i < 8; i++) {
            double c = Math.pow(10, i);
            csv.append(c).append(',').append(0.5 * Math.pow(c, 0.3)).append('\n');
        }
        Path table = Files.writeString(dir.resolve("up.csv"), csv.toString());
        String[] r = Cli.run(
                "fit",
                "--law",
                "power",
                "--table",
                table.toString(),
                "--x",
                "c",
                "--huber",
                "Infinity",
                "--bootstrap",
                "20");
        assertEquals("0", r[0], r[2]);
        assertTrue(
                r[1].contains("warning: alpha = -0.3000 < 0: the fit has loss growing with c; a scaling law's exponent"
                        + " is > 0, so check that the input is the quantity the law expects"),
                r[1]);
        assertTrue(r[1].contains("L-BFGS stopped with "), r[1]);
    }
}
