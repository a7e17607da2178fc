/** Unconstrained smooth minimisation: L-BFGS with a strong-Wolfe line search.
 * Depends on nothing but the JDK. */
package dev.vivarium.laws.optim;
