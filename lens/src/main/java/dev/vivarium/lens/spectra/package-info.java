/**
 * Weight spectra: the empirical spectral density of each weight matrix, its power-law tail fitted
 * by the Clauset-Shalizi-Newman method (as WeightWatcher does) with its two-sided KS distance and
 * bootstrap goodness of fit, alpha-weighted, stable rank and effective rank. Float64 SVD through {@code lens.numeric}.
 */
package dev.vivarium.lens.spectra;
