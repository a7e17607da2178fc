/**
 * Looking inside trained models: every analysis is written once against hook names and parameter
 * names, so it works on every model that exposes them. Depends on {@code core} only.
 */
package dev.vivarium.lens;
