/**
 * Tasks with known ground truth, generated deterministically from a seed (no downloads): modular
 * arithmetic, sparse parity, multi-digit addition. Depends on nothing but the JDK and Jackson.
 */
package dev.vivarium.core.task;
