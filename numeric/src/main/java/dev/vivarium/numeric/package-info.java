/**
 * Numeric: float64 numerics shared by {@code lens} and {@code laws}, and the named definitions of training
 * events that both report, so that one event has one definition. Depends on nothing of ours.
 */
package dev.vivarium.numeric;
