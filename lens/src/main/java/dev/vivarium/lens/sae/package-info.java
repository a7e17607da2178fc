/**
 * Sparse autoencoders on cached activations: {@link dev.vivarium.lens.sae.Sae} (ReLU and TopK, SAELens's names),
 * {@link dev.vivarium.lens.sae.SaeTrainer} (L1 with resampling, AuxK), {@link dev.vivarium.lens.sae.SaeMetrics} (L0,
 * FVU, dead latents, loss recovered), {@link dev.vivarium.lens.sae.SaeFile} (safetensors and cfg.json as SAELens
 * saves them) and {@link dev.vivarium.lens.sae.SaeAnalysis}, the {@code sae} analysis of a run.
 */
package dev.vivarium.lens.sae;
