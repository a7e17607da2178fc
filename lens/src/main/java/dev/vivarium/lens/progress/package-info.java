/**
 * Progress measures over training (Nanda et al. 2023): train, test, restricted and excluded loss,
 * Gini coefficients and weight norm at every checkpoint of a modular-arithmetic run, and the phase
 * boundaries (memorisation, circuit formation, clean-up) read off that table.
 */
package dev.vivarium.lens.progress;
