/**
 * A training run on disk: its directory layout, status with heartbeat, append-only metric log, and the
 * index of all runs under a root. Depends on the JDK, Jackson and store.io.
 */
package dev.vivarium.store.run;
