/** Whole studies for the command line and reports: a law fitted with its uncertainty and extrapolations,
 * from a table or from runs, and its text summary. Depends on every other laws package. */
package dev.vivarium.laws.report;
