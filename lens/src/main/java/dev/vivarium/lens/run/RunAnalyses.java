package dev.vivarium.lens.run;

import dev.vivarium.store.io.AtomicFiles;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import javax.imageio.ImageIO;

/**
 * Runs named analyses on a run directory and writes them under its {@code analyses/}: each
 * per-checkpoint analysis to {@code <name>/step_<8 digits>.json} with its picture beside it ({@code .png}),
 * a whole-run one to {@code <name>.json} and {@code <name>.png} (progress also writes {@code progress.csv}),
 * and prints each one's summary line. This is what {@code vivarium lens} calls; a recipe's {@code lens:}
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
            long last = all.get(all.size() - 1);
            List<Long> steps = every ? all : List.of(checkpoint.orElse(last));
            for (long step : steps) {
                run.requireCheckpoint(step); // before any analysis writes a file
            }
            for (Analysis a : analyses) {
                for (long step : a.perCheckpoint() ? steps : List.of(last)) {
                    long t0 = System.nanoTime();
                    List<Path> files = write(run, a, step, a.run(run, step), log);
                    written.addAll(files);
                    log.printf(Locale.ROOT, "  -> %s (%.1f s)%n", files.get(0), (System.nanoTime() - t0) / 1e9);
                }
            }
        }
        return written;
    }

    /**
     * Writes {@code out} as {@code a}'s JSON (headed by run, step and analysis) and its picture beside it,
     * atomically, and prints the summary; returns the files, JSON first.
     */
    static List<Path> write(LensRun run, Analysis a, long step, Output out, PrintStream log) throws IOException {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("run", run.dir().id());
        json.put(a.perCheckpoint() ? "step" : "last_step", step);
        json.put("analysis", a.cliName());
        json.putAll(out.json());
        json.put("summary", out.summary());
        String file = a.file(step);
        List<Path> files = new ArrayList<>(List.of(run.writeJson(file, json)));
        if (out.picture().isPresent()) {
            Path png = run.dir().analysesDir().resolve(file.replaceAll("\\.json$", ".png"));
            Files.createDirectories(png.getParent());
            AtomicFiles.write(png, o -> ImageIO.write(out.picture().get(), "png", o));
            files.add(png);
        }
        log.printf(Locale.ROOT, "%s%s: %s%n", a.cliName(), a.perCheckpoint() ? " at step " + step : "", out.summary());
        return files;
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
