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
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;

/**
 * The progress measures at every checkpoint of a run, with the key frequencies of its last
 * checkpoint (as Nanda et al.): {@code analyses/progress.csv} and {@code analyses/progress.json}
 * (key frequencies and the phases read off the table).
 */
final class ProgressTable {
    private ProgressTable() {}

    static Map<String, Object> run(LensRun run, PrintStream log) throws IOException {
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
            log.printf(
                    java.util.Locale.ROOT,
                    "step %d: train %.3g test %.3g restricted %.3g excluded %.3g%n",
                    step,
                    r.trainLoss(),
                    r.testLoss(),
                    r.restrictedLoss(),
                    r.excludedLoss());
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
        run.writeJson("progress.json", out);
        return out;
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
