package dev.vivarium.laws.runs;

import java.util.List;

/** Where runs come from: a runs directory, or a fixed list in tests. */
@FunctionalInterface
public interface RunSource {
    /** Every run, finished or not. */
    List<RunRecord> runs();
}
