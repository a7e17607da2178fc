/**
 * Representational similarity between activation matrices of the same examples: linear CKA and
 * debiased linear CKA (Kornblith et al. 2019), across layers, checkpoints, seeds or fine-tuning.
 */
package dev.vivarium.lens.similarity;
