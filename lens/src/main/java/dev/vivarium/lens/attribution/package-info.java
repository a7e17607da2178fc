/**
 * Reading a transformer's computation off its cache: attention patterns per head, the logit lens
 * (the residual stream after each layer read through the unembedding) and direct logit attribution
 * of every component (embeddings, each head, each MLP, biases) to a logit direction.
 */
package dev.vivarium.lens.attribution;
