/**
 * Crash-safe file writing: a temporary file in the same directory, forced to disk, atomically renamed.
 * Depends on the JDK only.
 */
package dev.vivarium.store.io;
