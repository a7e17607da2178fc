/**
 * Fourier tools for modular arithmetic (Nanda et al. 2023): the Fourier basis over Z_p, the
 * embedding's norms in it, key frequencies, each MLP neuron's best frequency, restricted and
 * excluded loss, and Gini coefficients of Fourier norms. Float64 throughout.
 */
package dev.vivarium.lens.fourier;
