/** The prediction registry: predictions locked by content hash when registered, resolved against finished
 * runs, scored (Brier, log, interval score, CRPS) and summarised. Depends on {@code laws.detect}. */
package dev.vivarium.laws.predict;
