package dev.vivarium.laws.fit;

import java.util.ArrayList;
import java.util.List;

/**
 * A grid of starting points for the optimiser: the cartesian product of one list of values per parameter,
 * in theta units (log-coefficients, exponents).
 *
 * @param axes one array of candidate values per parameter, in theta order
 */
public record StartGrid(List<double[]> axes) {

    public StartGrid {
        axes = axes.stream().map(double[]::clone).toList();
        for (int i = 0; i < axes.size(); i++) {
            if (axes.get(i).length == 0) {
                throw new IllegalArgumentException("axis " + i + " of the start grid is empty");
            }
        }
    }

    /**
     * Hoffmann et al.'s grid for L(N, D): a, b in {0, 5, ..., 25}, e in {-1, -0.5, ..., 1},
     * alpha, beta in {0, 0.5, ..., 2} (4,500 starts); other laws get the same per-kind values.
     */
    public static StartGrid hoffmann(Law law) {
        double[] coefficient = {0, 5, 10, 15, 20, 25};
        double[] constant = {-1, -0.5, 0, 0.5, 1};
        double[] exponent = {0, 0.5, 1, 1.5, 2};
        List<double[]> axes = new ArrayList<>();
        law.terms().forEach(t -> axes.add(t.isConstant() ? constant : coefficient));
        law.terms().stream().filter(t -> !t.isConstant()).forEach(t -> axes.add(exponent));
        return new StartGrid(axes);
    }

    /**
     * A grid centred on the data: each term's coefficient is chosen so that the term alone equals the median
     * {@code y} at the median {@code x} for exponents between 0 and 2, constants range from {@code e^-2} to
     * {@code e^0.5} times the median {@code y}, and exponents range over {-1, 0, 0.5, 1, 2}.
     */
    public static StartGrid centred(Law law, LawData data) {
        double yMid = median(data.size(), data::logY);
        double[] exponent = {-1, 0, 0.5, 1, 2};
        List<double[]> axes = new ArrayList<>();
        for (Law.Term t : law.terms()) {
            if (t.isConstant()) {
                axes.add(new double[] {yMid - 2, yMid - 1, yMid - 0.5, yMid, yMid + 0.5});
            } else {
                double xMid = median(data.size(), i -> data.logX(t.input(), i));
                axes.add(new double[] {yMid - xMid, yMid, yMid + 0.5 * xMid, yMid + xMid, yMid + 2 * xMid});
            }
        }
        law.terms().stream().filter(t -> !t.isConstant()).forEach(t -> axes.add(exponent));
        return new StartGrid(axes);
    }

    /** The number of starting points. */
    public int size() {
        long size = 1;
        for (double[] axis : axes) {
            size *= axis.length;
        }
        if (size > 1_000_000) {
            throw new IllegalArgumentException("start grid has " + size + " points: at most 1,000,000");
        }
        return (int) size;
    }

    /** The {@code index}-th starting point, the last axis varying fastest. */
    public double[] point(int index) {
        double[] p = new double[axes.size()];
        for (int a = axes.size() - 1; a >= 0; a--) {
            double[] axis = axes.get(a);
            p[a] = axis[index % axis.length];
            index /= axis.length;
        }
        return p;
    }

    private static double median(int n, java.util.function.IntToDoubleFunction value) {
        double[] v = new double[n];
        for (int i = 0; i < n; i++) {
            v[i] = value.applyAsDouble(i);
        }
        java.util.Arrays.sort(v);
        return n % 2 == 1 ? v[n / 2] : 0.5 * (v[n / 2 - 1] + v[n / 2]);
    }
}
