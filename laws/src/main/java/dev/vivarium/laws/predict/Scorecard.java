package dev.vivarium.laws.predict;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.function.ToDoubleFunction;

/**
 * Scores of many resolved predictions: summaries by author and by tag, and calibration tables (event
 * forecasts binned by probability; intervals grouped by their stated confidence).
 *
 * @param scores one per resolved prediction
 */
public record Scorecard(List<Score> scores) {

    /**
     * Mean scores of a group; a mean over no applicable forecasts is NaN.
     *
     * @param group the author or tag
     * @param count predictions in the group
     * @param brier mean Brier score
     * @param log mean log score
     * @param interval mean interval score
     * @param crps mean CRPS
     */
    public record Summary(String group, int count, double brier, double log, double interval, double crps) {}

    /**
     * One row of a calibration table.
     *
     * @param lo lower edge of the forecast probability (or stated confidence)
     * @param hi upper edge
     * @param count forecasts in the row
     * @param forecast their mean forecast probability (or stated confidence)
     * @param observed how often the event happened (or the value fell inside)
     */
    public record CalibrationRow(double lo, double hi, int count, double forecast, double observed) {}

    public Scorecard {
        scores = List.copyOf(scores);
    }

    public List<Summary> byAuthor() {
        return summarise(s -> List.of(s.prediction().author()));
    }

    public List<Summary> byTag() {
        return summarise(s -> s.prediction().tags());
    }

    /** Event forecasts in {@code bins} equal bins of probability; empty bins are left out. */
    public List<CalibrationRow> eventCalibration(int bins) {
        if (bins < 1) {
            throw new IllegalArgumentException("bins = " + bins + ": must be >= 1");
        }
        List<CalibrationRow> rows = new ArrayList<>();
        for (int b = 0; b < bins; b++) {
            double lo = b / (double) bins;
            double hi = (b + 1) / (double) bins;
            boolean last = b == bins - 1;
            List<Score> in = scores.stream()
                    .filter(s -> s.prediction().forecast() instanceof Forecast.Event e
                            && e.probability() >= lo
                            && (e.probability() < hi || last))
                    .toList();
            if (!in.isEmpty()) {
                rows.add(new CalibrationRow(
                        lo,
                        hi,
                        in.size(),
                        mean(in, s -> ((Forecast.Event) s.prediction().forecast()).probability()),
                        mean(in, s -> s.hit() ? 1 : 0)));
            }
        }
        return rows;
    }

    /** Interval forecasts grouped by stated confidence: nominal against observed coverage. */
    public List<CalibrationRow> intervalCoverage() {
        Map<Double, List<Score>> groups = new TreeMap<>();
        for (Score s : scores) {
            if (s.prediction().forecast() instanceof Forecast.Range r) {
                groups.computeIfAbsent(r.confidence(), k -> new ArrayList<>()).add(s);
            }
        }
        List<CalibrationRow> rows = new ArrayList<>();
        groups.forEach((c, in) -> rows.add(new CalibrationRow(c, c, in.size(), c, mean(in, s -> s.hit() ? 1 : 0))));
        return rows;
    }

    private List<Summary> summarise(Function<Score, List<String>> groupsOf) {
        Map<String, List<Score>> groups = new TreeMap<>();
        for (Score s : scores) {
            for (String g : groupsOf.apply(s)) {
                groups.computeIfAbsent(g, k -> new ArrayList<>()).add(s);
            }
        }
        List<Summary> out = new ArrayList<>();
        groups.forEach((g, in) -> out.add(new Summary(
                g,
                in.size(),
                mean(in, Score::brier),
                mean(in, Score::log),
                mean(in, Score::interval),
                mean(in, Score::crps))));
        return out;
    }

    /** The mean of the non-NaN values, or NaN when there are none. */
    private static double mean(List<Score> in, ToDoubleFunction<Score> f) {
        return in.stream()
                .mapToDouble(f)
                .filter(v -> !Double.isNaN(v))
                .average()
                .orElse(Double.NaN);
    }
}
