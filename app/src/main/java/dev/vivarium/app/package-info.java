/** The {@code vivarium} command line entry point. May depend on every other module. */
package dev.vivarium.app;
