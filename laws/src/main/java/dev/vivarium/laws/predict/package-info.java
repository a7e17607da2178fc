/** The prediction registry on a hash-chained ledger ({@code laws.ledger}): predictions registered before the
 * runs, resolved against the finished runs that started after them, scored (Brier, log, interval score, CRPS)
 * and summarised. Depends on {@code laws.ledger}, {@code laws.detect} and {@code laws.runs}. */
package dev.vivarium.laws.predict;
