/**
 * Induction heads (Olsson et al. 2022): {@link dev.vivarium.lens.heads.HeadScores} holds the per-head scores
 * (previous-token, prefix-matching, copying), {@link dev.vivarium.lens.heads.CheckpointHeads} measures them with
 * the ICL score at one checkpoint, and {@link dev.vivarium.lens.heads.HeadsAnalysis} runs them over a run's
 * checkpoints and finds the phase change with the laws module's change-point detector.
 */
package dev.vivarium.lens.heads;
