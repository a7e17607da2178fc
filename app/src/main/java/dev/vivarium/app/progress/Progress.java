package dev.vivarium.app.progress;

import dev.vivarium.core.train.TrainListener;
import dev.vivarium.core.train.Trainer;
import java.io.PrintStream;
import java.util.Locale;
import java.util.Map;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

/**
 * Shows a run's progress: a progress bar with the latest losses when attached to a terminal, and
 * otherwise (Slurm logs, CI) a plain line at most every {@code intervalSeconds}.
 */
public final class Progress implements TrainListener, AutoCloseable {
    private final boolean terminal;
    private final PrintStream out;
    private final double intervalSeconds;
    private ProgressBar bar;
    private long lastPrint;
    private Map<String, Double> lastRow = Map.of();

    public Progress(boolean terminal, PrintStream out, double intervalSeconds) {
        this.terminal = terminal;
        this.out = out;
        this.intervalSeconds = intervalSeconds;
    }

    /** A terminal progress bar when there is a console, plain lines every 10 s otherwise. */
    public static Progress forConsole(PrintStream out) {
        return new Progress(System.console() != null && System.getenv("VIVARIUM_PLAIN") == null, out, 10);
    }

    @Override
    public void onStart(Trainer trainer, long step) {
        if (terminal) {
            bar = new ProgressBarBuilder()
                    .setTaskName("train")
                    .setInitialMax(trainer.config().steps())
                    .setStyle(ProgressBarStyle.COLORFUL_UNICODE_BLOCK)
                    .setUpdateIntervalMillis(250)
                    .continuousUpdate()
                    .build();
            bar.stepTo(step);
        }
        lastPrint = System.nanoTime();
    }

    @Override
    public void onStep(Trainer trainer, long step) {
        if (bar != null) {
            bar.stepTo(step);
        } else if ((System.nanoTime() - lastPrint) / 1e9 >= intervalSeconds) {
            lastPrint = System.nanoTime();
            out.println(line(step, trainer.config().steps()));
            out.flush();
        }
    }

    @Override
    public void onLog(Trainer trainer, long step, Map<String, Double> row) {
        lastRow = row;
        if (bar != null) {
            bar.setExtraMessage(summary(row));
        }
    }

    @Override
    public void onEnd(Trainer trainer, long step) {
        close();
        out.println(line(step, trainer.config().steps()));
        out.flush();
    }

    private String line(long step, long total) {
        return String.format(Locale.ROOT, "step %d/%d %s", step, total, summary(lastRow));
    }

    static String summary(Map<String, Double> r) {
        if (r.isEmpty()) {
            return "";
        }
        String loss = String.format(
                Locale.ROOT,
                "train_loss %.4g test_loss %.4g",
                r.getOrDefault("train_loss", Double.NaN),
                r.getOrDefault("test_loss", Double.NaN));
        if (!r.containsKey("train_acc") && !r.containsKey("test_acc")) {
            return loss; // a regression logs no accuracy
        }
        return loss
                + String.format(
                        Locale.ROOT,
                        " train_acc %.3f test_acc %.3f",
                        r.getOrDefault("train_acc", Double.NaN),
                        r.getOrDefault("test_acc", Double.NaN));
    }

    @Override
    public void close() {
        if (bar != null) {
            bar.close();
            bar = null;
        }
    }
}
