package dev.vivarium.app.cmd;

import dev.vivarium.laws.detect.GrokkingPhase;
import dev.vivarium.laws.ledger.LedgerCheck;
import dev.vivarium.laws.ledger.LedgerEntry;
import dev.vivarium.laws.predict.Forecast;
import dev.vivarium.laws.predict.Prediction;
import dev.vivarium.laws.predict.PredictionRegistry;
import dev.vivarium.laws.predict.Resolution;
import dev.vivarium.laws.predict.Resolver;
import dev.vivarium.laws.predict.Score;
import dev.vivarium.laws.predict.Scorecard;
import dev.vivarium.laws.predict.Target;
import dev.vivarium.laws.runs.StoreRunSource;
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

/** {@code vivarium predict add|list|resolve|score|verify}: the prediction registry and its ledger. */
@Command(
        name = "predict",
        mixinStandardHelpOptions = true,
        description = "Register predictions before the runs, resolve them after, and score them. Everything is"
                + " kept in one append-only, hash-chained ledger, predictions.ledger; 'verify' checks it.",
        subcommands = {
            PredictCommand.Add.class,
            PredictCommand.ListAll.class,
            PredictCommand.Resolve.class,
            PredictCommand.ScoreAll.class,
            PredictCommand.Verify.class
        })
public final class PredictCommand implements Runnable {
    @Spec
    CommandSpec spec;

    @Option(
            names = "--registry",
            paramLabel = "DIR",
            defaultValue = ".",
            scope = picocli.CommandLine.ScopeType.INHERIT,
            description = "Directory holding the ledger (predictions.ledger and its .head). Default: the current"
                    + " directory.")
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
            description = "Register a prediction: it is appended to the ledger, whose entry hash is its id and whose"
                    + " order is its registration time.")
    static final class Add implements Callable<Integer> {
        @ParentCommand
        PredictCommand parent;

        @Spec
        CommandSpec spec;

        @Option(names = "--author", required = true, description = "Who makes the prediction.")
        String author;

        @Option(names = "--tag", paramLabel = "TAG", description = "A label for summaries in 'score' (repeatable).")
        List<String> tags = new ArrayList<>();

        @Option(
                names = "--recipe",
                required = true,
                description = "The recipe name of the runs it is about (their status file's recipe).")
        String recipe;

        @Option(names = "--where", paramLabel = "KEY=VALUE", description = "Config values the runs must have.")
        Map<String, String> where = Map.of();

        @Option(
                names = "--quantity",
                required = true,
                description = "A metric (test_loss) or grok_step, memorisation_step, grok_delay, grokked.")
        String quantity;

        @Option(
                names = "--reduce",
                defaultValue = "final",
                description = "How a metric's log becomes one number: final, min or max. Default: ${DEFAULT-VALUE}.")
        String reduce;

        @Option(
                names = "--event",
                paramLabel = "OP THRESHOLD",
                description = "An event such as '>= 1' or '< 0.1'; with --probability.")
        String event;

        @Option(names = "--probability", paramLabel = "P", description = "With --event: the probability it happens.")
        Double probability;

        @Option(
                names = "--interval",
                paramLabel = "LO,HI",
                split = ",",
                description = "An interval forecast; with --confidence.")
        double[] interval;

        @Option(
                names = "--confidence",
                defaultValue = "0.9",
                description = "With --interval: the probability the value falls inside. Default: ${DEFAULT-VALUE}.")
        double confidence;

        @Option(
                names = "--quantiles",
                paramLabel = "LEVEL:VALUE",
                split = ",",
                description = "A quantile forecast, levels increasing, e.g. 0.1:300,0.5:600,0.9:1500.")
        List<String> quantiles;

        @Option(names = "--note", defaultValue = "", description = "Free text: the reasoning or source.")
        String note;

        @Option(
                names = "--amends",
                paramLabel = "ID",
                description = "Replace this earlier prediction (it stays in the ledger; the amendment names it).")
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
            description = "List predictions in registration order (after checking the whole ledger).")
    static final class ListAll implements Callable<Integer> {
        @ParentCommand
        PredictCommand parent;

        @Spec
        CommandSpec spec;

        @Override
        public Integer call() {
            PredictionRegistry reg = parent.open();
            PrintWriter out = spec.commandLine().getOut();
            Map<String, Resolution> resolved = reg.resolutions();
            for (Prediction p : reg.list()) {
                Optional<Resolution> r = Optional.ofNullable(resolved.get(p.id()));
                out.printf(
                        "%s  %s  %-10s %s/%s %s  %s%s%s%n",
                        p.id().substring(0, 12),
                        p.createdAt(),
                        p.author(),
                        p.target().recipe(),
                        p.target().config(),
                        p.target().quantity(),
                        describe(p.forecast()),
                        r.map(x -> "  resolved: " + x.value() + (x.preRegistered() ? "" : " (NOT pre-registered)"))
                                .orElse(""),
                        p.amends().map(a -> "  amends " + a.substring(0, 12)).orElse(""));
            }
            out.flush();
            return 0;
        }
    }

    /** {@code predict resolve ID}: the target's value from runs started after the registration, or given. */
    @Command(
            name = "resolve",
            mixinStandardHelpOptions = true,
            description = "Resolve a prediction against the finished runs that started after it was registered;"
                    + " the ledger records the value, the runs and their start times.")
    static final class Resolve implements Callable<Integer> {
        @ParentCommand
        PredictCommand parent;

        @Spec
        CommandSpec spec;

        @Parameters(index = "0", paramLabel = "ID", description = "Prediction id or a prefix of at least 6 characters.")
        String id;

        @picocli.CommandLine.Mixin
        RunsRoot runs;

        @Option(
                names = "--value",
                description = "Resolve with this value, given by hand, instead of reading runs (recorded as such).")
        Double value;

        @Option(
                names = "--allow-earlier-runs",
                description = "Also use runs that started before the prediction was registered; the resolution is"
                        + " then marked as not pre-registered.")
        boolean allowEarlier;

        @Override
        public Integer call() {
            PredictionRegistry reg = parent.open();
            Prediction p = reg.get(id);
            PrintWriter out = spec.commandLine().getOut();
            Resolution r;
            if (value != null) {
                r = reg.resolve(p.id(), value, List.of(), true);
            } else {
                Resolver.Value v = new Resolver(GrokkingPhase.DEFAULT)
                        .resolve(p.target(), new StoreRunSource(runs.dir()), p.createdAt(), allowEarlier);
                v.broken().forEach(b -> spec.commandLine()
                        .getErr()
                        .println("warning: skipped run " + b.id() + ": " + b.reason()));
                if (!v.earlier().isEmpty()) {
                    out.println("left out (started before the registration at " + p.createdAt() + "): "
                            + Resolver.describe(v.earlier()));
                }
                r = reg.resolve(p.id(), v.value(), v.runs(), v.preRegistered());
            }
            out.printf(
                    "resolved %s (registered %s): %s = %s %s%s%n",
                    p.id().substring(0, 12),
                    p.createdAt(),
                    p.target().quantity(),
                    r.value(),
                    r.givenByHand() ? "given by hand (--value)" : "from runs " + Resolver.describe(r.runs()),
                    r.preRegistered() ? "" : "; NOT pre-registered (--allow-earlier-runs used runs started before it)");
            out.flush();
            spec.commandLine().getErr().flush();
            return 0;
        }
    }

    /** {@code predict verify}: checks the ledger's chain and prints its head hash. */
    @Command(
            name = "verify",
            mixinStandardHelpOptions = true,
            description = "Check the ledger: report every edited, deleted, reordered or back-dated entry, and print"
                    + " the head hash (publish it, e.g. in a commit, to prove later that nothing was rewritten).")
    static final class Verify implements Callable<Integer> {
        @ParentCommand
        PredictCommand parent;

        @Spec
        CommandSpec spec;

        @Option(
                names = "--head",
                paramLabel = "HASH",
                description = "A head hash published earlier: check that the ledger still contains it, unchanged.")
        String published;

        @Override
        public Integer call() {
            PredictionRegistry reg = parent.open();
            LedgerCheck check = reg.verify();
            PrintWriter out = spec.commandLine().getOut();
            Map<String, Long> kinds = new java.util.TreeMap<>();
            check.entries().forEach(e -> kinds.merge(e.kind(), 1L, Long::sum));
            out.printf(
                    "ledger %s: %d entries %s%n",
                    reg.ledgerFile(), check.entries().size(), kinds);
            check.problems().forEach(problem -> out.println("DAMAGED " + problem));
            int problems = check.problems().size();
            if (published != null) {
                if (!LedgerEntry.isHash(published)) {
                    throw new IllegalArgumentException("--head '" + published + "': must be 64 lowercase hex digits");
                }
                var found = check.find(published);
                if (found.isPresent()) {
                    out.println("published head " + published.substring(0, 12) + " is "
                            + found.get().describe() + ": the ledger extends it");
                } else {
                    problems++;
                    out.println("DAMAGED published head " + published.substring(0, 12) + " is not in this ledger: the"
                            + " ledger was rewritten after it was published, or it is another ledger");
                }
            }
            out.println("head " + check.headHash());
            out.println(
                    problems == 0
                            ? "intact: order and integrity hold (wall times only as far as a head hash was published)"
                            : "DAMAGED: " + problems + " problem(s)");
            out.flush();
            return problems == 0 ? 0 : 1;
        }
    }

    /** {@code predict score}: scores, summaries by author and tag, calibration. */
    @Command(
            name = "score",
            mixinStandardHelpOptions = true,
            description = "Score resolved predictions (Brier, log, interval score, CRPS), by author and tag.")
    static final class ScoreAll implements Callable<Integer> {
        @ParentCommand
        PredictCommand parent;

        @Spec
        CommandSpec spec;

        @Override
        public Integer call() {
            PredictionRegistry reg = parent.open();
            List<Score> scores = new ArrayList<>();
            Map<String, Resolution> resolved = reg.resolutions();
            for (Prediction p : reg.list()) {
                Optional.ofNullable(resolved.get(p.id())).ifPresent(r -> scores.add(Score.of(p, r)));
            }
            Scorecard card = new Scorecard(scores);
            PrintWriter out = spec.commandLine().getOut();
            out.printf(
                    "%-12s %-10s %8s %8s %10s %8s  %s%n", "id", "author", "brier", "log", "interval", "crps", "basis");
            for (Score s : scores) {
                Resolution r = s.resolution();
                out.printf(
                        Locale.ROOT,
                        "%-12s %-10s %8s %8s %10s %8s  %s%n",
                        s.prediction().id().substring(0, 12),
                        s.prediction().author(),
                        num(s.brier()),
                        num(s.log()),
                        num(s.interval()),
                        num(s.crps()),
                        r.givenByHand()
                                ? "value given by hand"
                                : r.runs().size() + " runs" + (r.preRegistered() ? "" : ", NOT pre-registered"));
            }
            summaries(out, "by author:", card.byAuthor());
            summaries(out, "by tag:", card.byTag());
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

        private static void summaries(PrintWriter out, String title, List<Scorecard.Summary> rows) {
            out.println(title);
            rows.forEach(m -> out.printf(
                    Locale.ROOT,
                    "  %-10s n=%d brier %s log %s interval %s crps %s%n",
                    m.group(),
                    m.count(),
                    num(m.brier()),
                    num(m.log()),
                    num(m.interval()),
                    num(m.crps())));
        }

        private static String num(double v) {
            return Double.isNaN(v) ? "-" : String.format(Locale.ROOT, "%.4f", v);
        }
    }

    /** A forecast as one line of text, as {@code predict list} prints it. */
    public static String describe(Forecast f) {
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
