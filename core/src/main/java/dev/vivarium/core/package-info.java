/**
 * The tensor engine, hooked models, tasks and the training loop. May depend on {@code store} (to
 * record runs) and on DJL with the PyTorch engine.
 */
package dev.vivarium.core;
