/**
 * Activation patching: run a corrupted input while replacing the activation at one site (hook
 * point and selection) by its value on the clean input, and measure a metric per site; presets
 * for the residual stream by layer and position and for attention output by head.
 */
package dev.vivarium.lens.patch;
