package dev.vivarium.lens.timeline;

import java.util.Arrays;
import java.util.Objects;

/**
 * One measure of a run over steps.
 *
 * @param name what it is called in the timeline, e.g. {@code test_loss} or {@code llc}
 * @param source where it was read, e.g. {@code metrics.jsonl} or {@code analyses/llc.json: checkpoints[].llc}
 * @param steps ascending steps
 * @param values the measure at each step (finite)
 */
public record Measure(String name, String source, double[] steps, double[] values) {
    public Measure {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(source, "source");
        if (steps.length != values.length) {
            throw new IllegalArgumentException(name + ": " + steps.length + " steps but " + values.length + " values");
        }
        for (int i = 0; i < steps.length; i++) {
            if (i > 0 && !(steps[i] > steps[i - 1])) {
                throw new IllegalArgumentException(
                        name + ": steps must ascend, got " + steps[i - 1] + " then " + steps[i]);
            }
            if (!Double.isFinite(values[i])) {
                throw new IllegalArgumentException(name + ": non-finite value at step " + steps[i]);
            }
        }
        steps = steps.clone();
        values = values.clone();
    }

    public int size() {
        return steps.length;
    }

    @Override
    public double[] steps() {
        return steps.clone();
    }

    @Override
    public double[] values() {
        return values.clone();
    }

    /**
     * Whether it is an accuracy-like measure in [0, 1] that rises towards 1 (its change points are read off
     * 1 - value): a name with an {@code acc}, {@code accuracy} or {@code exact} (exact match) word, as in
     * {@code test_acc}, {@code test_acc_repeat} or {@code train_exact}.
     */
    public boolean accuracy() {
        for (String word : name.split("[_.:]")) {
            if (word.equals("acc") || word.equals("accuracy") || word.equals("exact")) {
                return true;
            }
        }
        return false;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Measure m
                && name.equals(m.name)
                && source.equals(m.source)
                && Arrays.equals(steps, m.steps)
                && Arrays.equals(values, m.values);
    }

    @Override
    public int hashCode() {
        return Objects.hash(name, source, Arrays.hashCode(steps), Arrays.hashCode(values));
    }

    @Override
    public String toString() {
        return "Measure[" + name + " from " + source + ", " + steps.length + " steps]";
    }
}
