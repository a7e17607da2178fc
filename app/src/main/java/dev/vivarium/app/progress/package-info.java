/** Progress of a training run for a person: a bar in a terminal, a plain line every few seconds otherwise. */
package dev.vivarium.app.progress;
