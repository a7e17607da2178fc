package dev.vivarium.laws.detect;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Loss spikes: points whose log-loss exceeds the median of the preceding {@code window} points by more than
 * {@code sigmas} robust standard deviations of such excesses and by a factor of at least {@code minRatio}.
 * Consecutive flagged points form one spike.
 *
 * @param window trailing points in the baseline median, {@code >= 3}
 * @param sigmas robust standard deviations above the baseline, {@code > 0}
 * @param minRatio smallest loss / baseline ratio that counts, {@code >= 1}
 */
public record Spikes(int window, double sigmas, double minRatio) {

    /** Window 20, 6 robust standard deviations, at least 10% above the baseline. */
    public static final Spikes DEFAULT = new Spikes(20, 6, 1.1);

    /**
     * One spike.
     *
     * @param startStep first flagged step
     * @param peakStep step of the highest loss in the spike
     * @param endStep last flagged step
     * @param peakValue the highest loss
     * @param baseline the trailing median just before the spike
     */
    public record Spike(double startStep, double peakStep, double endStep, double peakValue, double baseline) {
        /** How many times the baseline the peak is. */
        public double ratio() {
            return peakValue / baseline;
        }
    }

    public Spikes {
        if (window < 3) {
            throw new IllegalArgumentException("window = " + window + ": must be >= 3");
        }
        if (!(sigmas > 0) || !(minRatio >= 1)) {
            throw new IllegalArgumentException(
                    "sigmas = " + sigmas + ", minRatio = " + minRatio + ": need sigmas > 0 and minRatio >= 1");
        }
    }

    /** Finds the spikes of a positive loss series. */
    public List<Spike> detect(Series loss) {
        int n = loss.size();
        double[] logLoss = new double[n];
        for (int i = 0; i < n; i++) {
            if (!(loss.value(i) > 0)) {
                throw new IllegalArgumentException(loss.name() + " = " + loss.value(i) + " at step " + loss.x(i)
                        + ": spike detection works on log-loss and needs positive values");
            }
            logLoss[i] = Math.log(loss.value(i));
        }
        double[] baseline = new double[n];
        double[] excess = new double[Math.max(0, n - 1)];
        for (int i = 1; i < n; i++) {
            baseline[i] = Robust.median(Arrays.copyOfRange(logLoss, Math.max(0, i - window), i));
            excess[i - 1] = logLoss[i] - baseline[i];
        }
        List<Spike> spikes = new ArrayList<>();
        if (n < window + 1) {
            return spikes;
        }
        double sd = Robust.madSd(excess);
        double cut = Math.max(sigmas * sd, Math.log(minRatio));
        int start = -1;
        int peak = -1;
        for (int i = window; i <= n; i++) {
            boolean flagged = i < n && logLoss[i] - baseline[i] > cut;
            if (flagged) {
                if (start < 0) {
                    start = i;
                    peak = i;
                } else if (logLoss[i] > logLoss[peak]) {
                    peak = i;
                }
            } else if (start >= 0) {
                spikes.add(new Spike(
                        loss.x(start), loss.x(peak), loss.x(i - 1), loss.value(peak), Math.exp(baseline[start])));
                start = -1;
            }
        }
        return spikes;
    }
}
