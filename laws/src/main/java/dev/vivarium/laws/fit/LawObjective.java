package dev.vivarium.laws.fit;

import dev.vivarium.numeric.LogSumExp;
import dev.vivarium.numeric.optim.DifferentiableFunction;

/**
 * The fitting objective {@code sum_i w_i * loss(logsumexp_k(t_ik) - log y_i)} with
 * {@code t_ik = c_k - p_k log x_{i(k)}} and its analytic gradient. Integer weights let a bootstrap resample
 * be a count per point instead of a copied data set.
 */
final class LawObjective implements DifferentiableFunction {
    private final int terms;
    private final int[] inputOf; // [term] -> input index or -1
    private final int[] exponentOf; // [term] -> index in theta of the exponent, or -1
    private final double[][] logX;
    private final double[] logY;
    private final int[] weights;
    private final ResidualLoss loss;

    LawObjective(Law law, LawData data, ResidualLoss loss, int[] weights) {
        this.terms = law.terms().size();
        this.inputOf = new int[terms];
        this.exponentOf = new int[terms];
        int p = terms;
        for (int k = 0; k < terms; k++) {
            Law.Term t = law.terms().get(k);
            inputOf[k] = t.input();
            exponentOf[k] = t.isConstant() ? -1 : p++;
        }
        this.logX = data.logXColumns();
        this.logY = data.logYColumn();
        this.weights = weights;
        this.loss = loss;
    }

    @Override
    public double valueAndGradient(double[] theta, double[] gradient) {
        java.util.Arrays.fill(gradient, 0);
        double[] t = new double[terms];
        double total = 0;
        for (int i = 0; i < logY.length; i++) {
            int w = weights == null ? 1 : weights[i];
            if (w == 0) {
                continue;
            }
            for (int k = 0; k < terms; k++) {
                t[k] = inputOf[k] < 0 ? theta[k] : theta[k] - theta[exponentOf[k]] * logX[inputOf[k]][i];
            }
            double r = LogSumExp.softmaxInPlace(t) - logY[i]; // t now holds the softmax
            total += w * loss.value(r);
            double dr = w * loss.derivative(r);
            for (int k = 0; k < terms; k++) {
                double g = dr * t[k]; // d loss / d t_k = loss'(r) * softmax_k
                gradient[k] += g;
                if (inputOf[k] >= 0) {
                    gradient[exponentOf[k]] -= g * logX[inputOf[k]][i];
                }
            }
        }
        return total;
    }
}
