package dev.vivarium.laws.bootstrap;

import dev.vivarium.laws.fit.Law;
import dev.vivarium.laws.fit.LawData;
import dev.vivarium.laws.fit.LawFit;
import dev.vivarium.laws.fit.LawFitter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.ToDoubleFunction;

/**
 * Bootstrap uncertainty of a fitted law: each resample is refitted by L-BFGS from the full-data optimum
 * (a warm start), giving standard errors and percentile intervals of every parameter and of any function of
 * them, a confidence band for the law itself, and prediction intervals for new observations (the band
 * widened by a residual of the full fit drawn per resample), also far outside the fitted range.
 */
public final class LawUncertainty {
    private final LawFit fit;
    private final Samples theta; // [resample][theta..., drawn residual]
    private final int parameters;

    private LawUncertainty(LawFit fit, Samples theta) {
        this.fit = fit;
        this.theta = theta;
        this.parameters = fit.law().parameterCount();
    }

    /** Refits {@code bootstrap.resamples()} resamples of {@code data} around {@code fit}. */
    public static LawUncertainty of(LawFitter fitter, LawData data, LawFit fit, Bootstrap bootstrap) {
        Law law = fit.law();
        int k = law.parameterCount();
        double[] residuals = fit.residuals();
        double[][] rows = bootstrap.run(data.size(), k + 1, (counts, random) -> {
            LawFit refit = fitter.refit(law, data, counts, fit.theta());
            if (!refit.status().converged()) {
                return null;
            }
            double[] row = Arrays.copyOf(refit.theta(), k + 1);
            row[k] = residuals[random.nextInt(residuals.length)];
            return row;
        });
        return new LawUncertainty(fit, new Samples(rows));
    }

    public LawFit fit() {
        return fit;
    }

    /** Usable refits. */
    public int resamples() {
        return theta.size();
    }

    /** Refits that failed to converge and were left out. */
    public int failed() {
        return theta.failed();
    }

    /** The replicates of the parameters in natural units, {@code [resample][parameter]}. */
    public double[][] naturalReplicates() {
        double[][] out = new double[theta.size()][];
        for (int b = 0; b < out.length; b++) {
            out[b] = fit.law().natural(Arrays.copyOf(theta.row(b), parameters));
        }
        return out;
    }

    /** Estimates of every parameter in natural units, in the law's parameter order. */
    public List<Estimate> estimates(double level) {
        List<Estimate> out = new ArrayList<>();
        for (String name : fit.law().parameterNames()) {
            out.add(estimate(name, level));
        }
        return out;
    }

    /** The estimate of one parameter in natural units (e.g. {@code "E"}). */
    public Estimate estimate(String name, double level) {
        int j = fit.law().parameterNames().indexOf(name);
        if (j < 0) {
            throw new IllegalArgumentException("no parameter '" + name + "' in "
                    + fit.law().name() + ": has " + fit.law().parameterNames());
        }
        return derived(name, p -> p[j], level);
    }

    /** The estimate of a function of the natural parameters, e.g. {@code p -> p[4] / (p[3] + p[4])}. */
    public Estimate derived(String name, ToDoubleFunction<double[]> f, double level) {
        double[] replicates = Arrays.stream(naturalReplicates()).mapToDouble(f).toArray();
        return Samples.estimate(name, f.applyAsDouble(fit.natural()), replicates, level);
    }

    /** The bootstrap covariance of the named natural parameters. */
    public double[][] covariance(List<String> names) {
        List<String> all = fit.law().parameterNames();
        int[] idx = names.stream().mapToInt(all::indexOf).toArray();
        for (int i = 0; i < idx.length; i++) {
            if (idx[i] < 0) {
                throw new IllegalArgumentException(
                        "no parameter '" + names.get(i) + "' in " + fit.law().name());
            }
        }
        double[][] nat = naturalReplicates();
        double[][] picked = Arrays.stream(nat)
                .map(r -> Arrays.stream(idx).mapToDouble(i -> r[i]).toArray())
                .toArray(double[][]::new);
        return new Samples(picked).covariance();
    }

    /** The percentile interval of the law's value (the mean curve) at {@code x}. */
    public Interval confidenceBand(double level, double... x) {
        return Samples.percentile(predictions(x, false), level);
    }

    /** The percentile interval of a new observation at {@code x}: the band plus residual noise. */
    public Interval predictionInterval(double level, double... x) {
        return Samples.percentile(predictions(x, true), level);
    }

    private double[] predictions(double[] x, boolean withNoise) {
        Law law = fit.law();
        double[] out = new double[theta.size()];
        for (int b = 0; b < out.length; b++) {
            double[] row = theta.row(b);
            double value = law.predict(Arrays.copyOf(row, parameters), x);
            out[b] = withNoise ? value * Math.exp(-row[parameters]) : value;
        }
        return out;
    }
}
