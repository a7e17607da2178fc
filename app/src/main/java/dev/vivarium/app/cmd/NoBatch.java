package dev.vivarium.app.cmd;

import picocli.CommandLine.Option;

/**
 * The {@code --no-batch} option, one meaning for every command that trains a sweep on this machine: train each
 * point alone instead of batching the points that can be one computation into populations.
 */
public final class NoBatch {
    @Option(
            names = "--no-batch",
            description = "Train every point alone. By default, points that differ only in seed, train.lr,"
                    + " train.weightDecay, train.warmupSteps, train.stopAtTestAcc or task values that keep the"
                    + " shapes (a data fraction) train together as populations, one batched computation of up to"
                    + " 64 points each, with the same results to about 1e-5. (With --executor slurm every point is"
                    + " its own task anyway.)")
    boolean noBatch;

    /** Whether to batch points into populations. */
    public boolean batch() {
        return !noBatch;
    }
}
