package dev.vivarium.laws.capability;

/**
 * A capability curve {@code y = floor + (ceiling - floor) / (1 + exp(-k (x - x0)))}, with {@code x} a
 * log-loss or a log-compute. The floor (chance) and ceiling are given; {@code k} and {@code x0} are fitted.
 * With {@code x} a loss, capability rises as loss falls and {@code k} comes out negative.
 *
 * @param k the slope in x
 * @param x0 the midpoint
 * @param floor the value far below the midpoint (e.g. chance accuracy)
 * @param ceiling the value far above it, {@code > floor}
 */
public record Sigmoid(double k, double x0, double floor, double ceiling) {

    public Sigmoid {
        if (!(ceiling > floor)) {
            throw new IllegalArgumentException(
                    "floor = " + floor + ", ceiling = " + ceiling + ": need floor < ceiling");
        }
        if (!Double.isFinite(k) || !Double.isFinite(x0)) {
            throw new IllegalArgumentException("k = " + k + ", x0 = " + x0 + ": both must be finite");
        }
    }

    /** The curve's value at {@code x}. */
    public double value(double x) {
        return floor + (ceiling - floor) / (1 + Math.exp(-k * (x - x0)));
    }

    /** Where the curve crosses {@code threshold}, which must lie strictly between floor and ceiling. */
    public double crossing(double threshold) {
        if (!(threshold > floor && threshold < ceiling)) {
            throw new IllegalArgumentException("threshold = " + threshold + ": must lie strictly between floor " + floor
                    + " and ceiling " + ceiling);
        }
        if (k == 0) {
            return Double.NaN;
        }
        return x0 + Math.log((threshold - floor) / (ceiling - threshold)) / k;
    }
}
