package dev.vivarium.store.run;

import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

/**
 * One line of the runs table: a run's id, where it lives, its effective status and its latest metrics.
 *
 * @param id the run's directory name
 * @param dir the run's directory
 * @param status effective status (a dead RUNNING run shows as KILLED; an unreadable run as FAILED)
 * @param lastMetrics the last complete row of its metric log, if it has one
 */
public record RunSummary(String id, Path dir, RunStatus status, Optional<Map<String, Double>> lastMetrics) {}
