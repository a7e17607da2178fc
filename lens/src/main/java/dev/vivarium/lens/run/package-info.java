/**
 * Analyses of a run on disk: open a run directory, load any checkpoint into its model, run the
 * chosen analyses and write JSON and CSV into the run's {@code analyses/} directory, atomically.
 * Depends on {@code core.run}, {@code core.recipe} and {@code store}.
 */
package dev.vivarium.lens.run;
