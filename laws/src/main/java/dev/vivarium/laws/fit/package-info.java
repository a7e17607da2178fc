/** Scaling laws as sums of power-law terms, fitted in log space (Huber loss, L-BFGS from a grid of starts);
 * compute-optimal allocation and consistency with published fits. Depends on {@code numeric.optim}. */
package dev.vivarium.laws.fit;
