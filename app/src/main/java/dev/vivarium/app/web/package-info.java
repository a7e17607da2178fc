/**
 * The dashboard ({@code vivarium serve}) and the self-contained report ({@code vivarium report}): a read-only
 * JSON API over run directories and sweep folders, the pages that draw it (plain JavaScript and uPlot, all
 * carried in the jar), server-side downsampling that keeps every bucket's extremes, and the guards that keep
 * the server inside its folders.
 */
package dev.vivarium.app.web;
