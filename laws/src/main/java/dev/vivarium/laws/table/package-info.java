/** Plain tables of points (CSV with a header row) for fitting without runs.
 * Depends on nothing but the JDK. */
package dev.vivarium.laws.table;
