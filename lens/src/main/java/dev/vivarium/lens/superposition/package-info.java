/**
 * The geometry of a toy model of superposition (Elhage et al. 2022): how many features a model represents, how
 * much each shares its direction with others, and how many dimensions each gets; the {@code superposition}
 * analysis and its pictures.
 */
package dev.vivarium.lens.superposition;
