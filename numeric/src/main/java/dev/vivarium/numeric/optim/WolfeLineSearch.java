package dev.vivarium.numeric.optim;

/**
 * A line search that returns a step satisfying the strong Wolfe conditions (Nocedal and Wright,
 * Numerical Optimization, 2nd ed., algorithms 3.5 and 3.6): sufficient decrease
 * {@code f(x + a p) <= f(x) + c1 a g'p} and curvature {@code |g(x + a p)'p| <= c2 |g'p|}. The zoom phase
 * interpolates with a safeguarded cubic through the two bracketing points' values and slopes.
 */
final class WolfeLineSearch {
    private static final double C1 = 1e-4;
    private static final double C2 = 0.9;
    private static final int MAX_EVALUATIONS = 40;

    /** One trial point along the line: step, value, slope along the direction, point and gradient. */
    record Trial(double step, double value, double slope, double[] x, double[] gradient) {}

    private final DifferentiableFunction f;
    private int evaluations;
    private int budget;

    WolfeLineSearch(DifferentiableFunction f) {
        this.f = f;
    }

    int evaluations() {
        return evaluations;
    }

    /**
     * Searches along {@code direction} from {@code start}.
     *
     * @return an accepted trial, or {@code null} when no step satisfying the conditions was found
     */
    Trial search(Trial start, double[] direction, double initialStep) {
        budget = evaluations + MAX_EVALUATIONS;
        double phi0 = start.value();
        double dphi0 = start.slope();
        Trial previous = start;
        double step = initialStep;
        for (int i = 0; evaluations < budget; i++) {
            Trial trial = evaluate(start.x(), direction, step);
            if (!(trial.value() <= phi0 + C1 * step * dphi0) || (i > 0 && trial.value() >= previous.value())) {
                return zoom(start, direction, previous, trial);
            }
            if (Math.abs(trial.slope()) <= -C2 * dphi0) {
                return trial;
            }
            if (trial.slope() >= 0) {
                return zoom(start, direction, trial, previous);
            }
            previous = trial;
            step *= 2;
        }
        return null;
    }

    private Trial zoom(Trial start, double[] direction, Trial lo, Trial hi) {
        double phi0 = start.value();
        double dphi0 = start.slope();
        while (evaluations < budget) {
            double step = interpolate(lo, hi);
            if (Math.abs(hi.step() - lo.step()) < 1e-16 * Math.max(1, Math.abs(lo.step()))) {
                return lo.step() > 0 && lo.value() < phi0 ? lo : null;
            }
            Trial trial = evaluate(start.x(), direction, step);
            if (!(trial.value() <= phi0 + C1 * step * dphi0) || trial.value() >= lo.value()) {
                hi = trial;
            } else {
                if (Math.abs(trial.slope()) <= -C2 * dphi0) {
                    return trial;
                }
                if (trial.slope() * (hi.step() - lo.step()) >= 0) {
                    hi = lo;
                }
                lo = trial;
            }
        }
        return lo.step() > 0 && lo.value() < phi0 ? lo : null;
    }

    /** Safeguarded cubic interpolation between two trials; bisection when the cubic is unusable. */
    private static double interpolate(Trial lo, Trial hi) {
        double a = lo.step();
        double b = hi.step();
        double left = Math.min(a, b);
        double width = Math.abs(b - a);
        double mid = 0.5 * (a + b);
        if (!Double.isFinite(hi.value()) || !Double.isFinite(hi.slope())) {
            return mid;
        }
        double d1 = lo.slope() + hi.slope() - 3 * (lo.value() - hi.value()) / (a - b);
        double disc = d1 * d1 - lo.slope() * hi.slope();
        if (disc < 0) {
            return mid;
        }
        double d2 = Math.signum(b - a) * Math.sqrt(disc);
        double step = b - (b - a) * (hi.slope() + d2 - d1) / (hi.slope() - lo.slope() + 2 * d2);
        boolean inside = step > left + 0.1 * width && step < left + 0.9 * width;
        return Double.isFinite(step) && inside ? step : mid;
    }

    private Trial evaluate(double[] x0, double[] direction, double step) {
        int n = x0.length;
        double[] x = new double[n];
        for (int i = 0; i < n; i++) {
            x[i] = x0[i] + step * direction[i];
        }
        double[] gradient = new double[n];
        double value = f.valueAndGradient(x, gradient);
        evaluations++;
        double slope = 0;
        for (int i = 0; i < n; i++) {
            slope += gradient[i] * direction[i];
        }
        if (Double.isNaN(value)) {
            value = Double.POSITIVE_INFINITY;
        }
        return new Trial(step, value, slope, x, gradient);
    }
}
