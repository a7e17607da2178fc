/**
 * Hook points: every activation of a model is an identity point named by its dotted path, where a
 * hook may read it (cache a detached copy) or replace it. Depends on DJL's NDArray only.
 */
package dev.vivarium.core.hook;
