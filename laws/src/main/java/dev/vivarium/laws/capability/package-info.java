/** Capability from loss: sigmoid fits of a capability metric against log-loss or log-compute, threshold
 * crossings with intervals, and the emergence-or-mirage comparison. Depends on {@code numeric.optim},
 * {@code laws.fit} and {@code laws.bootstrap}. */
package dev.vivarium.laws.capability;
