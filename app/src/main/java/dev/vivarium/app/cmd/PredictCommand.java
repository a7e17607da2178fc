package dev.vivarium.app.cmd;

import dev.vivarium.laws.detect.Grokking;
import dev.vivarium.laws.predict.Forecast;
import dev.vivarium.laws.predict.Prediction;
import dev.vivarium.laws.predict.PredictionRegistry;
import dev.vivarium.laws.predict.Resolution;
import dev.vivarium.laws.predict.Resolver;
import dev.vivarium.laws.predict.Score;
import dev.vivarium.laws.predict.Scorecard;
import dev.vivarium.laws.predict.Target;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code vivarium predict add|list|resolve|score}: the prediction registry. */
@Command(
        name = "predict",
        mixinStandardHelpOptions = true,
        description = "Register predictions before the runs, resolve them after, and score them.",
        subcommands = {
            PredictCommand.Add.class,
            PredictCommand.ListAll.class,
            PredictCommand.Resolve.class,
            PredictCommand.ScoreAll.class
        })
public final class PredictCommand implements Runnable {
    @Spec
    CommandSpec spec;

    @Option(
            names = "--registry",
            paramLabel = "DIR",
            defaultValue = ".",
            scope = picocli.CommandLine.ScopeType.INHERIT,
            description = "Directory holding predictions/ and resolutions/. Default: the current directory.")
    Path registry;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    PredictionRegistry open() {
        return new PredictionRegistry(registry);
    }

    /** {@code predict add}: locks a new prediction (or an amendment of one). */
    @Command(
            name = "add",
            mixinStandardHelpOptions = true,
            description = "Register a prediction; it is locked by its hash.")
    static final class Add implements Callable<Integer> {
        @ParentCommand
        PredictCommand parent;

        @Spec
        CommandSpec spec;

        @Option(names = "--author", required = true)
        String author;

        @Option(names = "--tag")
        List<String> tags = new ArrayList<>();

        @Option(names = "--recipe", required = true)
        String recipe;

        @Option(names = "--where", paramLabel = "KEY=VALUE", description = "Config values the runs must have.")
        Map<String, String> where = Map.of();

        @Option(
                names = "--quantity",
                required = true,
                description = "A metric (test_loss) or grok_step, memorisation_step, grok_delay, grokked.")
        String quantity;

        @Option(names = "--reduce", defaultValue = "final", description = "final, min or max of a metric's log.")
        String reduce;

        @Option(
                names = "--event",
                paramLabel = "OP THRESHOLD",
                description = "An event such as '>= 1' or '< 0.1'; with --probability.")
        String event;

        @Option(names = "--probability")
        Double probability;

        @Option(names = "--interval", paramLabel = "LO,HI", split = ",")
        double[] interval;

        @Option(names = "--confidence", defaultValue = "0.9")
        double confidence;

        @Option(
                names = "--quantiles",
                paramLabel = "LEVEL:VALUE",
                split = ",",
                description = "e.g. 0.1:300,0.5:600,0.9:1500")
        List<String> quantiles;

        @Option(names = "--note", defaultValue = "")
        String note;

        @Option(
                names = "--amends",
                paramLabel = "ID",
                description = "Replace this earlier prediction (it stays, marked as amended).")
        String amends;

        @Override
        public Integer call() {
            Target target =
                    new Target(recipe, where, quantity, Target.Reduction.valueOf(reduce.toUpperCase(Locale.ROOT)));
            Prediction.Draft draft = new Prediction.Draft(author, tags, target, forecast(), note);
            PredictionRegistry reg = parent.open();
            Prediction p = amends == null ? reg.register(draft) : reg.amend(amends, draft);
            spec.commandLine()
                    .getOut()
                    .printf(
                            "registered %s at %s%s%n",
                            p.id(),
                            p.createdAt(),
                            p.amends().map(a -> " (amends " + a + ")").orElse(""));
            spec.commandLine().getOut().flush();
            return 0;
        }

        private Forecast forecast() {
            int given = (event != null ? 1 : 0) + (interval != null ? 1 : 0) + (quantiles != null ? 1 : 0);
            if (given != 1) {
                throw new IllegalArgumentException(
                        "give exactly one forecast: --event with --probability, --interval, or --quantiles");
            }
            if (event != null) {
                String[] parts = event.trim().split("\\s+");
                if (parts.length != 2 || probability == null) {
                    throw new IllegalArgumentException("--event '" + event
                            + "': write it as 'OP THRESHOLD' (OP one of < <= > >=) with --probability");
                }
                Forecast.Comparison op =
                        switch (parts[0]) {
                            case "<" -> Forecast.Comparison.LT;
                            case "<=" -> Forecast.Comparison.LE;
                            case ">" -> Forecast.Comparison.GT;
                            case ">=" -> Forecast.Comparison.GE;
                            default -> throw new IllegalArgumentException(
                                    "--event comparison '" + parts[0] + "': must be < <= > or >=");
                        };
                return new Forecast.Event(op, Double.parseDouble(parts[1]), probability);
            }
            if (interval != null) {
                if (interval.length != 2) {
                    throw new IllegalArgumentException("--interval: give LO,HI");
                }
                return new Forecast.Range(interval[0], interval[1], confidence);
            }
            double[] levels = new double[quantiles.size()];
            double[] values = new double[quantiles.size()];
            for (int i = 0; i < levels.length; i++) {
                String[] lv = quantiles.get(i).split(":");
                if (lv.length != 2) {
                    throw new IllegalArgumentException(
                            "--quantiles entry '" + quantiles.get(i) + "': write LEVEL:VALUE");
                }
                levels[i] = Double.parseDouble(lv[0]);
                values[i] = Double.parseDouble(lv[1]);
            }
            return new Forecast.Quantiles(levels, values);
        }
    }

    /** {@code predict list}: every prediction, oldest first, each checked against its hash. */
    @Command(
            name = "list",
            mixinStandardHelpOptions = true,
            description = "List predictions (each is checked against its hash).")
    static final class ListAll implements Callable<Integer> {
        @ParentCommand
        PredictCommand parent;

        @Spec
        CommandSpec spec;

        @Override
        public Integer call() {
            PredictionRegistry reg = parent.open();
            PrintWriter out = spec.commandLine().getOut();
            for (Prediction p : reg.list()) {
                Optional<Resolution> r = reg.resolution(p.id());
                out.printf(
                        "%s  %s  %-10s %s/%s %s  %s%s%s%n",
                        p.id().substring(0, 12),
                        p.createdAt(),
                        p.author(),
                        p.target().recipe(),
                        p.target().config(),
                        p.target().quantity(),
                        describe(p.forecast()),
                        r.map(x -> "  resolved: " + x.value()).orElse(""),
                        p.amends().map(a -> "  amends " + a.substring(0, 12)).orElse(""));
            }
            out.flush();
            return 0;
        }
    }

    /** {@code predict resolve ID}: the target's value from finished runs, or given with --value. */
    @Command(
            name = "resolve",
            mixinStandardHelpOptions = true,
            description = "Resolve a prediction against finished runs.")
    static final class Resolve implements Callable<Integer> {
        @ParentCommand
        PredictCommand parent;

        @Spec
        CommandSpec spec;

        @Parameters(index = "0", paramLabel = "ID", description = "Prediction id or a prefix of at least 6 characters.")
        String id;

        @picocli.CommandLine.Mixin
        RunsRoot runs;

        @Option(names = "--value", description = "Resolve with this value instead of reading runs.")
        Double value;

        @Override
        public Integer call() {
            PredictionRegistry reg = parent.open();
            Prediction p = reg.get(id);
            Resolution r;
            if (value != null) {
                r = reg.resolve(p.id(), value, List.of());
            } else {
                Resolver.Value v = new Resolver(Grokking.DEFAULT)
                        .resolve(p.target(), runs.source(spec.commandLine().getErr()));
                r = reg.resolve(p.id(), v.value(), v.runs());
            }
            spec.commandLine()
                    .getOut()
                    .printf(
                            "resolved %s: %s = %s from runs %s%n",
                            p.id().substring(0, 12), p.target().quantity(), r.value(), r.runs());
            spec.commandLine().getOut().flush();
            return 0;
        }
    }

    /** {@code predict score}: scores, summaries by author and tag, calibration. */
    @Command(name = "score", mixinStandardHelpOptions = true, description = "Score resolved predictions.")
    static final class ScoreAll implements Callable<Integer> {
        @ParentCommand
        PredictCommand parent;

        @Spec
        CommandSpec spec;

        @Override
        public Integer call() {
            PredictionRegistry reg = parent.open();
            List<Score> scores = new ArrayList<>();
            for (Prediction p : reg.list()) {
                reg.resolution(p.id()).ifPresent(r -> scores.add(Score.of(p, r)));
            }
            Scorecard card = new Scorecard(scores);
            PrintWriter out = spec.commandLine().getOut();
            out.printf("%-12s %-10s %8s %8s %10s %8s%n", "id", "author", "brier", "log", "interval", "crps");
            for (Score s : scores) {
                out.printf(
                        Locale.ROOT,
                        "%-12s %-10s %8s %8s %10s %8s%n",
                        s.prediction().id().substring(0, 12),
                        s.prediction().author(),
                        num(s.brier()),
                        num(s.log()),
                        num(s.interval()),
                        num(s.crps()));
            }
            out.println("by author:");
            card.byAuthor()
                    .forEach(m -> out.printf(
                            Locale.ROOT,
                            "  %-10s n=%d brier %s log %s interval %s crps %s%n",
                            m.group(),
                            m.count(),
                            num(m.brier()),
                            num(m.log()),
                            num(m.interval()),
                            num(m.crps())));
            out.println("by tag:");
            card.byTag()
                    .forEach(m -> out.printf(
                            Locale.ROOT,
                            "  %-10s n=%d brier %s log %s interval %s crps %s%n",
                            m.group(),
                            m.count(),
                            num(m.brier()),
                            num(m.log()),
                            num(m.interval()),
                            num(m.crps())));
            out.println("calibration (events): forecast bin, n, mean forecast, observed frequency");
            card.eventCalibration(10)
                    .forEach(c -> out.printf(
                            Locale.ROOT,
                            "  [%.1f, %.1f) n=%d %.3f %.3f%n",
                            c.lo(),
                            c.hi(),
                            c.count(),
                            c.forecast(),
                            c.observed()));
            out.println("coverage (intervals): stated confidence, n, observed coverage");
            card.intervalCoverage()
                    .forEach(c -> out.printf(Locale.ROOT, "  %.2f n=%d %.3f%n", c.forecast(), c.count(), c.observed()));
            out.flush();
            return 0;
        }

        private static String num(double v) {
            return Double.isNaN(v) ? "-" : String.format(Locale.ROOT, "%.4f", v);
        }
    }

    static String describe(Forecast f) {
        if (f instanceof Forecast.Event e) {
            return String.format(Locale.ROOT, "P(%s %s) = %s", e.comparison().symbol(), e.threshold(), e.probability());
        }
        if (f instanceof Forecast.Range r) {
            return String.format(Locale.ROOT, "%s%% in [%s, %s]", 100 * r.confidence(), r.lo(), r.hi());
        }
        Forecast.Quantiles q = (Forecast.Quantiles) f;
        return "quantiles " + java.util.Arrays.toString(q.levels()) + " -> " + java.util.Arrays.toString(q.values());
    }
}
