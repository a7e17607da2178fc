package dev.vivarium.app.study;

import dev.vivarium.core.train.TrainListener;
import dev.vivarium.laws.bootstrap.Estimate;
import dev.vivarium.laws.detect.GrokkingPhase;
import dev.vivarium.laws.fit.LawData;
import dev.vivarium.laws.predict.Forecast;
import dev.vivarium.laws.predict.Prediction;
import dev.vivarium.laws.predict.PredictionRegistry;
import dev.vivarium.laws.predict.Resolution;
import dev.vivarium.laws.predict.Resolver;
import dev.vivarium.laws.predict.Score;
import dev.vivarium.laws.predict.Target;
import dev.vivarium.laws.report.FitStudy;
import dev.vivarium.laws.runs.RunPoints;
import dev.vivarium.laws.runs.StoreRunSource;
import dev.vivarium.store.run.RunState;
import dev.vivarium.sweep.LocalExecutor;
import dev.vivarium.sweep.Point;
import dev.vivarium.sweep.PointRunner;
import dev.vivarium.sweep.Sweep;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * The predict-then-verify loop in one pass: train the fit sweep, fit the law on its points, register in the
 * prediction registry a forecast (the fit's bootstrap prediction interval) of each held-out configuration's
 * metric <em>before</em> any of its runs exist, train the held-out sweep, resolve each prediction against the
 * runs that started after it and score it. Run again, it reuses what exists: completed points, the registered
 * predictions (never re-registered) and their resolutions.
 */
public final class Study {
    private Study() {}

    /**
     * One held-out configuration: its forecast and what came of it.
     *
     * @param target what was forecast
     * @param x the law's input there (e.g. the parameter count)
     * @param forecast the law's value there (the forecast's centre)
     * @param prediction the registered prediction
     * @param score its score, once resolved
     * @param logScore the log score (negative log density) of the value under a log-normal forecast with the
     *     law's value as median and the interval as its central {@code level} range
     */
    public record Heldout(
            Target target, double x, double forecast, Prediction prediction, Score score, double logScore) {}

    /**
     * What the study found.
     *
     * @param spec the study
     * @param fit the law fitted on the fit sweep
     * @param theory the fitted estimate of the theory's parameter, if the study names one
     * @param heldout each held-out configuration
     */
    public record Result(StudySpec spec, FitStudy fit, Optional<Estimate> theory, List<Heldout> heldout) {}

    /**
     * Runs the loop.
     *
     * @param sweepsRoot where the two sweeps' folders go
     * @param registry the prediction registry
     * @param options how the sweeps train
     */
    public static Result run(
            StudySpec spec,
            Path sweepsRoot,
            PredictionRegistry registry,
            LocalExecutor.Options options,
            Supplier<List<TrainListener>> listeners,
            PrintStream notes)
            throws IOException {
        List<Point> heldoutPoints = Sweep.points(spec.heldoutSweep()); // both specs checked before any training
        Sweep.points(spec.fitSweep());
        notes.println("study " + spec.name() + ": 1/4 train the fit sweep " + spec.fitSweep());
        Path fitDir = LocalExecutor.sweepDir(spec.fitSweep(), sweepsRoot);
        requireCompleted(LocalExecutor.run(spec.fitSweep(), sweepsRoot, options, listeners, notes), fitDir);

        notes.println("study " + spec.name() + ": 2/4 fit " + spec.law() + " law of " + spec.metric() + " against "
                + spec.x() + " on " + fitDir);
        RunPoints points = RunPoints.collect(
                new StoreRunSource(fitDir.resolve("runs")),
                null,
                Map.of(),
                spec.x(),
                spec.metric(),
                RunPoints.reduction(spec.reduce()));
        FitStudy fit = FitStudy.run(
                FitStudy.law(spec.law(), spec.x()),
                LawData.of(spec.x(), points.x(), points.y(), spec.metric()),
                1e-3,
                spec.bootstrap(),
                spec.seed(),
                spec.level());
        Optional<Estimate> theory = spec.theoryParameter() == null
                ? Optional.empty()
                : Optional.of(fit.uncertainty().estimate(spec.theoryParameter(), spec.level()));

        notes.println("study " + spec.name() + ": 3/4 register the forecasts, then train the held-out sweep "
                + spec.heldoutSweep());
        Map<String, Point> configs = new LinkedHashMap<>();
        for (Point p : heldoutPoints) {
            configs.putIfAbsent(configKey(p), p);
        }
        List<Prediction> predictions = new ArrayList<>();
        List<Double> xs = new ArrayList<>();
        List<Double> centres = new ArrayList<>();
        for (Point p : configs.values()) {
            double x = inputOf(p, spec.x());
            FitStudy.Extrapolation e = fit.at(x);
            Target target = new Target(
                    p.recipe().name(),
                    config(p),
                    spec.metric(),
                    Target.Reduction.valueOf(spec.reduce().toUpperCase(Locale.ROOT)));
            Prediction prediction = registered(registry, spec, target)
                    .orElseGet(() -> registry.register(new Prediction.Draft(
                            "vivarium study " + spec.name(),
                            List.of("study:" + spec.name()),
                            target,
                            new Forecast.Range(
                                    e.prediction().lo(), e.prediction().hi(), spec.level()),
                            String.format(
                                    Locale.ROOT,
                                    "%s law fitted on %d runs of %s; %s = %.6g: forecast %.6g",
                                    spec.law(),
                                    points.x().length,
                                    fitDir.getFileName(),
                                    spec.x(),
                                    x,
                                    e.value()))));
            notes.println("  forecast " + prediction.id().substring(0, 12) + ": " + target.config() + " (" + spec.x()
                    + " " + (long) x + "): " + spec.metric() + " in " + prediction.forecast());
            predictions.add(prediction);
            xs.add(x);
            centres.add(e.value());
        }
        Path heldDir = LocalExecutor.sweepDir(spec.heldoutSweep(), sweepsRoot);
        requireCompleted(LocalExecutor.run(spec.heldoutSweep(), sweepsRoot, options, listeners, notes), heldDir);

        notes.println("study " + spec.name() + ": 4/4 resolve and score");
        List<Heldout> heldout = new ArrayList<>();
        for (int i = 0; i < predictions.size(); i++) {
            Prediction p = predictions.get(i);
            Resolution r = registry.resolution(p.id()).orElse(null);
            if (r == null) {
                Resolver.Value v = new Resolver(GrokkingPhase.DEFAULT)
                        .resolve(p.target(), new StoreRunSource(heldDir.resolve("runs")), p.createdAt(), false);
                r = registry.resolve(p.id(), v.value(), v.runs(), v.preRegistered());
            }
            if (spec.x().equals(StoreRunSource.PARAMETERS)) {
                for (Resolution.RunUsed used : r.runs()) {
                    double recorded = StoreRunSource.read(
                                    heldDir.resolve("runs").resolve(used.id()))
                            .quantity(StoreRunSource.PARAMETERS);
                    if (recorded != xs.get(i)) {
                        throw new IllegalStateException("run " + used.id() + " records " + (long) recorded
                                + " parameters but its forecast was made at "
                                + xs.get(i).longValue());
                    }
                }
            }
            Forecast.Range range = (Forecast.Range) p.forecast();
            heldout.add(new Heldout(
                    p.target(),
                    xs.get(i),
                    centres.get(i),
                    p,
                    Score.of(p, r),
                    StudyScores.logScore(centres.get(i), range, r.value())));
        }
        return new Result(spec, fit, theory, heldout);
    }

    private static Optional<Prediction> registered(PredictionRegistry registry, StudySpec spec, Target target) {
        return registry.list().stream()
                .filter(p ->
                        p.tags().contains("study:" + spec.name()) && p.target().equals(target))
                .reduce((a, b) -> b);
    }

    /** A held-out point's configuration: its overrides other than the seed. */
    private static Map<String, String> config(Point p) {
        Map<String, String> c = new LinkedHashMap<>();
        for (String o : p.overrides()) {
            int eq = o.indexOf('=');
            String key = o.substring(0, eq);
            if (!key.equals("seed")) {
                c.put(key, o.substring(eq + 1));
            }
        }
        return c;
    }

    private static String configKey(Point p) {
        return config(p).toString();
    }

    /** The law's input for a point not yet trained: its parameter count, or a numeric override. */
    private static double inputOf(Point p, String x) {
        if (x.equals(StoreRunSource.PARAMETERS)) {
            return parameters(p.recipe());
        }
        String v = config(p).get(x);
        if (v == null) {
            throw new IllegalArgumentException("fit.x = " + x + ": the held-out point " + p.id()
                    + " has no such override; use parameters or one of "
                    + config(p).keySet());
        }
        return Double.parseDouble(v);
    }

    /**
     * A recipe's trainable parameter count, exactly: its model built (on the CPU engine, with the recipe's
     * threads) and counted, as the checkpoints of its run will record it.
     */
    static long parameters(dev.vivarium.core.recipe.Recipe recipe) {
        dev.vivarium.core.engine.TensorEngine.start(recipe.threads());
        try (ai.djl.ndarray.NDManager m = ai.djl.ndarray.NDManager.newBaseManager()) {
            try (dev.vivarium.core.model.Model model = recipe.model().build(m, recipe.seed())) {
                return model.params().trainableCount();
            } catch (Exception e) {
                throw new IllegalStateException(
                        "cannot build the model of " + recipe.name() + ": " + e.getMessage(), e);
            }
        }
    }

    private static void requireCompleted(List<PointRunner.Outcome> outcomes, Path dir) {
        long notDone =
                outcomes.stream().filter(o -> o.state() != RunState.COMPLETED).count();
        if (notDone > 0) {
            throw new IllegalStateException(notDone + " of " + outcomes.size() + " points of " + dir
                    + " did not complete (see its points.tsv); the study stops here: vivarium sweep resume " + dir
                    + ", then run the study again");
        }
    }
}
