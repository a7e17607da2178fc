package dev.vivarium.lens.progress;

import java.util.List;
import java.util.OptionalLong;

/**
 * The three phases of grokking read off a progress table, by rules stated here so that anyone can
 * check them against the table:
 *
 * <ul>
 *   <li>the training set is memorised at the step {@link dev.vivarium.numeric.event.Memorisation} reads
 *       off the run's metric log (given to {@link #readOff}, not read from the checkpoints);
 *   <li>memorisation ends and circuit formation starts at the checkpoint, before clean-up starts,
 *       where the excluded loss is lowest: from there on it rises while the training loss stays low,
 *       because the network fits its training data more and more through the key frequencies;
 *   <li>clean-up starts at the first checkpoint after the test loss's peak where the log test loss
 *       has come down 10% of the way from that peak to its final value;
 *   <li>clean-up ends where it has come down 90% of the way.
 * </ul>
 *
 * Circuit formation is the span between those two boundaries. The
 * same 10% rule, applied to the restricted loss from its peak, says when the key-frequency circuit
 * starts to work ({@link #restrictedFalls}); Nanda et al. see it fall well before the test loss.
 * Checkpoints are log-spaced, so each boundary is known only to within the spacing around it.
 */
public record Phases(
        OptionalLong memorised,
        OptionalLong circuitFormationStarts,
        OptionalLong cleanupStarts,
        OptionalLong cleanupEnds,
        OptionalLong restrictedFalls,
        OptionalLong testFalls) {

    /** @param memorised the memorisation step of the run's metric log, if it memorised */
    public static Phases readOff(List<ProgressRow> rows, OptionalLong memorised) {
        double[] test = rows.stream().mapToDouble(ProgressRow::testLoss).toArray();
        double[] restricted =
                rows.stream().mapToDouble(ProgressRow::restrictedLoss).toArray();
        OptionalLong start = fallen(rows, test, 0.1);
        OptionalLong circuit = OptionalLong.empty();
        double lowest = Double.POSITIVE_INFINITY;
        for (ProgressRow r : rows) {
            if (start.isPresent() && r.step() >= start.getAsLong()) {
                break;
            }
            if (memorised.isPresent() && r.step() >= memorised.getAsLong() && r.excludedLoss() < lowest) {
                lowest = r.excludedLoss();
                circuit = OptionalLong.of(r.step());
            }
        }
        return new Phases(memorised, circuit, start, fallen(rows, test, 0.9), fallen(rows, restricted, 0.1), start);
    }

    /** First step after the peak of {@code v} where log v has fallen {@code share} of the way to its end. */
    static OptionalLong fallen(List<ProgressRow> rows, double[] v, double share) {
        int peak = 0;
        for (int i = 1; i < v.length; i++) {
            peak = v[i] > v[peak] ? i : peak;
        }
        double top = Math.log(v[peak]);
        double end = Math.log(v[v.length - 1]);
        if (!(top > end)) {
            return OptionalLong.empty();
        }
        double level = top - share * (top - end);
        for (int i = peak; i < v.length; i++) {
            if (Math.log(v[i]) <= level) {
                return OptionalLong.of(rows.get(i).step());
            }
        }
        return OptionalLong.empty();
    }
}
