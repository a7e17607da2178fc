package dev.vivarium.lens.run;

import dev.vivarium.core.task.ModularArithmetic;
import dev.vivarium.core.task.TaskConfig;
import dev.vivarium.lens.fourier.EmbeddingFourier;
import dev.vivarium.lens.fourier.FourierLosses;
import dev.vivarium.lens.fourier.KeyFrequencies;
import dev.vivarium.lens.fourier.ModularForward;
import dev.vivarium.lens.fourier.NeuronFrequencies;
import dev.vivarium.lens.progress.Phases;
import dev.vivarium.lens.progress.ProgressMeasures;
import dev.vivarium.lens.progress.ProgressRow;
import dev.vivarium.numeric.event.Memorisation;
import dev.vivarium.store.run.MetricLog;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;

/**
 * The progress measures at every checkpoint of a run, with the key frequencies of its last
 * checkpoint (as Nanda et al.): {@code analyses/progress.csv} (written here) and the JSON of key
 * frequencies, definitions and the phases read off the table (written by the caller as {@code progress.json}).
 */
final class ProgressTable {
    private ProgressTable() {}

    static Output run(LensRun run) throws IOException {
        ModularArithmetic task = CheckpointAnalyses.modular(run);
        List<Long> steps = run.checkpoints();
        if (steps.isEmpty()) {
            throw new IllegalArgumentException("run " + run.dir().id() + " has no checkpoints");
        }
        long last = steps.get(steps.size() - 1);
        run.load(last);
        ModularForward finalForward = ModularForward.run(run.model(), task, run.manager());
        EmbeddingFourier finalEmbedding = finalForward.embedding();
        KeyFrequencies.Result found = KeyFrequencies.DEFAULT.of(
                NeuronFrequencies.of(finalForward.neurons(), finalForward.p()), finalEmbedding);
        List<Integer> keys = found.keys();
        TaskConfig.Data data = run.data();
        List<ProgressRow> rows = new ArrayList<>();
        StringBuilder csv = new StringBuilder(ProgressRow.header()).append('\n');
        for (long step : steps) {
            run.load(step);
            ProgressRow r = ProgressMeasures.at(step, run.model(), task, data.split(), keys, run.manager());
            rows.add(r);
            csv.append(r.csv()).append('\n');
        }
        OptionalLong memorised = memorisation(run);
        Phases phases = Phases.readOff(rows, memorised);
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("run", run.dir().id());
        out.put("key_frequencies", keys);
        out.put("key_frequencies_from_step", last);
        out.put("key_frequency_rule", KeyFrequencies.DEFAULT.definition());
        out.put("key_frequency_evidence", found.evidence());
        out.put("key_fraction_of_embedding_energy", finalEmbedding.fractionCarried(keys));
        out.put("restricted_loss_definition", FourierLosses.RESTRICTED + "; keys of step " + last + " at every step");
        out.put("excluded_loss_definition", FourierLosses.EXCLUDED + "; keys of step " + last + " at every step");
        out.put("memorisation_definition", Memorisation.DEFAULT.definition() + " (read from metrics.jsonl)");
        out.put(
                "memorised_at",
                phases.memorised().isPresent() ? phases.memorised().getAsLong() : null);
        out.put(
                "circuit_formation_starts_at",
                phases.circuitFormationStarts().isPresent()
                        ? phases.circuitFormationStarts().getAsLong()
                        : null);
        out.put(
                "cleanup_starts_at",
                phases.cleanupStarts().isPresent() ? phases.cleanupStarts().getAsLong() : null);
        out.put(
                "cleanup_ends_at",
                phases.cleanupEnds().isPresent() ? phases.cleanupEnds().getAsLong() : null);
        out.put(
                "restricted_loss_falls_at",
                phases.restrictedFalls().isPresent() ? phases.restrictedFalls().getAsLong() : null);
        out.put(
                "test_loss_falls_at",
                phases.testFalls().isPresent() ? phases.testFalls().getAsLong() : null);
        out.put(
                "rules",
                "memorised: see memorisation_definition; circuit formation starts at the lowest"
                        + " excluded loss between memorisation and clean-up; a loss 'falls' at the first checkpoint after its peak where its"
                        + " log has come down 10% of the way to its final value; clean-up starts when the test loss falls and ends at 90%");
        out.put("table", "progress.csv");
        out.put("checkpoints", steps);
        run.writeText("progress.csv", csv.toString());
        String summary = String.format(
                java.util.Locale.ROOT,
                "keys %s (from step %d); memorised at %s (metric log), circuit formation from %s, clean-up %s-%s;"
                        + " final restricted loss %.3g (all inputs), excluded loss %.3g (train)",
                keys,
                last,
                out.get("memorised_at"),
                out.get("circuit_formation_starts_at"),
                out.get("cleanup_starts_at"),
                out.get("cleanup_ends_at"),
                rows.get(rows.size() - 1).restrictedLoss(),
                rows.get(rows.size() - 1).excludedLoss());
        return new Output(out, summary, java.util.Optional.of(picture(run.dir().id(), rows, phases, keys, last)));
    }

    /** Losses against step (log-log), the phase boundaries as vertical lines. */
    static java.awt.image.BufferedImage picture(
            String id, List<ProgressRow> rows, Phases phases, List<Integer> keys, long keyStep) {
        org.knowm.xchart.XYChart c = Pictures.lines(
                id + ": progress measures (keys " + keys + " from step " + keyStep + ")",
                "step (log)",
                "loss (log)",
                true,
                true);
        double[] step = rows.stream().mapToDouble(ProgressRow::step).toArray();
        Pictures.line(c, "train loss", step, col(rows, ProgressRow::trainLoss), Pictures.BLUE, false);
        Pictures.line(c, "test loss", step, col(rows, ProgressRow::testLoss), Pictures.RED, false);
        Pictures.line(
                c, "restricted loss (all inputs)", step, col(rows, ProgressRow::restrictedLoss), Pictures.GREEN, false);
        Pictures.line(c, "excluded loss (train)", step, col(rows, ProgressRow::excludedLoss), Pictures.ORANGE, false);
        double lo = Double.POSITIVE_INFINITY;
        double hi = 0;
        for (ProgressRow r : rows) {
            for (double v : new double[] {r.trainLoss(), r.testLoss(), r.restrictedLoss(), r.excludedLoss()}) {
                if (v > 0 && Double.isFinite(v)) {
                    lo = Math.min(lo, v);
                    hi = Math.max(hi, v);
                }
            }
        }
        boundary(c, "memorised", phases.memorised(), lo, hi, java.awt.Color.BLACK);
        boundary(c, "circuit formation", phases.circuitFormationStarts(), lo, hi, Pictures.GREY);
        boundary(c, "clean-up starts", phases.cleanupStarts(), lo, hi, new java.awt.Color(0x9467bd));
        boundary(c, "clean-up ends", phases.cleanupEnds(), lo, hi, new java.awt.Color(0x8c564b));
        return Pictures.image(c);
    }

    private static void boundary(
            org.knowm.xchart.XYChart c, String name, OptionalLong step, double lo, double hi, java.awt.Color color) {
        if (step.isPresent() && step.getAsLong() > 0) {
            double x = step.getAsLong();
            Pictures.line(
                    c, name + " (" + step.getAsLong() + ")", new double[] {x, x}, new double[] {lo, hi}, color, true);
        }
    }

    private static double[] col(List<ProgressRow> rows, java.util.function.ToDoubleFunction<ProgressRow> f) {
        return rows.stream().mapToDouble(f).toArray();
    }

    /** The memorisation step of the run's metric log ({@link Memorisation#DEFAULT}). */
    static OptionalLong memorisation(LensRun run) throws IOException {
        List<Map<String, Double>> log = new MetricLog(run.dir().metricsFile()).read();
        List<Map<String, Double>> rows = log.stream()
                .filter(r -> r.containsKey("step") && r.containsKey("train_acc"))
                .toList();
        long[] steps = rows.stream().mapToLong(r -> r.get("step").longValue()).toArray();
        double[] acc = rows.stream().mapToDouble(r -> r.get("train_acc")).toArray();
        return Memorisation.DEFAULT.step(steps, acc);
    }
}
