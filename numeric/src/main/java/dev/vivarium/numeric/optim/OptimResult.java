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

        /** What the status means for the point found, in one sentence for reports. */
        public String explanation() {
            return switch (this) {
                case GRADIENT_SMALL -> "converged: the gradient's max-norm fell below its tolerance";
                case VALUE_STALLED -> "converged in value: one step lowered the objective by less than its relative"
                        + " tolerance (the gradient may still exceed its own tolerance, as in a flat valley)";
                case LINE_SEARCH_FAILED -> "stopped: no step along the search direction lowered the objective (at a"
                        + " kink of the loss or at rounding noise); most likely a minimum, not certainly";
                case MAX_ITERATIONS -> "NOT converged: the iteration limit was reached before any stopping test held";
            };
        }

        /** Whether the status means the optimiser reached a (numerical) stationary point. */
        public boolean converged() {
            return this != MAX_ITERATIONS;
        }
    }
}
