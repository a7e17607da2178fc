package dev.vivarium.lens.run;

import dev.vivarium.core.recipe.Recipe;
import dev.vivarium.core.run.RunListener;
import dev.vivarium.core.train.Trainer;
import dev.vivarium.store.run.RunDir;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Runs a recipe's {@code lens:} analyses while it trains: each per-checkpoint analysis as soon as
 * a checkpoint is written, and the whole-run ones (the progress table) when training completes.
 *
 * <p>It reads the checkpoint files, into a model of its own, so training's model, gradients and
 * random state are untouched. A failing analysis is reported and skipped; training goes on.
 */
public final class LensListener implements RunListener {
    private final List<Analysis> analyses;
    private final PrintStream log;
    private RunDir run;
    private LensRun lens;

    private LensListener(List<Analysis> analyses, PrintStream log) {
        this.analyses = analyses;
        this.log = log;
    }

    /** The listener for a recipe's {@code lens:} block, if it names any analysis; bad names fail here. */
    public static Optional<LensListener> forRecipe(Recipe recipe, PrintStream log) {
        RunAnalyses.validate(recipe.lens());
        return recipe.lens().filter(l -> !l.isEmpty()).map(l -> new LensListener(Analysis.parseAll(l), log));
    }

    @Override
    public void onRun(RunDir run) {
        this.run = run;
    }

    /** Raised by the trainer once a checkpoint is on disk: no polling, no dependence on listener order. */
    @Override
    public void onCheckpoint(Trainer trainer, long step, Path weights) {
        atCheckpoint(step);
    }

    @Override
    public void onEnd(Trainer trainer, long step) {
        try {
            if (!trainer.stopRequested()) {
                for (Analysis a : analyses) {
                    if (!a.perCheckpoint()) {
                        attempt(a, step, () -> {
                            long last = lastCheckpoint();
                            return RunAnalyses.write(lens(), a, last, a.run(lens(), last), log);
                        });
                    }
                }
            }
        } finally {
            if (lens != null) {
                lens.close();
                lens = null;
            }
        }
    }

    /** Analyses the checkpoint of {@code step} with every per-checkpoint analysis not yet run on it. */
    private void atCheckpoint(long step) {
        if (run == null) {
            throw new IllegalStateException("LensListener needs its run: attach it through Experiment.start or resume");
        }
        for (Analysis a : analyses) {
            if (a.perCheckpoint() && !Files.exists(run.analysesDir().resolve(LensRun.perStep(a.cliName(), step)))) {
                attempt(a, step, () -> RunAnalyses.write(lens(), a, step, a.run(lens(), step), log));
            }
        }
    }

    private interface Work {
        Object run() throws IOException;
    }

    private void attempt(Analysis a, long step, Work work) {
        long t0 = System.nanoTime();
        try {
            work.run();
            log.printf(
                    Locale.ROOT, "lens: %s at step %d (%.1f s)%n", a.cliName(), step, (System.nanoTime() - t0) / 1e9);
        } catch (IOException | RuntimeException e) {
            log.printf(Locale.ROOT, "lens: %s at step %d failed, training goes on: %s%n", a.cliName(), step, e);
        }
    }

    private long lastCheckpoint() throws IOException {
        List<Long> steps = lens().checkpoints();
        return steps.get(steps.size() - 1);
    }

    private LensRun lens() throws IOException {
        if (lens == null) {
            lens = LensRun.open(run.root());
        }
        return lens;
    }
}
