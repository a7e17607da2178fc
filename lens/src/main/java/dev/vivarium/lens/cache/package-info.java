/**
 * Running a model with hooks that record or replace activations: name filters, the activation
 * cache of one run, and zero-, mean- and resample-ablation of any hook point (optionally per head,
 * position or neuron). Depends on {@code core.hook} and {@code core.model}.
 */
package dev.vivarium.lens.cache;
