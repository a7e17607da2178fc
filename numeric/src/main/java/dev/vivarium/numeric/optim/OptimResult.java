package dev.vivarium.numeric.optim;

/**
 * The outcome of a minimisation.
 *
 * @param x the best point found
 * @param value the function value at {@code x}
 * @param gradientNorm the max-norm of the gradient at {@code x}
 * @param iterations quasi-Newton iterations taken
 * @param evaluations function (and gradient) evaluations
 * @param status why the optimiser stopped
 */
public record OptimResult(
        double[] x, double value, double gradientNorm, int iterations, int evaluations, Status status) {

    /** Why the optimiser stopped. */
    public enum Status {
        /** The gradient's max-norm fell below the tolerance. */
        GRADIENT_SMALL,
        /** The relative decrease of the value fell below the tolerance. */
        VALUE_STALLED,
        /** No step along the search direction decreased the value enough (often: at a kink or at noise level). */
        LINE_SEARCH_FAILED,
        /** The iteration limit was reached. */
        MAX_ITERATIONS;

        /** Whether the status means the optimiser reached a (numerical) stationary point. */
        public boolean converged() {
            return this != MAX_ITERATIONS;
        }
    }
}
