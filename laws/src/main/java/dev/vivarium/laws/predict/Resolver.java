package dev.vivarium.laws.predict;

import dev.vivarium.laws.detect.Grokking;
import dev.vivarium.laws.runs.RunRecord;
import dev.vivarium.laws.runs.RunSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;

/**
 * Computes a target's value from finished runs: the runs of its recipe whose config has its values, the
 * quantity of each (a metric reduced over its log, or a grokking detector output), averaged over the runs.
 *
 * @param grokking the grokking criteria for detector outputs
 */
public record Resolver(Grokking grokking) {

    /**
     * A target's value and where it came from.
     *
     * @param value the mean over the runs
     * @param runs the runs' ids
     */
    public record Value(double value, List<String> runs) {}

    /** Resolves {@code target} against {@code source}; no matching finished run, or a missing metric, is an error. */
    public Value resolve(Target target, RunSource source) {
        List<RunRecord> matching = source.runs().stream()
                .filter(r -> r.finished() && r.recipe().equals(target.recipe()) && matches(r.config(), target.config()))
                .toList();
        if (matching.isEmpty()) {
            throw new IllegalArgumentException("no finished run of recipe '" + target.recipe() + "' has config "
                    + target.config() + ": resolve after the runs finish");
        }
        double sum = 0;
        List<String> ids = new ArrayList<>();
        for (RunRecord run : matching) {
            sum += value(target, run);
            ids.add(run.id());
        }
        return new Value(sum / matching.size(), ids);
    }

    private double value(Target target, RunRecord run) {
        if (target.isDetectorOutput()) {
            Grokking.Result g = grokking.detect(run.series("train_acc"), run.series("test_acc"));
            OptionalDouble v =
                    switch (target.quantity()) {
                        case "grok_step" -> g.generalisationStep();
                        case "memorisation_step" -> g.memorisationStep();
                        case "grok_delay" -> g.delay();
                        default -> OptionalDouble.of(g.verdict() == Grokking.Verdict.GROKKED ? 1 : 0); // grokked
                    };
            if (v.isEmpty()) {
                throw new IllegalArgumentException("run " + run.id() + " has no " + target.quantity() + ": the detector"
                        + " says " + g.verdict() + "; predict the event 'grokked' to cover runs that do not grok");
            }
            return v.getAsDouble();
        }
        double[] values = run.series(target.quantity()).values();
        return switch (target.reduction()) {
            case FINAL -> values[values.length - 1];
            case MIN -> java.util.Arrays.stream(values).min().orElseThrow();
            case MAX -> java.util.Arrays.stream(values).max().orElseThrow();
        };
    }

    private static boolean matches(Map<String, String> config, Map<String, String> wanted) {
        for (Map.Entry<String, String> e : wanted.entrySet()) {
            String have = config.get(e.getKey());
            if (have == null || !sameValue(have, e.getValue())) {
                return false;
            }
        }
        return true;
    }

    /** Equal as text, or as numbers ({@code "1"} matches {@code "1.0"}). */
    private static boolean sameValue(String a, String b) {
        if (a.equals(b)) {
            return true;
        }
        try {
            return Double.parseDouble(a) == Double.parseDouble(b);
        } catch (NumberFormatException e) {
            return false;
        }
    }
}
