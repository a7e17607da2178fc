/**
 * Unconstrained smooth minimisation: L-BFGS with a strong-Wolfe line search, the one optimiser behind the
 * scaling-law fits ({@code laws}) and the logistic probes ({@code lens}). Depends on nothing but the JDK.
 */
package dev.vivarium.numeric.optim;
