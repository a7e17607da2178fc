package dev.vivarium.lens.timeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vivarium.store.run.RunDir;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The timeline on series whose stages are planted: a loss that sits on a plateau, falls between two known
 * steps and settles, an accuracy that rises over the same steps, and a third measure that jumps once, alone,
 * much earlier. The detector must put a stage boundary where the two move together (and where they settle),
 * and none at the lone jump, which one measure alone does not make a stage.
 */
class TimelineTest {
    /** 40 log-spaced steps from 1 to 10,000, as a run's checkpoints are. */
    private static double[] steps() {
        double[] s = new double[40];
        for (int i = 0; i < s.length; i++) {
            s[i] = Math.round(Math.pow(10_000, i / 39.0));
        }
        for (int i = 1; i < s.length; i++) {
            s[i] = Math.max(s[i], s[i - 1] + 1);
        }
        return s;
    }

    /** 0 before {@code a}, 1 after {@code b}, linear in log-step between. */
    private static double ramp(double step, double a, double b) {
        return step <= a ? 0 : step >= b ? 1 : Math.log(step / a) / Math.log(b / a);
    }

    private static List<Measure> planted(long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        double[] x = steps();
        double[] loss = new double[x.length];
        double[] acc = new double[x.length];
        double[] other = new double[x.length];
        for (int i = 0; i < x.length; i++) {
            double t = ramp(x[i], 1000, 2500);
            loss[i] = Math.exp(Math.log(2.0) * (1 - t) + Math.log(1e-3) * t + 0.01 * r.nextGaussian());
            acc[i] = 0.3 + 0.7 * t - 0.001 * Math.abs(r.nextGaussian()) * (1 - t);
            other[i] = (x[i] < 30 ? -1.0 : 4.0) + 0.01 * r.nextGaussian();
        }
        return List.of(
                new Measure("test_loss", "planted", x, loss),
                new Measure("test_acc", "planted", x, acc),
                new Measure("llc", "planted", x, other));
    }

    @Test
    void aStageOpensWhereTwoMeasuresMoveTogetherAndNotAtALoneJump() {
        for (long seed = 0; seed < 5; seed++) {
            Timeline.Result r = Timeline.DEFAULT.detect(planted(seed));
            List<Timeline.Stage> stages = r.stages();
            assertTrue(stages.size() >= 2, "seed " + seed + ": " + r);
            Timeline.Stage opened = stages.get(1);
            assertTrue(
                    opened.fromStep() >= 1000 / 1.6 && opened.fromStep() <= 1000 * 1.6,
                    "seed " + seed + ": the fall starts at 1000, the first stage boundary is at " + opened.fromStep());
            assertTrue(opened.opensWith().containsAll(List.of("test_loss", "test_acc")), opened.toString());
            for (Timeline.Stage s : stages) {
                assertFalse(
                        s.fromStep() > 10 && s.fromStep() < 100, "seed " + seed + ": a lone jump made a stage " + s);
            }
            // the lone jump is still found as that measure's own change
            Timeline.MeasureChanges llc = r.changes().get(2);
            assertEquals("linear", llc.transform());
            assertTrue(
                    llc.changes().stream().anyMatch(c -> c.step() >= 20 && c.step() <= 45),
                    "seed " + seed + ": the jump at step 30 is llc's change point: " + llc);
            // direction read back through the transform: the loss falls, the accuracy rises
            Timeline.MeasureChanges loss = r.changes().get(0);
            Timeline.MeasureChanges acc = r.changes().get(1);
            assertEquals("log", loss.transform());
            assertEquals("log-error", acc.transform());
            assertEquals("falls", loss.changes().get(0).direction());
            assertEquals("rises", acc.changes().get(0).direction());
        }
    }

    @Test
    void accuraciesAreKnownByTheirNames() {
        double[] x = {1, 2};
        for (String n : List.of("test_acc", "test_acc_repeat", "train_exact", "probe.accuracy")) {
            assertTrue(new Measure(n, "t", x, x).accuracy(), n);
        }
        for (String n : List.of("test_loss", "accumulated", "llc", "heads.copying.max_L1")) {
            assertFalse(new Measure(n, "t", x, x).accuracy(), n);
        }
    }

    @Test
    void aFlatRunHasOneStage() {
        double[] x = steps();
        double[] y = new double[x.length];
        java.util.Arrays.fill(y, 0.5);
        Timeline.Result r = Timeline.DEFAULT.detect(List.of(new Measure("gini_embed", "planted", x, y)));
        assertEquals(1, r.stages().size());
        assertEquals("constant over the run", r.changes().get(0).note().orElseThrow());
    }

    @Test
    void measuresAreReadFromTheMetricLogAndTheAnalysesAndABrokenFileIsNamed(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("config.yaml"), "name: x\n");
        StringBuilder metrics = new StringBuilder();
        for (int s = 0; s <= 100; s += 10) {
            metrics.append(String.format(
                    Locale.ROOT,
                    "{\"step\":%d,\"train_loss\":%s,\"test_acc\":%s,\"lr\":0.001,\"wall_s\":%d,\"norm.embed.W_E\":3.0,"
                            + "\"weight_norm\":%s}\n",
                    s,
                    1.0 / (s + 1),
                    s / 100.0,
                    s,
                    10.0 + s));
        }
        Files.writeString(dir.resolve("metrics.jsonl"), metrics);
        Path analyses = Files.createDirectories(dir.resolve("analyses"));
        Files.writeString(
                analyses.resolve("llc.json"),
                "{\"checkpoints\":[{\"step\":0,\"llc\":1.5},{\"step\":50,\"llc\":7.25},{\"step\":100,\"llc\":9.0}]}");
        Path sharp = Files.createDirectories(analyses.resolve("sharpness"));
        Files.writeString(sharp.resolve("step_00000050.json"), "{\"step\":50,\"top_hessian_eigenvalue\":12.5}");
        Files.writeString(sharp.resolve("step_00000100.json"), "{\"step\":100,\"top_hessian_eigenvalue\":");
        Path probe = Files.createDirectories(analyses.resolve("probe"));
        Files.writeString(
                probe.resolve("step_00000100.json"),
                "{\"step\":100,\"examples\":64,\"accuracy\":0.875,\"note\":\"text is not a measure\"}");
        Files.writeString(
                analyses.resolve("heads.json"),
                "{\"checkpoints\":[{\"step\":10,\"icl_score\":-0.5,\"prefix_matching\":[[0.1,0.3],[0.2,0.05]],"
                        + "\"loss_by_position\":[1,2]},{\"step\":20,\"icl_score\":-1.5,"
                        + "\"prefix_matching\":[[0.1,0.2],[0.9,0.4]]}]}");
        Measures.Read read = Measures.read(RunDir.open(dir));
        List<String> names = new ArrayList<>();
        read.measures().forEach(m -> names.add(m.name()));
        assertEquals(
                List.of(
                        "train_loss",
                        "test_acc",
                        "weight_norm",
                        "llc",
                        "heads.icl_score",
                        "heads.prefix_matching.max_L0",
                        "heads.prefix_matching.max_L1",
                        "probe.accuracy",
                        "sharpness"),
                names);
        assertEquals(
                List.of(0.2, 0.9),
                java.util.Arrays.stream(read.measures().get(6).values()).boxed().toList());
        assertEquals(
                List.of(0.3, 0.2),
                java.util.Arrays.stream(read.measures().get(5).values()).boxed().toList());
        Measure llc = read.measures().get(3);
        assertEquals(7.25, llc.values()[1]);
        assertEquals(50.0, llc.steps()[1]);
        assertEquals(11, read.measures().get(0).size());
        assertEquals(1, read.measures().get(8).size(), "the torn sharpness file is left out");
        assertEquals(1, read.problems().size(), read.problems().toString());
        assertTrue(
                read.problems().get(0).startsWith("analyses/sharpness/step_00000100.json: "),
                read.problems().get(0));
    }
}
