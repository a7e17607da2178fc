/**
 * Backdoor auditors that never see the trigger: activation clustering (Chen et al. 2018), spectral
 * signatures (Tran et al. 2018), a linear probe trained on a handful of labelled inputs and a weight-spectrum
 * comparison against clean controls, scored by exact AUROC.
 */
package dev.vivarium.lens.audit;
