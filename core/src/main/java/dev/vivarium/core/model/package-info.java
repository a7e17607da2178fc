/**
 * Models with hook points on every activation: a decoder-only {@link
 * dev.vivarium.core.model.Transformer} and an {@link dev.vivarium.core.model.Mlp}, their configs,
 * and their named parameters (TransformerLens names and shapes).
 */
package dev.vivarium.core.model;
