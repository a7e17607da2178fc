package dev.vivarium.laws.fit;

import dev.vivarium.numeric.optim.OptimResult;
import java.util.List;

/**
 * A fitted law.
 *
 * @param law the law
 * @param theta the fitted parameters in theta units (log-coefficients, exponents)
 * @param objective the objective at {@code theta}
 * @param status why the optimiser stopped at {@code theta}
 * @param points how many points were fitted
 * @param residuals {@code log(predicted) - log(observed)} per point
 */
public record LawFit(
        Law law, double[] theta, double objective, OptimResult.Status status, int points, double[] residuals) {

    public LawFit {
        theta = theta.clone();
        residuals = residuals.clone();
    }

    /** The fitted parameters in natural units, in the order of {@link Law#parameterNames()}. */
    public double[] natural() {
        return law.natural(theta);
    }

    /** One fitted parameter in natural units, by name (e.g. {@code "E"}, {@code "alpha"}). */
    public double value(String name) {
        List<String> names = law.parameterNames();
        int i = names.indexOf(name);
        if (i < 0) {
            throw new IllegalArgumentException("no parameter '" + name + "' in " + law.name() + ": has " + names);
        }
        return natural()[i];
    }

    /** The law's prediction at the given inputs. */
    public double predict(double... x) {
        return law.predict(theta, x);
    }

    /** The standard deviation of the log-space residuals (ddof = number of parameters). */
    public double residualSd() {
        double ss = 0;
        for (double r : residuals) {
            ss += r * r;
        }
        int dof = Math.max(1, points - law.parameterCount());
        return Math.sqrt(ss / dof);
    }
}
