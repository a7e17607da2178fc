/**
 * Sweeps: a spec file that names a recipe and the axes to vary (grid, zip, random draws, seeds),
 * expanded into points, each an ordinary resolved recipe with an id hashed from its config. Depends on
 * {@code core.recipe} and Jackson; nothing here trains.
 */
package dev.vivarium.sweep;
