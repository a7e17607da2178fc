/** Detectors on noisy metric series (regular or log-spaced steps): grokking (from accuracies, and as a phase
 * change of test loss after memorisation), double descent, plateaus and phase changes, loss spikes. Plain
 * arrays in, records out; depends on {@code numeric.event} for the shared definition of memorisation. */
package dev.vivarium.laws.detect;
