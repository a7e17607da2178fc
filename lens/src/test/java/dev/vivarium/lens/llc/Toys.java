package dev.vivarium.lens.llc;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.vivarium.core.engine.Ops;
import java.util.List;
import java.util.SplittableRandom;

/** Toy losses with known learning coefficients, in float64. */
final class Toys {
    private Toys() {}

    static double gaussian(SplittableRandom r) {
        double u = 1 - r.nextDouble();
        return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * r.nextDouble());
    }

    static NDArray leaf(NDManager m, double[] values) {
        NDArray a = Ops.owned(Ops.doubles(m, values, new Shape(values.length)));
        a.setRequiresGradient(true);
        return a;
    }

    /**
     * Linear regression {@code y = w . x + noise} with Gaussian x (d features) and unit noise, loss the Gaussian
     * negative log-likelihood {@code (y - w . x)^2 / 2}, parameters at the least-squares fit: regular, lambda = d/2.
     */
    static final class Regression implements LlcLoss {
        final int n;
        final int d;
        final NDArray x; // [n, d]
        final NDArray y; // [n]
        final NDArray w; // [d]
        final NDArray half;

        Regression(NDManager m, int n, int d, long seed) {
            this.n = n;
            this.d = d;
            SplittableRandom r = new SplittableRandom(seed);
            double[] xs = new double[n * d];
            double[] ys = new double[n];
            double[] truth = new double[d];
            for (int j = 0; j < d; j++) {
                truth[j] = gaussian(r);
            }
            for (int i = 0; i < n; i++) {
                double dot = 0;
                for (int j = 0; j < d; j++) {
                    xs[i * d + j] = gaussian(r);
                    dot += truth[j] * xs[i * d + j];
                }
                ys[i] = dot + gaussian(r);
            }
            x = Ops.owned(Ops.doubles(m, xs, new Shape(n, d)));
            y = Ops.owned(Ops.doubles(m, ys, new Shape(n)));
            w = leaf(m, leastSquares(xs, ys, n, d));
            half = Ops.owned(Ops.doubles(m, new double[] {0.5}, new Shape()));
        }

        /** Solves {@code X^T X w = X^T y} by Gaussian elimination with partial pivoting. */
        static double[] leastSquares(double[] xs, double[] ys, int n, int d) {
            double[][] a = new double[d][d + 1];
            for (int i = 0; i < n; i++) {
                for (int j = 0; j < d; j++) {
                    for (int k = 0; k < d; k++) {
                        a[j][k] += xs[i * d + j] * xs[i * d + k];
                    }
                    a[j][d] += xs[i * d + j] * ys[i];
                }
            }
            for (int c = 0; c < d; c++) {
                int p = c;
                for (int r = c + 1; r < d; r++) {
                    if (Math.abs(a[r][c]) > Math.abs(a[p][c])) {
                        p = r;
                    }
                }
                double[] t = a[c];
                a[c] = a[p];
                a[p] = t;
                for (int r = 0; r < d; r++) {
                    if (r != c) {
                        double f = a[r][c] / a[c][c];
                        for (int k = c; k <= d; k++) {
                            a[r][k] -= f * a[c][k];
                        }
                    }
                }
            }
            double[] w = new double[d];
            for (int j = 0; j < d; j++) {
                w[j] = a[j][d] / a[j][j];
            }
            return w;
        }

        @Override
        public int n() {
            return n;
        }

        @Override
        public List<NDArray> params() {
            return List.of(w);
        }

        @Override
        public NDArray loss(NDArray rows) {
            NDArray residual = y.get(rows).sub(x.get(rows).matMul(w));
            return residual.square().mean().mul(half);
        }
    }

    /**
     * {@code f(x) = w1 w2 x} with data from the true function 0 ({@code y} = unit noise with its empirical
     * correlation with x projected out, so that w* = (0, 0) minimises L_n exactly), loss {@code (y - f(x))^2 / 2}:
     * singular, lambda = 1/2 (multiplicity 2).
     */
    static final class Product implements LlcLoss {
        final int n;
        final NDArray x;
        final NDArray y;
        final NDArray w1;
        final NDArray w2;
        final NDArray half;

        Product(NDManager m, int n, double xScale, long seed) {
            this.n = n;
            SplittableRandom r = new SplittableRandom(seed);
            double[] xs = new double[n];
            double[] ys = new double[n];
            double sxy = 0;
            double sxx = 0;
            for (int i = 0; i < n; i++) {
                xs[i] = xScale * gaussian(r);
                ys[i] = gaussian(r);
                sxy += xs[i] * ys[i];
                sxx += xs[i] * xs[i];
            }
            for (int i = 0; i < n; i++) {
                ys[i] -= sxy / sxx * xs[i];
            }
            x = Ops.owned(Ops.doubles(m, xs, new Shape(n)));
            y = Ops.owned(Ops.doubles(m, ys, new Shape(n)));
            w1 = leaf(m, new double[] {0});
            w2 = leaf(m, new double[] {0});
            half = Ops.owned(Ops.doubles(m, new double[] {0.5}, new Shape()));
        }

        @Override
        public int n() {
            return n;
        }

        @Override
        public List<NDArray> params() {
            return List.of(w1, w2);
        }

        @Override
        public NDArray loss(NDArray rows) {
            NDArray residual = y.get(rows).sub(x.get(rows).mul(w1.mul(w2)));
            return residual.square().mean().mul(half);
        }
    }

    /**
     * {@code l_i(w) = c_i + a |w|^2 / 2} with constants {@code c_i} that are 0 for the first half of the examples
     * and {@code c} for the second: every minibatch has the exact gradient, but its loss differs from the whole
     * set's by c times the imbalance of its halves. At w* = 0 the exact estimate is {@code (d/2) n beta a / (n beta a
     * + gamma)}.
     */
    static final class Offsets implements LlcLoss {
        final int n;
        final NDArray offsets;
        final NDArray w;
        final NDArray half;

        Offsets(NDManager m, int n, int d, double c, double a) {
            this.n = n;
            double[] cs = new double[n];
            for (int i = n / 2; i < n; i++) {
                cs[i] = c;
            }
            offsets = Ops.owned(Ops.doubles(m, cs, new Shape(n)));
            w = leaf(m, new double[d]);
            half = Ops.owned(Ops.doubles(m, new double[] {a / 2}, new Shape()));
        }

        @Override
        public int n() {
            return n;
        }

        @Override
        public List<NDArray> params() {
            return List.of(w);
        }

        @Override
        public NDArray loss(NDArray rows) {
            return offsets.get(rows).mean().add(w.square().sum().mul(half));
        }
    }
}
