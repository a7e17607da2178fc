/**
 * One developmental timeline of a run: {@link dev.vivarium.lens.timeline.Measures} gathers every measure
 * the run has (its metric log and the analyses already written under {@code analyses/}) on one step axis,
 * {@link dev.vivarium.lens.timeline.Timeline} finds each measure's change points with the laws module's
 * detector and the stages they delimit together, and {@link dev.vivarium.lens.timeline.TimelineAnalysis}
 * writes the table and one picture with aligned panels.
 */
package dev.vivarium.lens.timeline;
