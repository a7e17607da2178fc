/**
 * Sharpness: the largest eigenvalue of the training loss's Hessian, by power iteration on exact
 * Hessian-vector products (double backward through {@code torch.autograd.grad}, reached through a
 * small TorchScript module so that no gradient is ever stored in a parameter's {@code .grad}).
 */
package dev.vivarium.lens.sharpness;
