package dev.vivarium.lens.probe;

import java.util.ArrayDeque;
import java.util.Deque;

/** Limited-memory BFGS (Nocedal and Wright, algorithm 7.4) with a backtracking Armijo line search. */
final class Lbfgs {
    private static final int MEMORY = 10;

    private Lbfgs() {}

    /** A smooth function: returns f(x) and writes its gradient into {@code grad}. */
    interface Objective {
        double value(double[] x, double[] grad);
    }

    static double[] minimize(Objective f, double[] x0, int maxIterations, double gradTol) {
        int n = x0.length;
        double[] x = x0.clone();
        double[] g = new double[n];
        double fx = f.value(x, g);
        Deque<double[][]> history = new ArrayDeque<>(); // {s, y} pairs, newest first
        for (int it = 0; it < maxIterations && norm(g) > gradTol; it++) {
            double[] d = direction(g, history);
            if (dot(d, g) >= 0) { // not a descent direction: restart from steepest descent
                history.clear();
                d = scale(g, -1);
            }
            double step = 1;
            double[] xNew = new double[n];
            double[] gNew = new double[n];
            double fNew = Double.NaN;
            double slope = dot(d, g);
            for (int tries = 0; tries < 50; tries++) {
                for (int i = 0; i < n; i++) {
                    xNew[i] = x[i] + step * d[i];
                }
                fNew = f.value(xNew, gNew);
                if (fNew <= fx + 1e-4 * step * slope) {
                    break;
                }
                step /= 2;
            }
            if (!(fNew <= fx)) {
                break; // no progress possible in floating point
            }
            double[] s = new double[n];
            double[] y = new double[n];
            for (int i = 0; i < n; i++) {
                s[i] = xNew[i] - x[i];
                y[i] = gNew[i] - g[i];
            }
            if (dot(s, y) > 1e-12) {
                history.addFirst(new double[][] {s, y});
                if (history.size() > MEMORY) {
                    history.removeLast();
                }
            }
            boolean converged = Math.abs(fx - fNew) <= 1e-14 * Math.max(1, Math.abs(fx));
            x = xNew;
            g = gNew;
            fx = fNew;
            if (converged) {
                break;
            }
        }
        return x;
    }

    /** The two-loop recursion: {@code -H g} with H the L-BFGS inverse Hessian estimate. */
    private static double[] direction(double[] g, Deque<double[][]> history) {
        double[] q = g.clone();
        double[] alpha = new double[history.size()];
        int i = 0;
        for (double[][] sy : history) {
            alpha[i] = dot(sy[0], q) / dot(sy[1], sy[0]);
            axpy(-alpha[i], sy[1], q);
            i++;
        }
        if (!history.isEmpty()) {
            double[][] last = history.peekFirst();
            double gamma = dot(last[0], last[1]) / dot(last[1], last[1]);
            q = scale(q, gamma);
        }
        Object[] pairs = history.toArray();
        for (int j = pairs.length - 1; j >= 0; j--) {
            double[][] sy = (double[][]) pairs[j];
            double beta = dot(sy[1], q) / dot(sy[1], sy[0]);
            axpy(alpha[j] - beta, sy[0], q);
        }
        return scale(q, -1);
    }

    private static double dot(double[] a, double[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            s += a[i] * b[i];
        }
        return s;
    }

    private static double norm(double[] a) {
        return Math.sqrt(dot(a, a));
    }

    private static void axpy(double a, double[] x, double[] y) {
        for (int i = 0; i < x.length; i++) {
            y[i] += a * x[i];
        }
    }

    private static double[] scale(double[] a, double s) {
        double[] o = new double[a.length];
        for (int i = 0; i < a.length; i++) {
            o[i] = a[i] * s;
        }
        return o;
    }
}
