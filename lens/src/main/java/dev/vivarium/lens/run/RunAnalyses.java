package dev.vivarium.lens.run;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Runs named analyses on a run directory and writes them under its {@code analyses/}: each
 * per-checkpoint analysis to {@code <name>/step_<8 digits>.json}, progress to {@code progress.csv}
 * and {@code progress.json}. This is what {@code vivarium lens} calls; a recipe's {@code lens:}
 * block runs through {@link LensListener} while the run trains.
 */
public final class RunAnalyses {
    private RunAnalyses() {}

    /**
     * @param checkpoint the checkpoint to analyse; absent: the last one (ignored when {@code every})
     * @param every analyse every checkpoint
     * @return the files written
     */
    public static List<Path> run(
            Path runDir, List<String> names, Optional<Long> checkpoint, boolean every, PrintStream log)
            throws IOException {
        List<Analysis> analyses = Analysis.parseAll(names);
        List<Path> written = new ArrayList<>();
        try (LensRun run = LensRun.open(runDir)) {
            List<Long> all = run.checkpoints();
            if (all.isEmpty()) {
                throw new IllegalArgumentException("run " + run.dir().id() + " has no checkpoints to analyse");
            }
            List<Long> steps = every ? all : List.of(checkpoint.orElse(all.get(all.size() - 1)));
            for (Analysis a : analyses) {
                if (!a.perCheckpoint()) {
                    ProgressTable.run(run, log);
                    written.add(run.dir().analysesDir().resolve("progress.csv"));
                    written.add(run.dir().analysesDir().resolve("progress.json"));
                    continue;
                }
                for (long step : steps) {
                    long t0 = System.nanoTime();
                    Map<String, Object> result = CheckpointAnalyses.run(a, run, step);
                    Path file = run.writeJson(LensRun.perStep(a.cliName(), step), result);
                    written.add(file);
                    log.printf(
                            java.util.Locale.ROOT,
                            "%s at step %d: %s (%.1f s)%n",
                            a.cliName(),
                            step,
                            file,
                            (System.nanoTime() - t0) / 1e9);
                }
            }
        }
        return written;
    }

    /** Checks a recipe's {@code lens:} block before any training; the error names the field. */
    public static void validate(Optional<List<String>> lens) {
        try {
            lens.filter(l -> !l.isEmpty()).ifPresent(Analysis::parseAll);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("lens: " + e.getMessage(), e);
        }
    }
}
