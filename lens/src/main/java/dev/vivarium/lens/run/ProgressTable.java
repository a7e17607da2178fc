package dev.vivarium.lens.run;

import dev.vivarium.core.task.ModularArithmetic;
import dev.vivarium.core.task.TaskConfig;
import dev.vivarium.lens.fourier.EmbeddingFourier;
import dev.vivarium.lens.fourier.ModularForward;
import dev.vivarium.lens.progress.Phases;
import dev.vivarium.lens.progress.ProgressMeasures;
import dev.vivarium.lens.progress.ProgressRow;
import java.io.IOException;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

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
        EmbeddingFourier finalEmbedding =
                ModularForward.run(run.model(), task, run.manager()).embedding();
        List<Integer> keys = finalEmbedding.keyFrequencies(CheckpointAnalyses.KEY_FRACTION);
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
        Phases phases = Phases.readOff(rows);
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("run", run.dir().id());
        out.put("key_frequencies", keys);
        out.put("key_frequencies_from_step", last);
        out.put("key_fraction_of_embedding_energy", finalEmbedding.fractionCarried(keys));
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
                "memorised: first checkpoint with train accuracy >= 99.9%; circuit formation starts at the lowest"
                        + " excluded loss between memorisation and clean-up; a loss 'falls' at the first checkpoint after its peak where its"
                        + " log has come down 10% of the way to its final value; clean-up starts when the test loss falls and ends at 90%");
        out.put("table", "progress.csv");
        run.writeText("progress.csv", csv.toString());
        run.writeJson("progress.json", out);
        return out;
    }
}
