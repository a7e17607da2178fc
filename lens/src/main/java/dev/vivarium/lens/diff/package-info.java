/**
 * {@code vivarium diff}: what changed between two runs of one architecture (a parent and its fine-tune, or
 * two seeds), in weights, in representations, in mechanism and in what probes read.
 */
package dev.vivarium.lens.diff;
