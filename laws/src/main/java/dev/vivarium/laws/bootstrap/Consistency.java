package dev.vivarium.laws.bootstrap;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.commons.statistics.distribution.ChiSquaredDistribution;
import org.apache.commons.statistics.distribution.NormalDistribution;

/**
 * Is a fit consistent with published parameters? Per parameter, the z-score of the difference against the
 * bootstrap standard error; jointly, the Wald statistic {@code d' S^-1 d} with the bootstrap covariance
 * {@code S}, referred to a chi-squared distribution with one degree of freedom per parameter.
 *
 * @param checks one check per published parameter
 * @param wald the joint Wald statistic
 * @param pValue the chi-squared p-value of {@code wald}
 * @param level the level at which {@link #consistent()} is judged (e.g. 0.95)
 */
public record Consistency(List<Check> checks, double wald, double pValue, double level) {

    /**
     * One parameter's comparison.
     *
     * @param name the parameter
     * @param fitted the fitted value
     * @param published the published value
     * @param se the bootstrap standard error of the fitted value
     * @param z {@code (fitted - published) / se}
     */
    public record Check(String name, double fitted, double published, double se, double z) {}

    public Consistency {
        checks = List.copyOf(checks);
    }

    /** Tests {@code uncertainty}'s fit against {@code published} (parameter name to value). */
    public static Consistency test(LawUncertainty uncertainty, Map<String, Double> published, double level) {
        if (published.isEmpty()) {
            throw new IllegalArgumentException("published is empty: name at least one parameter");
        }
        Map<String, Double> ordered = new LinkedHashMap<>(published);
        List<String> names = new ArrayList<>(ordered.keySet());
        List<Check> checks = new ArrayList<>();
        double[] d = new double[names.size()];
        for (int i = 0; i < names.size(); i++) {
            Estimate e = uncertainty.estimate(names.get(i), level);
            double p = ordered.get(names.get(i));
            d[i] = e.value() - p;
            checks.add(new Check(names.get(i), e.value(), p, e.se(), d[i] / e.se()));
        }
        double[] solved = solve(uncertainty.covariance(names), d);
        double wald = 0;
        for (int i = 0; i < d.length; i++) {
            wald += d[i] * solved[i];
        }
        double p = ChiSquaredDistribution.of(names.size()).survivalProbability(wald);
        return new Consistency(checks, wald, p, level);
    }

    /** Whether every parameter is within its two-sided {@code level} z-band and the joint test passes. */
    public boolean consistent() {
        double zCrit = NormalDistribution.of(0, 1).inverseCumulativeProbability(0.5 + level / 2);
        return pValue > 1 - level && checks.stream().allMatch(c -> Math.abs(c.z()) <= zCrit);
    }

    /** Solves {@code m x = v} by Gaussian elimination with partial pivoting (m is small and symmetric). */
    static double[] solve(double[][] m, double[] v) {
        int n = v.length;
        double[][] a = new double[n][];
        for (int i = 0; i < n; i++) {
            a[i] = java.util.Arrays.copyOf(m[i], n + 1);
            a[i][n] = v[i];
        }
        for (int c = 0; c < n; c++) {
            int pivot = c;
            for (int r = c + 1; r < n; r++) {
                if (Math.abs(a[r][c]) > Math.abs(a[pivot][c])) {
                    pivot = r;
                }
            }
            double[] t = a[c];
            a[c] = a[pivot];
            a[pivot] = t;
            if (Math.abs(a[c][c]) < 1e-300) {
                throw new IllegalStateException("the bootstrap covariance is singular: parameters are not identified");
            }
            for (int r = 0; r < n; r++) {
                if (r != c) {
                    double f = a[r][c] / a[c][c];
                    for (int k = c; k <= n; k++) {
                        a[r][k] -= f * a[c][k];
                    }
                }
            }
        }
        double[] x = new double[n];
        for (int i = 0; i < n; i++) {
            x[i] = a[i][n] / a[i][i];
        }
        return x;
    }
}
