/** Bootstrap uncertainty: parallel resampling with per-resample seeds, standard errors, confidence and
 * prediction intervals for fitted laws. Depends on {@code laws.fit}. */
package dev.vivarium.laws.bootstrap;
