package dev.vivarium.lens.heads;

import dev.vivarium.laws.detect.ChangePoints;
import dev.vivarium.laws.detect.Series;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The phase change of one series, read off the laws module's change-point detector ({@link ChangePoints}: the
 * log of the series cut into straight segments by penalised least squares): the segment whose end-to-end change
 * of the log value is the largest in the expected direction (a fall for a loss, a rise for a score) is the phase
 * change (plateaus, which change by less than the detector's {@code plateauDrop}, never are); it starts at the
 * segment's first step and ends at its last.
 *
 * @param series what was segmented
 * @param from the first step of the steepest segment
 * @param to its last step
 * @param valueBefore the series at {@code from}
 * @param valueAfter the series at {@code to}
 * @param segments the detector's segments, in order
 */
public record PhaseChange(
        String series, double from, double to, double valueBefore, double valueAfter, ChangePoints.Result segments) {

    /** Which way the series is expected to move at its phase change. */
    public enum Direction {
        FALL,
        RISE
    }

    /** The definition in words, for every output. */
    public static String definition(ChangePoints detector) {
        return "ChangePoints (laws/detect): log value cut into straight segments against "
                + (detector.logSteps() ? "log-step" : "step") + " (at least " + detector.minSegment()
                + " points each, penalty " + detector.penalty()
                + " log n, plateaus change by < " + detector.plateauDrop()
                + "); the phase change is the non-plateau segment with the largest end-to-end change of log value in the"
                + " expected direction, from its first to its last step";
    }

    /** The phase change of {@code s}, if a segment moves in {@code direction} at all. */
    public static Optional<PhaseChange> of(Series s, ChangePoints detector, Direction direction) {
        ChangePoints.Result r = detector.thinned(s);
        ChangePoints.Segment best = null;
        double bestMove = 0;
        for (ChangePoints.Segment seg : r.segments()) {
            if (seg.plateau()) {
                continue;
            }
            double move = seg.logLossEnd() - seg.logLossStart();
            double signed = direction == Direction.FALL ? -move : move;
            if (signed > bestMove) {
                bestMove = signed;
                best = seg;
            }
        }
        if (best == null) {
            return Optional.empty();
        }
        return Optional.of(
                new PhaseChange(s.name(), best.fromStep(), best.toStep(), best.lossAtStart(), best.lossAtEnd(), r));
    }

    /** As JSON: the steps, the values and every segment. */
    public Map<String, Object> json() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("series", series);
        m.put("from_step", (long) from);
        m.put("to_step", (long) to);
        m.put("value_at_from", valueBefore);
        m.put("value_at_to", valueAfter);
        m.put(
                "segments",
                segments.segments().stream()
                        .map(g -> Map.of(
                                "from_step", (long) g.fromStep(),
                                "to_step", (long) g.toStep(),
                                "value_at_from", g.lossAtStart(),
                                "value_at_to", g.lossAtEnd(),
                                "plateau", g.plateau()))
                        .toList());
        return m;
    }
}
