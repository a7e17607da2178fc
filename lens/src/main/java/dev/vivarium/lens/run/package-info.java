/**
 * Analyses of a run on disk: open a run directory, load any checkpoint into its model, run the
 * chosen analyses ({@link dev.vivarium.lens.run.Analysis}, each with its code) and write their JSON,
 * pictures (PNG, drawn with XChart) and CSV into the run's {@code analyses/} directory, atomically.
 * Depends on {@code core.run}, {@code core.recipe}, {@code store} and {@code numeric}.
 */
package dev.vivarium.lens.run;
