/**
 * Tasks with known ground truth, generated deterministically from a seed (no downloads): modular
 * arithmetic, sparse parity, multi-digit addition (token classification), and teacher-student regression
 * on a data manifold (real features, MSE). Depends on nothing but the JDK and Jackson.
 */
package dev.vivarium.core.task;
