/** Runs as the laws see them: id, recipe, flattened config, finished or not, metric rows; series and
 * quantities taken from them. Depends on {@code laws.detect} and, for reading run directories, on store. */
package dev.vivarium.laws.runs;
