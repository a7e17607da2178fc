/** Detectors on noisy metric series (regular or log-spaced steps): grokking, double descent, plateaus and
 * phase changes, loss spikes. Plain arrays in, records out; depends on nothing but the JDK. */
package dev.vivarium.laws.detect;
