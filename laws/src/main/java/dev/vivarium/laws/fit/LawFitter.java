package dev.vivarium.laws.fit;

import dev.vivarium.numeric.optim.Lbfgs;
import dev.vivarium.numeric.optim.OptimResult;
import java.util.Arrays;
import java.util.Comparator;
import java.util.stream.IntStream;

/**
 * Fits a {@link Law} by minimising a {@link ResidualLoss} of log-space residuals with L-BFGS from the best
 * starting points of a {@link StartGrid} (Hoffmann et al.'s Approach 3), keeping the lowest objective.
 *
 * @param loss the residual loss
 * @param optimizer the L-BFGS settings
 * @param refineTop how many of the grid's best starts (by objective) to run L-BFGS from; 0 means all
 */
public record LawFitter(ResidualLoss loss, Lbfgs optimizer, int refineTop) {

    /** Huber delta = 1e-3, default L-BFGS, every grid start refined. */
    public static final LawFitter HOFFMANN = new LawFitter(ResidualLoss.HOFFMANN, Lbfgs.DEFAULT, 0);

    public LawFitter {
        if (refineTop < 0) {
            throw new IllegalArgumentException("refineTop = " + refineTop + ": must be >= 0 (0 means every start)");
        }
    }

    /** Fits from a grid centred on the data ({@link StartGrid#centred}). */
    public LawFit fit(Law law, LawData data) {
        return fit(law, data, StartGrid.centred(law, data));
    }

    /**
     * Fits from every (or the best {@code refineTop}) start of {@code grid}.
     *
     * @throws IllegalArgumentException if the points cannot determine the parameters ({@link Identifiability})
     */
    public LawFit fit(Law law, LawData data, StartGrid grid) {
        checkShape(law, data);
        Identifiability.require(law, data);
        if (grid.axes().size() != law.parameterCount()) {
            throw new IllegalArgumentException("start grid has " + grid.axes().size() + " axes, law " + law.name()
                    + " has " + law.parameterCount() + " parameters");
        }
        LawObjective objective = new LawObjective(law, data, loss, null);
        int size = grid.size();
        Integer[] order = IntStream.range(0, size).boxed().toArray(Integer[]::new);
        if (refineTop > 0 && refineTop < size) {
            double[] initial = new double[size];
            double[] scratch = new double[law.parameterCount()];
            for (int s = 0; s < size; s++) {
                double v = objective.valueAndGradient(grid.point(s), scratch);
                initial[s] = Double.isFinite(v) ? v : Double.POSITIVE_INFINITY;
            }
            Arrays.sort(
                    order, Comparator.comparingDouble((Integer s) -> initial[s]).thenComparingInt(s -> s));
            order = Arrays.copyOf(order, refineTop);
        }
        Integer[] starts = order;
        OptimResult[] results = new OptimResult[starts.length];
        IntStream.range(0, starts.length)
                .parallel()
                .forEach(s -> results[s] = minimize(objective, grid.point(starts[s])));
        OptimResult best = null;
        for (OptimResult r : results) {
            if (r != null && (best == null || r.value() < best.value())) {
                best = r;
            }
        }
        if (best == null) {
            throw new IllegalStateException("the objective of " + law.name() + " is not finite at any start of the"
                    + " grid; check the data's scale or give a grid");
        }
        return result(law, data, best);
    }

    /**
     * One L-BFGS run from {@code start} on the points weighted by {@code weights} (a bootstrap resample's
     * counts); {@code null} weights mean every point once.
     */
    public LawFit refit(Law law, LawData data, int[] weights, double[] start) {
        checkShape(law, data);
        if (weights != null && weights.length != data.size()) {
            throw new IllegalArgumentException("weights has length " + weights.length + ", data has " + data.size());
        }
        OptimResult r = minimize(new LawObjective(law, data, loss, weights), start);
        if (r == null) {
            throw new IllegalArgumentException("the objective is not finite at the start " + Arrays.toString(start));
        }
        return result(law, data, r);
    }

    private OptimResult minimize(LawObjective objective, double[] start) {
        double[] scratch = new double[start.length];
        if (!Double.isFinite(objective.valueAndGradient(start, scratch))) {
            return null;
        }
        return optimizer.minimize(objective, start);
    }

    private static LawFit result(Law law, LawData data, OptimResult r) {
        double[] residuals = new double[data.size()];
        for (int i = 0; i < data.size(); i++) {
            residuals[i] = law.logPredict(r.x(), data.logXRow(i)) - data.logY(i);
        }
        return new LawFit(law, r.x(), r.value(), r.status(), data.size(), residuals);
    }

    private static void checkShape(Law law, LawData data) {
        if (!data.inputs().equals(law.inputs())
                && data.inputs().size() != law.inputs().size()) {
            throw new IllegalArgumentException(
                    "data has inputs " + data.inputs() + ", law " + law.name() + " takes " + law.inputs());
        }
        if (data.size() < law.parameterCount()) {
            throw new IllegalArgumentException("fewer points (" + data.size() + ") than parameters ("
                    + law.parameterCount() + ") of " + law.name() + " " + law.parameterNames() + ": need at least "
                    + law.parameterCount());
        }
    }
}
