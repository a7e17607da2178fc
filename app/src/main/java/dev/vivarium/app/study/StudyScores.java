package dev.vivarium.app.study;

import dev.vivarium.laws.predict.Forecast;
import org.apache.commons.statistics.distribution.NormalDistribution;

/** The log score a study reports beside the registry's interval score. */
public final class StudyScores {
    private StudyScores() {}

    /**
     * The log score (Gneiting and Raftery 2007), {@code -log f(v)}, of a value under the log-normal whose median
     * is {@code centre} and whose central {@code range.confidence()} interval has the log-space width of the
     * forecast range; lower is better.
     */
    public static double logScore(double centre, Forecast.Range range, double value) {
        double z = NormalDistribution.of(0, 1).inverseCumulativeProbability(0.5 + range.confidence() / 2);
        double sigma = (Math.log(range.hi()) - Math.log(range.lo())) / (2 * z);
        double u = (Math.log(value) - Math.log(centre)) / sigma;
        return 0.5 * u * u + Math.log(sigma * value * Math.sqrt(2 * Math.PI));
    }
}
