package dev.vivarium.app.cmd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vivarium.store.run.MetricLog;
import dev.vivarium.store.run.RunDir;
import dev.vivarium.store.run.RunState;
import dev.vivarium.store.run.RunStatus;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** predict resolve uses only runs started after the registration, unless told otherwise, and says so. */
class PredictResolveTest {

    /** A finished run that memorises at step 100 and whose test loss drops from 3 to 0.02 at step 700. */
    private static void run(Path runs, String id, Instant startedAt) throws Exception {
        RunDir run = RunDir.create(runs.resolve(id));
        run.writeConfig("name: grokking\n");
        RunStatus s = RunStatus.startingNow("grokking", 1000).withState(RunState.COMPLETED, Optional.empty());
        run.writeStatus(new RunStatus(
                s.state(), s.recipe(), s.pid(), s.host(), startedAt, startedAt, 1000, 1000, Optional.empty()));
        try (MetricLog log = new MetricLog(run.metricsFile())) {
            for (int step = 0; step <= 1000; step += 50) {
                log.append(Map.of(
                        "step", step, "train_acc", step >= 100 ? 1.0 : 0.1, "test_loss", step >= 700 ? 0.02 : 3.0));
            }
        }
    }

    @Test
    void anEarlierRunIsRefusedNamedAndOnlyUsedWhenAllowedAsNotPreRegistered(@TempDir Path dir) throws Exception {
        Path runs = dir.resolve("runs");
        run(runs, "early", Instant.parse("2020-01-01T00:00:00Z"));
        String reg = dir.resolve("reg").toString();
        String[] add = Cli.run(
                "predict",
                "add",
                "--registry",
                reg,
                "--author",
                "ada",
                "--recipe",
                "grokking",
                "--quantity",
                "grok_step",
                "--interval",
                "600,800");
        assertEquals("0", add[0], add[2]);
        String id = add[1].split("\\s+")[1];
        String registered = add[1].split("\\s+")[3];
        String[] refused = Cli.run("predict", "resolve", "--registry", reg, id, "--runs", runs.toString());
        assertEquals("2", refused[0]);
        assertEquals(
                "error: the prediction was registered at " + registered + " and every matching run started before"
                        + " it: early (started 2020-01-01T00:00:00Z); a prediction resolves only against runs started"
                        + " after its registration (--allow-earlier-runs uses them and marks the resolution as not"
                        + " pre-registered)\n",
                refused[2]);
        String[] allowed =
                Cli.run("predict", "resolve", "--registry", reg, id, "--runs", runs.toString(), "--allow-earlier-runs");
        assertEquals("0", allowed[0], allowed[2]);
        assertTrue(
                allowed[1].contains(
                        "grok_step = 700.0 from runs early (started 2020-01-01T00:00:00Z); NOT" + " pre-registered"),
                allowed[1]);
        String ledger = Files.readString(Path.of(reg, "predictions.ledger"));
        assertTrue(ledger.contains("\"preRegistered\":false"), ledger);
        assertTrue(ledger.contains("\"runs\":[{\"id\":\"early\",\"startedAt\":\"2020-01-01T00:00:00Z\"}]"), ledger);
        assertTrue(Cli.run("predict", "list", "--registry", reg)[1].contains("(NOT pre-registered)"));
    }

    @Test
    void aLaterRunResolvesAndVerifyChecksAPublishedHead(@TempDir Path dir) throws Exception {
        String reg = dir.resolve("reg").toString();
        String[] add = Cli.run(
                "predict",
                "add",
                "--registry",
                reg,
                "--author",
                "ada",
                "--recipe",
                "grokking",
                "--quantity",
                "grok_step",
                "--event",
                "<= 800",
                "--probability",
                "0.7");
        String id = add[1].split("\\s+")[1];
        String[] verify = Cli.run("predict", "verify", "--registry", reg);
        assertEquals("0", verify[0], verify[1]);
        assertTrue(verify[1].contains("head " + id + "\n"), verify[1]); // one entry: the head is its hash
        Path runs = dir.resolve("runs");
        run(runs, "late", Instant.now().plusSeconds(5));
        String[] r = Cli.run("predict", "resolve", "--registry", reg, id, "--runs", runs.toString());
        assertEquals("0", r[0], r[2]);
        assertTrue(r[1].contains("grok_step = 700.0 from runs late (started "), r[1]);
        String[] still = Cli.run("predict", "verify", "--registry", reg, "--head", id);
        assertEquals("0", still[0], still[1]);
        assertTrue(still[1].contains("published head " + id.substring(0, 12) + " is line 1"), still[1]);
        String[] other = Cli.run("predict", "verify", "--registry", reg, "--head", "ab".repeat(32));
        assertEquals("1", other[0], other[1]);
        assertTrue(other[1].contains("DAMAGED published head abababababab is not in this ledger"), other[1]);
    }
}
