package dev.vivarium.laws.predict;

import dev.vivarium.laws.detect.Grokking;
import dev.vivarium.laws.detect.GrokkingPhase;
import dev.vivarium.laws.runs.RunRecord;
import dev.vivarium.laws.runs.RunSource;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;

/**
 * Computes a target's value from finished runs: the runs of its recipe whose config has its values and that
 * started after the prediction was registered, the quantity of each (a metric reduced over its log, or a
 * grokking detector output), averaged over the runs.
 *
 * @param grokking the definitions behind detector outputs: memorisation (train accuracy) and grokking as the phase
 *     change of test loss, the same as {@code detect} prints
 */
public record Resolver(GrokkingPhase grokking) {

    /**
     * A target's value and where it came from.
     *
     * @param value the mean over the runs
     * @param runs the runs used, with their start times
     * @param preRegistered whether every run used started after the registration
     * @param earlier matching finished runs that started at or before the registration and were left out
     * @param broken runs that could not be read, skipped
     */
    public record Value(
            double value,
            List<Resolution.RunUsed> runs,
            boolean preRegistered,
            List<Resolution.RunUsed> earlier,
            List<RunSource.Broken> broken) {}

    /**
     * Resolves {@code target} against the finished runs of {@code source} that started after
     * {@code registeredAt}; runs that started at or before it are left out and named, or used when
     * {@code allowEarlier} (the value is then not pre-registered). No usable run, or a missing metric, is an
     * error naming the runs.
     */
    public Value resolve(Target target, RunSource source, Instant registeredAt, boolean allowEarlier) {
        RunSource.Scan scan = source.scan();
        List<RunRecord> matching = scan.runs().stream()
                .filter(r -> r.finished() && r.recipe().equals(target.recipe()) && matches(r.config(), target.config()))
                .toList();
        List<RunRecord> later = matching.stream()
                .filter(r -> r.startedAt().isAfter(registeredAt))
                .toList();
        List<Resolution.RunUsed> earlier = matching.stream()
                .filter(r -> !r.startedAt().isAfter(registeredAt))
                .map(Resolver::used)
                .toList();
        if (matching.isEmpty()) {
            throw new IllegalArgumentException("no finished run of recipe '" + target.recipe() + "' has config "
                    + target.config() + ": resolve after the runs finish"
                    + (scan.broken().isEmpty() ? "" : " (" + scan.broken().size() + " unreadable runs skipped)"));
        }
        List<RunRecord> use = allowEarlier ? matching : later;
        if (use.isEmpty()) {
            throw new IllegalArgumentException("the prediction was registered at " + registeredAt
                    + " and every matching run started before it: " + describe(earlier)
                    + "; a prediction resolves only against runs started after its registration"
                    + " (--allow-earlier-runs uses them and marks the resolution as not pre-registered)");
        }
        double sum = 0;
        List<Resolution.RunUsed> ids = new ArrayList<>();
        for (RunRecord run : use) {
            sum += value(target, run);
            ids.add(used(run));
        }
        return new Value(
                sum / use.size(),
                ids,
                !allowEarlier || earlier.isEmpty(),
                allowEarlier ? List.of() : earlier,
                scan.broken());
    }

    /** Runs with their start times, for messages. */
    public static String describe(List<Resolution.RunUsed> runs) {
        return runs.stream()
                .map(r -> r.id() + " (started " + r.startedAt() + ")")
                .collect(java.util.stream.Collectors.joining(", "));
    }

    private static Resolution.RunUsed used(RunRecord r) {
        return new Resolution.RunUsed(r.id(), r.startedAt());
    }

    private double value(Target target, RunRecord run) {
        if (target.isDetectorOutput()) {
            GrokkingPhase.Result g = grokking.detect(run.series("train_acc"), run.series("test_loss"));
            OptionalDouble v =
                    switch (target.quantity()) {
                        case "grok_step" -> g.grokStep();
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
