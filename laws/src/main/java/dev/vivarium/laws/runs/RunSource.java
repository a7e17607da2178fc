package dev.vivarium.laws.runs;

import java.util.List;

/** Where runs come from: a runs directory, or a fixed list in tests. */
@FunctionalInterface
public interface RunSource {
    /** Every readable run, finished or not. */
    List<RunRecord> runs();

    /** Every run, with those that could not be read reported rather than thrown. */
    default Scan scan() {
        return new Scan(runs(), List.of());
    }

    /**
     * The runs read, and the runs skipped because they could not be read.
     *
     * @param runs the readable runs
     * @param broken one entry per unreadable run, saying which file is wrong
     */
    record Scan(List<RunRecord> runs, List<Broken> broken) {
        public Scan {
            runs = List.copyOf(runs);
            broken = List.copyOf(broken);
        }
    }

    /**
     * A run that could not be read.
     *
     * @param id the run's directory name
     * @param reason one line naming the file (and line) at fault
     */
    record Broken(String id, String reason) {}
}
