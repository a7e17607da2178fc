package dev.vivarium.numeric.optim;

import dev.vivarium.numeric.optim.OptimResult.Status;
import dev.vivarium.numeric.optim.WolfeLineSearch.Trial;

/**
 * Limited-memory BFGS (Nocedal and Wright, algorithm 7.4/7.5): the two-loop recursion over the last
 * {@code memory} curvature pairs, scaled by {@code s'y / y'y}, with a strong-Wolfe line search.
 *
 * <p>Written here because no maintained, permissively licensed library on Maven Central offers L-BFGS for
 * plain {@code double[]} problems (Hipparchus and Commons Math have none; Smile's is GPL).
 *
 * @param memory number of curvature pairs kept (typically 5 to 20)
 * @param maxIterations iteration limit
 * @param gradientTolerance stop when the gradient's max-norm is at most this
 * @param valueTolerance stop when {@code (f_k - f_{k+1}) / max(|f_k|, |f_{k+1}|)} is at most this (a purely
 *     relative test, so that objectives of any scale, such as a sum of small Huber losses, converge alike)
 */
public record Lbfgs(int memory, int maxIterations, double gradientTolerance, double valueTolerance) {

    /** Memory 10, 1000 iterations, gradient tolerance 1e-10, relative value tolerance 1e-10. */
    public static final Lbfgs DEFAULT = new Lbfgs(10, 1000, 1e-10, 1e-10);

    public Lbfgs {
        if (memory < 1 || memory > 100) {
            throw new IllegalArgumentException("memory = " + memory + ": must be in [1, 100]");
        }
        if (maxIterations < 1) {
            throw new IllegalArgumentException("maxIterations = " + maxIterations + ": must be >= 1");
        }
        if (!(gradientTolerance >= 0) || !(valueTolerance >= 0)) {
            throw new IllegalArgumentException("gradientTolerance = " + gradientTolerance + ", valueTolerance = "
                    + valueTolerance + ": both must be >= 0");
        }
    }

    /** Minimises {@code f} from {@code start} (not modified). */
    public OptimResult minimize(DifferentiableFunction f, double[] start) {
        int n = start.length;
        WolfeLineSearch lineSearch = new WolfeLineSearch(f);
        double[][] s = new double[memory][];
        double[][] y = new double[memory][];
        double[] rho = new double[memory];
        int stored = 0;
        int newest = -1;

        double[] g0 = new double[n];
        double f0 = f.valueAndGradient(start.clone(), g0);
        if (!Double.isFinite(f0)) {
            throw new IllegalArgumentException("objective is not finite at the starting point: " + f0);
        }
        Trial current = new Trial(0, f0, 0, start.clone(), g0);
        double[] direction = new double[n];
        double[] alpha = new double[memory];
        int iteration = 0;
        Status status = Status.MAX_ITERATIONS;
        while (iteration < maxIterations) {
            double[] g = current.gradient();
            if (maxAbs(g) <= gradientTolerance) {
                status = Status.GRADIENT_SMALL;
                break;
            }
            // two-loop recursion: direction = -H g
            for (int i = 0; i < n; i++) {
                direction[i] = -g[i];
            }
            for (int k = 0; k < stored; k++) {
                int j = Math.floorMod(newest - k, memory);
                alpha[j] = rho[j] * dot(s[j], direction);
                axpy(-alpha[j], y[j], direction);
            }
            if (stored > 0) {
                double gamma = dot(s[newest], y[newest]) / dot(y[newest], y[newest]);
                for (int i = 0; i < n; i++) {
                    direction[i] *= gamma;
                }
            }
            for (int k = stored - 1; k >= 0; k--) {
                int j = Math.floorMod(newest - k, memory);
                double beta = rho[j] * dot(y[j], direction);
                axpy(alpha[j] - beta, s[j], direction);
            }
            double slope = dot(g, direction);
            if (!(slope < 0)) { // not a descent direction: forget the history and go downhill
                stored = 0;
                for (int i = 0; i < n; i++) {
                    direction[i] = -g[i];
                }
                slope = -dot(g, g);
            }
            double initialStep = stored == 0 ? 1.0 / Math.max(1.0, Math.sqrt(-slope)) : 1.0;
            Trial origin = new Trial(0, current.value(), slope, current.x(), g);
            Trial next = lineSearch.search(origin, direction, initialStep);
            if (next == null) {
                if (stored == 0) {
                    status = Status.LINE_SEARCH_FAILED;
                    break;
                }
                stored = 0; // retry once along steepest descent
                continue;
            }
            iteration++;
            double[] sk = new double[n];
            double[] yk = new double[n];
            for (int i = 0; i < n; i++) {
                sk[i] = next.x()[i] - current.x()[i];
                yk[i] = next.gradient()[i] - g[i];
            }
            double sy = dot(sk, yk);
            if (sy > 1e-12 * Math.sqrt(dot(sk, sk) * dot(yk, yk))) {
                newest = (newest + 1) % memory;
                s[newest] = sk;
                y[newest] = yk;
                rho[newest] = 1 / sy;
                stored = Math.min(stored + 1, memory);
            }
            double decrease = current.value() - next.value();
            double scale = Math.max(Math.abs(current.value()), Math.abs(next.value()));
            current = next;
            if (decrease <= valueTolerance * scale) {
                status = Status.VALUE_STALLED;
                break;
            }
        }
        return new OptimResult(
                current.x(),
                current.value(),
                maxAbs(current.gradient()),
                iteration,
                lineSearch.evaluations() + 1,
                status);
    }

    private static double dot(double[] a, double[] b) {
        double sum = 0;
        for (int i = 0; i < a.length; i++) {
            sum += a[i] * b[i];
        }
        return sum;
    }

    private static void axpy(double a, double[] x, double[] y) {
        for (int i = 0; i < x.length; i++) {
            y[i] += a * x[i];
        }
    }

    private static double maxAbs(double[] v) {
        double max = 0;
        for (double d : v) {
            max = Math.max(max, Math.abs(d));
        }
        return max;
    }
}
