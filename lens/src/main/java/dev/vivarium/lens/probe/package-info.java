/**
 * Linear probes on cached activations: logistic (multinomial, L2) and ridge classifiers with a
 * held-out split, reporting accuracy and selectivity against a control task (Hewitt and Liang
 * 2019). Pure float64 Java; ridge solves through {@code lens.numeric}.
 */
package dev.vivarium.lens.probe;
