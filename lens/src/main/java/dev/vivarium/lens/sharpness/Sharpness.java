package dev.vivarium.lens.sharpness;

import ai.djl.ndarray.NDArray;
import dev.vivarium.core.model.Model;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * The largest eigenvalue of the training loss's Hessian by power iteration on exact
 * Hessian-vector products. Power iteration finds the eigenvalue of largest magnitude; if that is
 * negative, a second run on {@code H - lambda I} finds the largest one.
 */
public final class Sharpness {
    private Sharpness() {}

    /**
     * What power iteration found.
     *
     * @param eigenvalue the largest eigenvalue of the Hessian
     * @param iterations Hessian-vector products taken
     * @param converged whether successive estimates agreed to the tolerance
     * @param loss the training loss at these parameters
     */
    public record Result(double eigenvalue, int iterations, boolean converged, double loss) {}

    /**
     * @param tokens {@code [batch, pos]} the training inputs
     * @param targets {@code [batch, scored.length]} their answers
     * @param maxIterations products allowed per power iteration
     * @param tolerance relative change of the estimate at which to stop
     */
    public static Result topEigenvalue(
            Model model,
            NDArray tokens,
            NDArray targets,
            int[] scored,
            int maxIterations,
            double tolerance,
            long seed) {
        try (HessianVectorProducts hvp = new HessianVectorProducts(model, tokens, targets, scored)) {
            Result r = powerIteration(hvp, 0, maxIterations, tolerance, seed);
            if (r.eigenvalue() < 0) {
                Result shifted = powerIteration(hvp, r.eigenvalue(), maxIterations, tolerance, seed + 1);
                return new Result(
                        shifted.eigenvalue(), r.iterations() + shifted.iterations(), shifted.converged(), hvp.loss());
            }
            return r;
        }
    }

    /** Power iteration on {@code H - shift I}; returns the eigenvalue of H. */
    static Result powerIteration(
            HessianVectorProducts hvp, double shift, int maxIterations, double tolerance, long seed) {
        List<long[]> shapes = hvp.shapes();
        SplittableRandom random = new SplittableRandom(seed);
        List<double[]> v = new ArrayList<>();
        for (long[] s : shapes) {
            double[] part = new double[Math.toIntExact(size(s))];
            for (int i = 0; i < part.length; i++) {
                part[i] = gaussian(random);
            }
            v.add(part);
        }
        normalise(v);
        double lambda = Double.NaN;
        for (int it = 1; it <= maxIterations; it++) {
            List<float[]> hv = hvp.apply(toFloats(v));
            List<double[]> w = new ArrayList<>();
            double rayleigh = 0;
            for (int p = 0; p < v.size(); p++) {
                double[] vp = v.get(p);
                float[] hp = hv.get(p);
                double[] wp = new double[vp.length];
                for (int i = 0; i < vp.length; i++) {
                    wp[i] = hp[i] - shift * vp[i];
                    rayleigh += vp[i] * wp[i];
                }
                w.add(wp);
            }
            double previous = lambda;
            lambda = rayleigh;
            if (normalise(w) == 0) {
                return new Result(shift, it, true, hvp.loss());
            }
            v = w;
            if (it > 1 && Math.abs(lambda - previous) <= tolerance * Math.abs(lambda)) {
                return new Result(lambda + shift, it, true, hvp.loss());
            }
        }
        return new Result(lambda + shift, maxIterations, false, hvp.loss());
    }

    private static double normalise(List<double[]> v) {
        double sq = 0;
        for (double[] p : v) {
            for (double x : p) {
                sq += x * x;
            }
        }
        double norm = Math.sqrt(sq);
        if (norm > 0) {
            for (double[] p : v) {
                for (int i = 0; i < p.length; i++) {
                    p[i] /= norm;
                }
            }
        }
        return norm;
    }

    private static List<float[]> toFloats(List<double[]> v) {
        List<float[]> out = new ArrayList<>();
        for (double[] p : v) {
            float[] f = new float[p.length];
            for (int i = 0; i < p.length; i++) {
                f[i] = (float) p[i];
            }
            out.add(f);
        }
        return out;
    }

    private static long size(long[] shape) {
        long n = 1;
        for (long s : shape) {
            n *= s;
        }
        return n;
    }

    private static double gaussian(SplittableRandom r) {
        double u = 1 - r.nextDouble();
        return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * r.nextDouble());
    }
}
