/** Laws: scaling-law fits with uncertainty, detectors on metric series, and the prediction registry on its
 * hash-chained ledger. Pure numerics; depends on {@code numeric} and on {@code store} to read runs and
 * write files atomically, never on a tensor engine. */
package dev.vivarium.laws;
