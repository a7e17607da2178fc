package dev.vivarium.laws.fit;

/**
 * The compute-optimal allocation of L(N, D) = E + A/N^alpha + B/D^beta under C = 6 N D (Hoffmann et al.,
 * appendix D.2): {@code N_opt(C) = G (C/6)^a}, {@code D_opt(C) = G^-1 (C/6)^b} with
 * {@code G = (alpha A / (beta B))^(1 / (alpha + beta))}, {@code a = beta / (alpha + beta)},
 * {@code b = alpha / (alpha + beta)}.
 *
 * @param a the exponent of N_opt against C
 * @param b the exponent of D_opt against C ({@code a + b = 1})
 * @param g the constant G
 */
public record ComputeOptimal(double a, double b, double g) {

    public ComputeOptimal {
        if (!(a > 0 && b > 0 && g > 0) || Double.isInfinite(g)) {
            throw new IllegalArgumentException("a = " + a + ", b = " + b + ", G = " + g
                    + ": all must be finite and > 0 (alpha and beta must be positive for an optimum to exist)");
        }
    }

    /** From natural parameters {@code A, B, alpha, beta}. */
    public static ComputeOptimal of(double bigA, double bigB, double alpha, double beta) {
        double sum = alpha + beta;
        return new ComputeOptimal(beta / sum, alpha / sum, Math.pow(alpha * bigA / (beta * bigB), 1 / sum));
    }

    /** From a fit of {@link Law#chinchilla()}. */
    public static ComputeOptimal of(LawFit fit) {
        return of(fit.value("A"), fit.value("B"), fit.value("alpha"), fit.value("beta"));
    }

    /** The loss-minimising model size at compute {@code c} FLOPs. */
    public double nOpt(double c) {
        checkCompute(c);
        return g * Math.pow(c / 6, a);
    }

    /** The loss-minimising number of training tokens at compute {@code c} FLOPs. */
    public double dOpt(double c) {
        checkCompute(c);
        return Math.pow(c / 6, b) / g;
    }

    private static void checkCompute(double c) {
        if (!(c > 0) || Double.isInfinite(c)) {
            throw new IllegalArgumentException("C = " + c + ": must be finite and > 0");
        }
    }
}
