/**
 * Float64 numerics shared by the analyses: tensors to Java arrays and back, and the small dense
 * linear algebra (SVD, symmetric eigenvalues, least squares) delegated to EJML.
 */
package dev.vivarium.lens.numeric;
