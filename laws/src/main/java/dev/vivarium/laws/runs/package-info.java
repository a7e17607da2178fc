/** Runs as the laws see them: id, recipe, flattened config, finished or not, start time, metric rows; series
 * and quantities taken from them, and unreadable runs reported rather than thrown. Depends on
 * {@code laws.detect} and, for reading run directories, on store. */
package dev.vivarium.laws.runs;
