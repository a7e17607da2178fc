package dev.vivarium.app.cmd;

import dev.vivarium.app.progress.Progress;
import dev.vivarium.app.report.Curves;
import dev.vivarium.core.recipe.Recipe;
import dev.vivarium.core.train.TrainListener;
import dev.vivarium.lens.run.LensListener;
import dev.vivarium.store.run.RunDir;
import dev.vivarium.store.run.RunState;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** What {@code run} and {@code resume} share: the listeners a training gets, and the report after it. */
final class Training {
    private Training() {}

    /** The progress display, plus the analyses of the recipe's {@code lens:} block if it has one. */
    static List<TrainListener> listeners(Recipe recipe, Progress progress) {
        List<TrainListener> listeners = new ArrayList<>(List.of(progress));
        LensListener.forRecipe(recipe, System.out).ifPresent(listeners::add);
        return listeners;
    }

    /**
     * One line per member of a population (state, last step, final losses and accuracies) and each completed
     * member's curves. Returns the exit code (3: some member did not complete).
     */
    static int reportPopulation(Path folder, List<Path> members, PrintWriter out) throws IOException {
        int code = 0;
        out.println("population " + folder.getFileName() + " in " + folder + ": " + members.size() + " members");
        for (Path m : members) {
            RunDir run = RunDir.open(m);
            RunState state = run.readStatus().state();
            java.util.Optional<java.util.Map<String, Double>> last =
                    run.metrics().last();
            StringBuilder line = new StringBuilder("  " + run.id() + "  " + state);
            last.ifPresent(row -> {
                for (String k : List.of("step", "train_loss", "test_loss", "train_acc", "test_acc")) {
                    if (row.containsKey(k)) {
                        line.append(String.format(java.util.Locale.ROOT, "  %s %.4g", k, row.get(k)));
                    }
                }
            });
            run.readStatus()
                    .message()
                    .ifPresent(msg -> line.append("  (").append(msg).append(')'));
            out.println(line);
            if (state == RunState.COMPLETED) {
                Curves.write(
                        run.root().resolve("curves.png"),
                        folder.getFileName() + "/" + run.id(),
                        run.metrics().read());
            } else {
                code = 3;
            }
        }
        out.flush();
        return code;
    }

    /** Describes the run; draws its curves when it completed. Returns the exit code (3: not completed). */
    static int report(RunDir run, PrintWriter out) throws IOException {
        try {
            if (run.readStatus().state() != RunState.COMPLETED) {
                out.println(ShowCommand.describe(run));
                return 3;
            }
            Path png = run.root().resolve("curves.png");
            Curves.write(png, run.id(), run.metrics().read());
            out.println("run " + run.id() + " in " + run.root());
            out.println(ShowCommand.describe(run));
            out.println("curves: " + png);
            return 0;
        } finally {
            out.flush();
        }
    }
}
