/**
 * Start-up of the tensor engine (DJL + libtorch, offline, a fixed thread count) and the thin layer
 * that keeps DJL's pitfalls out of model code: step scopes, engine-owned constants, typed ops.
 */
package dev.vivarium.core.engine;
