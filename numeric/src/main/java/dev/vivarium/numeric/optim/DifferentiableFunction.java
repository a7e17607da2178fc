package dev.vivarium.numeric.optim;

/** A function R^n -> R with its gradient, evaluated together because they share most of the work. */
@FunctionalInterface
public interface DifferentiableFunction {
    /**
     * Evaluates the function at {@code x}.
     *
     * @param x the point; must not be modified
     * @param gradient receives the gradient at {@code x} (same length as {@code x})
     * @return the value at {@code x}
     */
    double valueAndGradient(double[] x, double[] gradient);
}
