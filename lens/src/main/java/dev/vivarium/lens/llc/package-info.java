/**
 * The local learning coefficient (Lau et al. 2023): {@link dev.vivarium.lens.llc.Llc} estimates it by
 * SGLD on any {@link dev.vivarium.lens.llc.LlcLoss}; {@link dev.vivarium.lens.llc.LlcAnalysis} runs it at a
 * run's checkpoints on the run's training split.
 */
package dev.vivarium.lens.llc;
