package dev.vivarium.lens.probe;

import dev.vivarium.core.task.Split;
import java.util.Arrays;

/**
 * Trains a probe on a seeded split of the examples and evaluates it on the held-out part, for
 * the task's labels and for a control task's labels on the same split.
 */
public final class Probing {
    private Probing() {}

    /** Which probe. */
    public enum Kind {
        LOGISTIC,
        RIDGE
    }

    /**
     * What a probe achieved.
     *
     * @param selectivity held-out accuracy on the task minus held-out accuracy on the control task
     * @param chance held-out accuracy of always predicting the training set's most common label
     */
    public record Report(
            Kind kind,
            int train,
            int test,
            int classes,
            double trainAccuracy,
            double testAccuracy,
            double controlTrainAccuracy,
            double controlTestAccuracy,
            double selectivity,
            double chance) {}

    /**
     * @param x activations {@code [n, features]}
     * @param labels the property probed for, in {@code [0, classes)}
     * @param control control-task labels for the same examples, in {@code [0, classes)}
     * @param regularisation L2 weight (logistic) or lambda (ridge)
     * @param testFraction share held out, in (0, 1)
     */
    public static Report evaluate(
            double[][] x,
            int[] labels,
            int[] control,
            int classes,
            Kind kind,
            double regularisation,
            double testFraction,
            long seed) {
        if (x.length != labels.length || x.length != control.length) {
            throw new IllegalArgumentException(
                    x.length + " rows, " + labels.length + " labels, " + control.length + " control labels");
        }
        Split split = Split.shuffled(x.length, 1 - testFraction, seed);
        double[][] xTrain = rows(x, split.train());
        double[][] xTest = rows(x, split.test());
        Probe task = fit(kind, xTrain, pick(labels, split.train()), classes, regularisation);
        Probe ctrl = fit(kind, xTrain, pick(control, split.train()), classes, regularisation);
        double test = task.accuracy(xTest, pick(labels, split.test()));
        double controlTest = ctrl.accuracy(xTest, pick(control, split.test()));
        return new Report(
                kind,
                split.train().length,
                split.test().length,
                classes,
                task.accuracy(xTrain, pick(labels, split.train())),
                test,
                ctrl.accuracy(xTrain, pick(control, split.train())),
                controlTest,
                test - controlTest,
                majority(pick(labels, split.train()), pick(labels, split.test()), classes));
    }

    static Probe fit(Kind kind, double[][] x, int[] y, int classes, double reg) {
        for (int label : y) {
            if (label < 0 || label >= classes) {
                throw new IllegalArgumentException("label " + label + " outside [0, " + classes + ")");
            }
        }
        return kind == Kind.RIDGE ? RidgeProbe.fit(x, y, classes, reg) : LogisticProbe.fit(x, y, classes, reg, 500);
    }

    private static double majority(int[] train, int[] test, int classes) {
        int[] count = new int[classes];
        for (int y : train) {
            count[y]++;
        }
        int best = 0;
        for (int c = 1; c < classes; c++) {
            best = count[c] > count[best] ? c : best;
        }
        int b = best;
        return (double) Arrays.stream(test).filter(y -> y == b).count() / test.length;
    }

    private static double[][] rows(double[][] x, int[] idx) {
        double[][] out = new double[idx.length][];
        for (int i = 0; i < idx.length; i++) {
            out[i] = x[idx[i]];
        }
        return out;
    }

    private static int[] pick(int[] y, int[] idx) {
        int[] out = new int[idx.length];
        for (int i = 0; i < idx.length; i++) {
            out[i] = y[idx[i]];
        }
        return out;
    }
}
