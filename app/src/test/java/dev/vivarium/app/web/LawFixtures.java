package dev.vivarium.app.web;

import dev.vivarium.app.report.FitJson;
import dev.vivarium.laws.fit.Law;
import dev.vivarium.laws.fit.LawData;
import dev.vivarium.laws.predict.Forecast;
import dev.vivarium.laws.predict.Prediction;
import dev.vivarium.laws.predict.PredictionRegistry;
import dev.vivarium.laws.predict.Target;
import dev.vivarium.laws.report.FitStudy;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Fits for the laws page: a study's {@code studies/<study>/fit.json} with two held-out points whose forecasts are
 * in the study's ledger (one inside its interval, one outside), and a sweep's {@code <sweep>/fits/<name>.json}.
 */
final class LawFixtures {
    private LawFixtures() {}

    /** y = 1.5 + 3 / x^0.4 at 10 log-spaced x (two seeds at the largest), with a 2% wobble; 200 refits. */
    static FitStudy study() {
        int n = 11;
        double[] x = new double[n];
        double[] y = new double[n];
        for (int i = 0; i < n; i++) {
            x[i] = 100 * Math.pow(10, Math.min(i, 9) / 3.0);
            y[i] = (1.5 + 3 / Math.pow(x[i], 0.4)) * (1 + 0.02 * Math.sin(5 * i));
        }
        return FitStudy.run(
                Law.saturating("parameters"), LawData.of("parameters", x, y, "test_loss"), 1e-3, 200, 3, 0.8);
    }

    /** The study {@code name} under {@code sweeps/studies/}, fitted on sweep {@code fitSweep}: its fit. */
    static FitStudy writeStudy(Path sweeps, String name, String fitSweep) throws IOException {
        Path dir = Files.createDirectories(sweeps.resolve("studies").resolve(name));
        FitStudy s = study();
        PredictionRegistry reg = new PredictionRegistry(dir);
        List<FitJson.Heldout> held = new ArrayList<>();
        double[][] at = {{3e5, 0}, {1e6, 0.25}}; // the second measured 25% above its forecast: outside
        for (double[] a : at) {
            FitStudy.Extrapolation e = s.at(a[0]);
            Target t = new Target(
                    "teacher", Map.of("model.width", String.valueOf((long) a[0])), "test_loss", Target.Reduction.FINAL);
            Prediction p = reg.register(new Prediction.Draft(
                    "vivarium study " + name,
                    List.of("study:" + name),
                    t,
                    new Forecast.Range(e.prediction().lo(), e.prediction().hi(), 0.8),
                    "forecast"));
            double measured = e.value() * (1 + a[1]);
            reg.resolve(p.id(), measured, List.of(), true);
            held.add(new FitJson.Heldout(
                    p.id(),
                    a[0],
                    measured,
                    e.value(),
                    e.prediction().lo(),
                    e.prediction().hi(),
                    0.8));
        }
        Map<String, String> about = new LinkedHashMap<>();
        about.put("study", name);
        about.put("fitSweep", fitSweep);
        about.put("heldoutSweep", fitSweep + "-heldout");
        FitJson.write(dir.resolve("fit.json"), name, s, 3e6, held, about);
        return s;
    }

    /** A sweep's fit, {@code sweeps/<sweep>/fits/<name>.json}, without held-out points or extrapolation. */
    static FitStudy writeSweepFit(Path sweeps, String sweep, String name) throws IOException {
        Path dir = Files.createDirectories(sweeps.resolve(sweep).resolve("fits"));
        FitStudy s = study();
        FitJson.write(dir.resolve(name + ".json"), name, s, Double.NaN, List.of(), Map.of("sweep", sweep));
        return s;
    }
}
