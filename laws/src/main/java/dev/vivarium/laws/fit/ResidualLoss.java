package dev.vivarium.laws.fit;

/**
 * The loss applied to each residual {@code r = log(predicted) - log(observed)}: Huber with threshold
 * {@code delta} (quadratic for {@code |r| <= delta}, linear beyond), or squared error when delta is infinite.
 *
 * @param delta Huber threshold, {@code > 0}; {@link Double#POSITIVE_INFINITY} gives {@code r^2 / 2}
 */
public record ResidualLoss(double delta) {

    /** Hoffmann et al.'s choice for Approach 3: Huber with delta = 1e-3. */
    public static final ResidualLoss HOFFMANN = new ResidualLoss(1e-3);

    /** Plain least squares in log space: {@code r^2 / 2}. */
    public static final ResidualLoss SQUARED = new ResidualLoss(Double.POSITIVE_INFINITY);

    public ResidualLoss {
        if (!(delta > 0)) {
            throw new IllegalArgumentException("delta = " + delta + ": must be > 0 (or +Infinity for squared loss)");
        }
    }

    /** The loss at residual {@code r} (scipy.special.huber(delta, r)). */
    public double value(double r) {
        double abs = Math.abs(r);
        return abs <= delta ? 0.5 * r * r : delta * (abs - 0.5 * delta);
    }

    /** The derivative of the loss at {@code r}. */
    public double derivative(double r) {
        return Math.abs(r) <= delta ? r : Math.copySign(delta, r);
    }
}
