package dev.vivarium.lens.timeline;

import dev.vivarium.laws.detect.ChangePoints;
import dev.vivarium.laws.detect.Series;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * Change points of every measure of a run on one step axis, and the stages they delimit together.
 *
 * <p>Each measure is first put on a common footing: a measure that is positive everywhere is taken in logs
 * (a loss, a norm, a sharpness: their changes are relative), an accuracy {@code a} as {@code log(1 - a)}
 * with {@code 1 - a} floored at {@code 1e-4} (its error, in logs), any other (an LLC that crosses zero) as it
 * is; the result is scaled to [0, 1] by its range over the run. The laws module's change-point detector
 * ({@link ChangePoints#detectValues}, straight segments against log-step, step 0 left out) then cuts it, with
 * a noise floor of {@code minNoise} and plateaus that change by less than {@code plateauDrop} (both fractions
 * of the range). A boundary between a plateau and a moving segment, or between two plateaus at different
 * levels (a jump), is a measure's change point; a bend between two moving segments is not.
 *
 * <p>Change points of different measures within a factor {@code mergeRatio} in step of the first of them form
 * one boundary, placed at their median; a boundary that {@code minSupport} or more measures share delimits a
 * stage. A measure whose range is 0 or that has fewer than {@code 2 minSegment} positive steps has none.
 *
 * @param minSegment fewest points in a segment
 * @param penalty penalty per segment, in multiples of {@code log n} (as {@link ChangePoints})
 * @param plateauDrop largest change across a plateau, as a fraction of the measure's range
 * @param minNoise noise floor of the detector, as a fraction of the range
 * @param mergeRatio change points within this factor in step are one boundary
 * @param minSupport measures that must share a boundary for it to delimit a stage
 */
public record Timeline(
        int minSegment, double penalty, double plateauDrop, double minNoise, double mergeRatio, int minSupport) {

    /** Segments of at least 3 points, penalty 6 log n, plateaus under 10% of the range, noise floor 3%, merged within 1.6x, 2 measures a stage boundary. */
    public static final Timeline DEFAULT = new Timeline(3, 6, 0.10, 0.03, 1.6, 2);

    private static final double ERROR_FLOOR = 1e-4;

    public Timeline {
        if (minSegment < 3
                || !(penalty > 0)
                || !(plateauDrop > 0)
                || !(minNoise > 0)
                || !(mergeRatio >= 1)
                || minSupport < 1) {
            throw new IllegalArgumentException("timeline: minSegment >= 3, penalty, plateauDrop and minNoise > 0,"
                    + " mergeRatio >= 1 and minSupport >= 1 expected");
        }
    }

    /** The definition in words, with its thresholds, for the output. */
    public String definition() {
        return String.format(
                Locale.ROOT,
                "each measure as log(value) when positive everywhere, log(max(1 - a, %.0e)) for an accuracy a, else"
                        + " as is; scaled to [0, 1] by its range; laws ChangePoints.detectValues against log-step (step"
                        + " 0 left out), segments >= %d points, penalty %.3g log n, noise floor %.3g, plateau: changes"
                        + " < %.3g; a change point is a plateau boundary or a jump between plateaus; change points within %.3gx in step are one"
                        + " boundary (at their median); a boundary shared by >= %d measures delimits a stage",
                ERROR_FLOOR,
                minSegment,
                penalty,
                minNoise,
                plateauDrop,
                mergeRatio,
                minSupport);
    }

    /**
     * One measure's change points.
     *
     * @param measure its name
     * @param transform how it was taken: {@code log}, {@code log-error} or {@code linear}
     * @param changes the plateau boundaries found, with their direction
     * @param segments number of segments
     * @param note why there are none, when the detector could not run
     */
    public record MeasureChanges(
            String measure, String transform, List<Change> changes, int segments, Optional<String> note) {}

    /**
     * A change point of one measure.
     *
     * @param step the first step of the later segment
     * @param kind {@code plateau_ends}, {@code plateau_begins}, or {@code jump} (from one plateau straight to
     *     another at a different level)
     * @param direction whether the measure (untransformed) rises or falls in the moving segment next to it (or
     *     across the jump)
     */
    public record Change(double step, String kind, String direction) {}

    /**
     * Change points of several measures close in step.
     *
     * @param step the median of their steps
     * @param measures the measures changing there, each once
     * @param stage whether enough measures share it to delimit a stage
     */
    public record Boundary(double step, List<String> measures, boolean stage) {}

    /**
     * A stretch between stage boundaries.
     *
     * @param index from 0
     * @param fromStep first step (the run's first for stage 0)
     * @param toStep last step (the run's last for the last stage)
     * @param opensWith the measures changing at its opening boundary (empty for stage 0)
     */
    public record Stage(int index, double fromStep, double toStep, List<String> opensWith) {}

    /**
     * The timeline.
     *
     * @param changes per measure
     * @param boundaries every boundary, staged or not
     * @param stages the stages the staged boundaries delimit
     */
    public record Result(List<MeasureChanges> changes, List<Boundary> boundaries, List<Stage> stages) {}

    /** The change points of {@code measures} and their stages; steps at or before 0 are left out. */
    public Result detect(List<Measure> measures) {
        List<MeasureChanges> all = new ArrayList<>();
        double first = Double.POSITIVE_INFINITY;
        double last = Double.NEGATIVE_INFINITY;
        for (Measure m : measures) {
            all.add(changes(m));
            if (m.size() > 0) {
                first = Math.min(first, m.steps()[0]);
                last = Math.max(last, m.steps()[m.size() - 1]);
            }
        }
        List<double[]> points = new ArrayList<>(); // step, measure index
        for (int i = 0; i < all.size(); i++) {
            for (Change c : all.get(i).changes()) {
                points.add(new double[] {c.step(), i});
            }
        }
        points.sort(Comparator.comparingDouble(p -> p[0]));
        List<Boundary> boundaries = new ArrayList<>();
        int i = 0;
        while (i < points.size()) {
            int j = i;
            while (j < points.size() && points.get(j)[0] <= points.get(i)[0] * mergeRatio) {
                j++;
            }
            Set<String> names = new LinkedHashSet<>();
            double[] steps = new double[j - i];
            for (int k = i; k < j; k++) {
                steps[k - i] = points.get(k)[0];
                names.add(all.get((int) points.get(k)[1]).measure());
            }
            boundaries.add(new Boundary(median(steps), List.copyOf(names), names.size() >= minSupport));
            i = j;
        }
        List<Stage> stages = new ArrayList<>();
        if (first <= last) {
            double from = first;
            List<String> opens = List.of();
            for (Boundary b : boundaries) {
                if (b.stage()) {
                    stages.add(new Stage(stages.size(), from, b.step(), opens));
                    from = b.step();
                    opens = b.measures();
                }
            }
            stages.add(new Stage(stages.size(), from, last, opens));
        }
        return new Result(List.copyOf(all), List.copyOf(boundaries), List.copyOf(stages));
    }

    /** One measure's change points (see the class comment for the transform). */
    public MeasureChanges changes(Measure m) {
        double[] xs = m.steps();
        double[] vs = m.values();
        int from = 0;
        while (from < xs.length && !(xs[from] > 0)) {
            from++;
        }
        int n = xs.length - from;
        boolean positive = true;
        for (int k = from; k < xs.length; k++) {
            positive &= vs[k] > 0;
        }
        String transform = m.accuracy() ? "log-error" : positive ? "log" : "linear";
        if (n < 2 * minSegment) {
            return new MeasureChanges(
                    m.name(),
                    transform,
                    List.of(),
                    0,
                    Optional.of(n + " steps after step 0: the detector needs " + 2 * minSegment));
        }
        double[] x = new double[n];
        double[] y = new double[n];
        double lo = Double.POSITIVE_INFINITY;
        double hi = Double.NEGATIVE_INFINITY;
        for (int k = 0; k < n; k++) {
            double v = vs[from + k];
            x[k] = xs[from + k];
            y[k] = switch (transform) {
                case "log-error" -> Math.log(Math.max(1 - v, ERROR_FLOOR));
                case "log" -> Math.log(v);
                default -> v;
            };
            lo = Math.min(lo, y[k]);
            hi = Math.max(hi, y[k]);
        }
        if (!(hi > lo)) {
            return new MeasureChanges(m.name(), transform, List.of(), 1, Optional.of("constant over the run"));
        }
        for (int k = 0; k < n; k++) {
            y[k] = (y[k] - lo) / (hi - lo);
        }
        ChangePoints detector = new ChangePoints(minSegment, penalty, plateauDrop, true);
        ChangePoints.Result r = detector.detectValues(new Series(m.name(), x, y), minNoise);
        List<Change> changes = new ArrayList<>();
        List<ChangePoints.Segment> segs = r.segments();
        for (int k = 1; k < segs.size(); k++) {
            ChangePoints.Segment before = segs.get(k - 1);
            ChangePoints.Segment after = segs.get(k);
            double delta;
            String kind;
            if (before.plateau() && after.plateau()) {
                kind = "jump";
                delta = after.logLossStart() - before.logLossEnd();
            } else if (before.plateau() != after.plateau()) {
                kind = before.plateau() ? "plateau_ends" : "plateau_begins";
                ChangePoints.Segment moving = before.plateau() ? after : before;
                delta = moving.logLossEnd() - moving.logLossStart();
            } else {
                continue; // a bend within one movement
            }
            // the fitted values are of the transformed measure: log-error falls as accuracy rises
            boolean up = (delta > 0) != transform.equals("log-error");
            changes.add(new Change(after.fromStep(), kind, up ? "rises" : "falls"));
        }
        return new MeasureChanges(m.name(), transform, List.copyOf(changes), segs.size(), Optional.empty());
    }

    private static double median(double[] v) {
        double[] s = v.clone();
        java.util.Arrays.sort(s);
        int n = s.length;
        return n % 2 == 1 ? s[n / 2] : Math.sqrt(s[n / 2 - 1] * s[n / 2]); // geometric: steps are log-spaced
    }
}
