package dev.vivarium.laws.capability;

import dev.vivarium.numeric.optim.DifferentiableFunction;
import dev.vivarium.numeric.optim.Lbfgs;
import dev.vivarium.numeric.optim.OptimResult;

/**
 * Least-squares fit of a {@link Sigmoid}'s slope and midpoint, by L-BFGS from a small grid of starts
 * (midpoints at the data's quantiles, slopes of either sign scaled to the data's range).
 *
 * @param floor the capability at chance
 * @param ceiling the capability when solved
 */
public record SigmoidFitter(double floor, double ceiling) {

    public SigmoidFitter {
        if (!(ceiling > floor)) {
            throw new IllegalArgumentException(
                    "floor = " + floor + ", ceiling = " + ceiling + ": need floor < ceiling");
        }
    }

    /** Fits {@code y} against {@code x}; both finite, at least 3 points (2 parameters, one degree left). */
    public Sigmoid fit(double[] x, double[] y) {
        check(x, y);
        double lo = java.util.Arrays.stream(x).min().orElseThrow();
        double hi = java.util.Arrays.stream(x).max().orElseThrow();
        double range = Math.max(hi - lo, 1e-12);
        Sigmoid best = null;
        double bestValue = Double.POSITIVE_INFINITY;
        for (double q : new double[] {0.1, 0.3, 0.5, 0.7, 0.9}) {
            for (double slope : new double[] {-20, -5, -1, 1, 5, 20}) {
                OptimResult r =
                        Lbfgs.DEFAULT.minimize(objective(x, y, null), new double[] {slope / range, lo + q * range});
                if (r.value() < bestValue) {
                    bestValue = r.value();
                    best = new Sigmoid(r.x()[0], r.x()[1], floor, ceiling);
                }
            }
        }
        return best;
    }

    /** Refits from {@code start} with per-point weights (a bootstrap resample's counts). */
    public Sigmoid refit(double[] x, double[] y, int[] weights, Sigmoid start) {
        check(x, y);
        OptimResult r = Lbfgs.DEFAULT.minimize(objective(x, y, weights), new double[] {start.k(), start.x0()});
        return new Sigmoid(r.x()[0], r.x()[1], floor, ceiling);
    }

    private DifferentiableFunction objective(double[] x, double[] y, int[] weights) {
        double span = ceiling - floor;
        return (p, g) -> {
            double k = p[0];
            double x0 = p[1];
            double total = 0;
            g[0] = 0;
            g[1] = 0;
            for (int i = 0; i < x.length; i++) {
                int w = weights == null ? 1 : weights[i];
                if (w == 0) {
                    continue;
                }
                double s = 1 / (1 + Math.exp(-k * (x[i] - x0)));
                double r = floor + span * s - y[i];
                total += w * 0.5 * r * r;
                double ds = w * r * span * s * (1 - s);
                g[0] += ds * (x[i] - x0);
                g[1] -= ds * k;
            }
            return total;
        };
    }

    private static void check(double[] x, double[] y) {
        if (x.length != y.length) {
            throw new IllegalArgumentException("got " + x.length + " x values but " + y.length + " y values");
        }
        if (x.length < 3) {
            throw new IllegalArgumentException("fewer points (" + x.length + ") than needed (3) for a sigmoid's 2"
                    + " parameters and one degree of freedom");
        }
        for (int i = 0; i < x.length; i++) {
            if (!Double.isFinite(x[i]) || !Double.isFinite(y[i])) {
                throw new IllegalArgumentException(
                        "point " + i + " is (" + x[i] + ", " + y[i] + "): both must be finite");
            }
        }
    }
}
