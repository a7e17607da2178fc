/**
 * The training loop and what listens to it: optimizers with state allocated up front, learning-rate
 * warm-up, float64 loss, metrics, checkpoints. Depends on {@code core.model}, {@code core.task}, {@code store}.
 */
package dev.vivarium.core.train;
