/** Laws: scaling-law fits with uncertainty, detectors on metric series, and the prediction registry.
 * Pure numerics; depends on {@code store} only to read runs, never on a tensor engine. */
package dev.vivarium.laws;
