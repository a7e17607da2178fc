/**
 * Recipes: the YAML a researcher writes, validated and resolved (defaults, task-derived sizes,
 * command-line overrides) into the config a run records. Depends on {@code core.task},
 * {@code core.model}, {@code core.train} configs and Jackson.
 */
package dev.vivarium.core.recipe;
