package dev.vivarium.laws.detect;

import java.util.ArrayList;
import java.util.List;

/**
 * Plateaus and phase changes in a loss curve: log-loss is cut into straight segments (against the step, or
 * against log-step when {@code logSteps}) by optimal partitioning, minimising the residual sum of squares
 * over the noise variance plus a penalty of {@code penalty * log n} per segment. A segment whose log-loss
 * changes by less than {@code plateauDrop} end to end is a plateau, and neighbouring plateaus that together
 * still change by less are one plateau; a boundary between a plateau and a moving segment (or back) is a
 * phase change.
 *
 * @param minSegment fewest points in a segment, {@code >= 3}
 * @param penalty penalty multiplier per segment, {@code > 0} (a segment has 3 parameters: 3 is BIC; the
 *     default 6 doubles it, since change locations are chosen from many)
 * @param plateauDrop largest end-to-end change in log-loss for a plateau, {@code > 0} (0.05: about 5%)
 * @param logSteps whether segments are straight against log-step (for log-spaced logs) rather than step
 */
public record ChangePoints(int minSegment, double penalty, double plateauDrop, boolean logSteps) {

    /** Segments of at least 5 points, penalty 6 log n, plateaus change log-loss by under 0.05, linear steps. */
    public static final ChangePoints DEFAULT = new ChangePoints(5, 6, 0.05, false);

    private static final int MAX_POINTS = 4000;

    /**
     * One straight piece of the log-loss curve.
     *
     * @param fromStep first step
     * @param toStep last step
     * @param logLossStart the fitted log-loss at {@code fromStep}
     * @param logLossEnd the fitted log-loss at {@code toStep}
     * @param plateau whether the log-loss changes by less than {@code plateauDrop} across it
     * @param lossAtStart the observed loss at {@code fromStep} (the data, for reports)
     * @param lossAtEnd the observed loss at {@code toStep}
     */
    public record Segment(
            double fromStep,
            double toStep,
            double logLossStart,
            double logLossEnd,
            boolean plateau,
            double lossAtStart,
            double lossAtEnd) {}

    /**
     * A boundary between a plateau and a moving segment.
     *
     * @param step the first step of the later segment
     * @param kind whether a plateau ends or begins there
     */
    public record PhaseChange(double step, Kind kind) {
        /** Which way the curve changes. */
        public enum Kind {
            PLATEAU_ENDS,
            PLATEAU_BEGINS
        }
    }

    /**
     * The detector's output.
     *
     * @param segments the straight pieces, in order
     * @param phaseChanges the plateau boundaries
     * @param noise the log-loss noise standard deviation used
     */
    public record Result(List<Segment> segments, List<PhaseChange> phaseChanges, double noise) {
        /** The steps where a new segment starts. */
        public List<Double> changeSteps() {
            return segments.stream().skip(1).map(Segment::fromStep).toList();
        }

        public List<Segment> plateaus() {
            return segments.stream().filter(Segment::plateau).toList();
        }
    }

    public ChangePoints {
        if (minSegment < 3) {
            throw new IllegalArgumentException("minSegment = " + minSegment + ": must be >= 3");
        }
        if (!(penalty > 0) || !(plateauDrop > 0)) {
            throw new IllegalArgumentException(
                    "penalty = " + penalty + ", plateauDrop = " + plateauDrop + ": both must be > 0");
        }
    }

    /** Segments a series of any length: a log of more than 4,000 points is thinned to every k-th point first. */
    public Result thinned(Series loss) {
        int k = (loss.size() + MAX_POINTS - 1) / MAX_POINTS;
        if (k <= 1) {
            return detect(loss);
        }
        int n = (loss.size() + k - 1) / k;
        double[] x = new double[n];
        double[] v = new double[n];
        for (int i = 0; i < n; i++) {
            x[i] = loss.x(i * k);
            v[i] = loss.value(i * k);
        }
        return detect(new Series(loss.name(), x, v));
    }

    /** Segments a positive loss series (at most 4,000 points: thin longer logs first). */
    public Result detect(Series loss) {
        int n = loss.size();
        if (n > MAX_POINTS) {
            throw new IllegalArgumentException(
                    loss.name() + " has " + n + " points: at most " + MAX_POINTS + " (take every k-th point first)");
        }
        if (n < 2 * minSegment) {
            throw new IllegalArgumentException(loss.name() + " has " + n + " points: need at least " + 2 * minSegment);
        }
        double[] x = new double[n];
        double[] y = new double[n];
        for (int i = 0; i < n; i++) {
            if (!(loss.value(i) > 0) || (logSteps && !(loss.x(i) > 0))) {
                throw new IllegalArgumentException(loss.name() + " = " + loss.value(i) + " at step " + loss.x(i)
                        + ": needs positive values" + (logSteps ? " and positive steps" : ""));
            }
            x[i] = logSteps ? Math.log(loss.x(i)) : loss.x(i);
            y[i] = Math.log(loss.value(i));
        }
        return fit(loss, x, y, Math.max(Robust.noiseFromSecondDifferences(y), 1e-6));
    }

    /**
     * Segments a series of any sign as it is, without taking logs: the fitted values of each
     * {@link Segment} (its {@code logLossStart} and {@code logLossEnd}) are then values of the series, and
     * {@code plateauDrop} is in the series' units. The noise is estimated from second differences as for a
     * loss, but never taken below {@code minNoise} (a smooth curve sampled at a few checkpoints has almost
     * none, and would otherwise be cut at every bend).
     */
    public Result detectValues(Series s, double minNoise) {
        int n = s.size();
        if (n > MAX_POINTS) {
            throw new IllegalArgumentException(
                    s.name() + " has " + n + " points: at most " + MAX_POINTS + " (take every k-th point first)");
        }
        if (n < 2 * minSegment) {
            throw new IllegalArgumentException(s.name() + " has " + n + " points: need at least " + 2 * minSegment);
        }
        if (!(minNoise > 0)) {
            throw new IllegalArgumentException("minNoise = " + minNoise + ": must be > 0");
        }
        double[] x = new double[n];
        double[] y = s.values();
        for (int i = 0; i < n; i++) {
            if (logSteps && !(s.x(i) > 0)) {
                throw new IllegalArgumentException(s.name() + " at step " + s.x(i) + ": log steps need positive steps");
            }
            x[i] = logSteps ? Math.log(s.x(i)) : s.x(i);
        }
        return fit(s, x, y, Math.max(Robust.noiseFromSecondDifferences(y), minNoise));
    }

    private Result fit(Series loss, double[] x, double[] y, double noise) {
        int n = x.length;
        LineCosts cost = new LineCosts(x, y);
        double beta = penalty * Math.log(n);
        double[] best = new double[n + 1]; // best[j]: cost of points [0, j)
        int[] cut = new int[n + 1];
        java.util.Arrays.fill(best, Double.POSITIVE_INFINITY);
        best[0] = -beta;
        for (int j = minSegment; j <= n; j++) {
            for (int i = 0; i <= j - minSegment; i++) {
                if (best[i] == Double.POSITIVE_INFINITY) {
                    continue;
                }
                double c = best[i] + cost.rss(i, j) / (noise * noise) + beta;
                if (c < best[j]) {
                    best[j] = c;
                    cut[j] = i;
                }
            }
        }
        List<int[]> pieces = new ArrayList<>();
        for (int j = n; j > 0; j = cut[j]) {
            pieces.add(0, new int[] {cut[j], j});
        }
        List<Segment> segments = new ArrayList<>();
        for (int[] p : pieces) {
            double[] line = cost.line(p[0], p[1]);
            double start = line[0] + line[1] * x[p[0]];
            double end = line[0] + line[1] * x[p[1] - 1];
            Segment next = new Segment(
                    loss.x(p[0]),
                    loss.x(p[1] - 1),
                    start,
                    end,
                    Math.abs(end - start) < plateauDrop,
                    loss.value(p[0]),
                    loss.value(p[1] - 1));
            Segment last = segments.isEmpty() ? null : segments.get(segments.size() - 1);
            if (last != null
                    && last.plateau()
                    && next.plateau()
                    && Math.abs(next.logLossEnd() - last.logLossStart()) < plateauDrop) {
                next = new Segment(
                        last.fromStep(),
                        next.toStep(),
                        last.logLossStart(),
                        next.logLossEnd(),
                        true,
                        last.lossAtStart(),
                        next.lossAtEnd());
                segments.remove(segments.size() - 1);
            }
            segments.add(next);
        }
        List<PhaseChange> changes = new ArrayList<>();
        for (int s = 1; s < segments.size(); s++) {
            boolean before = segments.get(s - 1).plateau();
            boolean after = segments.get(s).plateau();
            if (before != after) {
                changes.add(new PhaseChange(
                        segments.get(s).fromStep(),
                        before ? PhaseChange.Kind.PLATEAU_ENDS : PhaseChange.Kind.PLATEAU_BEGINS));
            }
        }
        return new Result(List.copyOf(segments), List.copyOf(changes), noise);
    }

    /** Least-squares lines over index ranges in constant time, from prefix sums. */
    private static final class LineCosts {
        private final double[] sx, sy, sxx, sxy, syy;
        private final double shift;

        LineCosts(double[] x, double[] y) {
            int n = x.length;
            shift = x[0]; // centre for numerical stability
            sx = new double[n + 1];
            sy = new double[n + 1];
            sxx = new double[n + 1];
            sxy = new double[n + 1];
            syy = new double[n + 1];
            for (int i = 0; i < n; i++) {
                double xi = x[i] - shift;
                sx[i + 1] = sx[i] + xi;
                sy[i + 1] = sy[i] + y[i];
                sxx[i + 1] = sxx[i] + xi * xi;
                sxy[i + 1] = sxy[i] + xi * y[i];
                syy[i + 1] = syy[i] + y[i] * y[i];
            }
        }

        /** Residual sum of squares of the least-squares line through points [i, j). */
        double rss(int i, int j) {
            int m = j - i;
            double mx = (sx[j] - sx[i]) / m;
            double my = (sy[j] - sy[i]) / m;
            double cxx = sxx[j] - sxx[i] - m * mx * mx;
            double cxy = sxy[j] - sxy[i] - m * mx * my;
            double cyy = syy[j] - syy[i] - m * my * my;
            double r = cxx > 0 ? cyy - cxy * cxy / cxx : cyy;
            return Math.max(r, 0);
        }

        /** Intercept and slope (in the caller's x units) of the line through points [i, j). */
        double[] line(int i, int j) {
            int m = j - i;
            double mx = (sx[j] - sx[i]) / m;
            double my = (sy[j] - sy[i]) / m;
            double cxx = sxx[j] - sxx[i] - m * mx * mx;
            double cxy = sxy[j] - sxy[i] - m * mx * my;
            double slope = cxx > 0 ? cxy / cxx : 0;
            return new double[] {my - slope * (mx + shift), slope};
        }
    }
}
