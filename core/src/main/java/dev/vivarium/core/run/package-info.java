/**
 * Runs on disk: starting a recipe in a run directory, recording config, split, metrics, status and
 * checkpoints, and resuming a killed run from its last checkpoint. Depends on {@code store}.
 */
package dev.vivarium.core.run;
