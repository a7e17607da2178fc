package dev.vivarium.laws.predict;

/** A forecast of a target's value: a probability for an event, an interval, or quantiles. */
public sealed interface Forecast permits Forecast.Event, Forecast.Range, Forecast.Quantiles {

    /** How an event compares the target's value with a threshold. */
    enum Comparison {
        LT("<"),
        LE("<="),
        GT(">"),
        GE(">=");

        private final String symbol;

        Comparison(String symbol) {
            this.symbol = symbol;
        }

        public boolean holds(double value, double threshold) {
            return switch (this) {
                case LT -> value < threshold;
                case LE -> value <= threshold;
                case GT -> value > threshold;
                case GE -> value >= threshold;
            };
        }

        public String symbol() {
            return symbol;
        }
    }

    /**
     * The probability that {@code value comparison threshold} holds.
     *
     * @param comparison how the value is compared
     * @param threshold the threshold
     * @param probability the forecast probability, in [0, 1]
     */
    record Event(Comparison comparison, double threshold, double probability) implements Forecast {
        public Event {
            if (comparison == null) {
                throw new IllegalArgumentException("comparison is missing: one of LT, LE, GT, GE");
            }
            if (!Double.isFinite(threshold)) {
                throw new IllegalArgumentException("threshold = " + threshold + ": must be finite");
            }
            if (!(probability >= 0 && probability <= 1)) {
                throw new IllegalArgumentException("probability = " + probability + ": must be in [0, 1]");
            }
        }
    }

    /**
     * A central interval that should hold the value with the given confidence.
     *
     * @param lo lower end
     * @param hi upper end, {@code >= lo}
     * @param confidence nominal coverage in (0, 1)
     */
    record Range(double lo, double hi, double confidence) implements Forecast {
        public Range {
            if (!(lo <= hi) || !Double.isFinite(lo) || !Double.isFinite(hi)) {
                throw new IllegalArgumentException("lo = " + lo + ", hi = " + hi + ": need finite lo <= hi");
            }
            if (!(confidence > 0 && confidence < 1)) {
                throw new IllegalArgumentException("confidence = " + confidence + ": must be in (0, 1)");
            }
        }
    }

    /**
     * Quantiles of the forecast distribution.
     *
     * @param levels quantile levels, strictly increasing in (0, 1)
     * @param values the quantiles, non-decreasing
     */
    record Quantiles(double[] levels, double[] values) implements Forecast {
        public Quantiles {
            levels = levels.clone();
            values = values.clone();
            if (levels.length == 0 || levels.length != values.length) {
                throw new IllegalArgumentException("levels has " + levels.length + " entries, values " + values.length
                        + ": need the same number, at least one");
            }
            for (int i = 0; i < levels.length; i++) {
                if (!(levels[i] > 0 && levels[i] < 1) || (i > 0 && !(levels[i] > levels[i - 1]))) {
                    throw new IllegalArgumentException(
                            "levels[" + i + "] = " + levels[i] + ": levels must be strictly increasing in (0, 1)");
                }
                if (!Double.isFinite(values[i]) || (i > 0 && values[i] < values[i - 1])) {
                    throw new IllegalArgumentException(
                            "values[" + i + "] = " + values[i] + ": quantiles must be finite and non-decreasing");
                }
            }
        }

        @Override
        public double[] levels() {
            return levels.clone();
        }

        @Override
        public double[] values() {
            return values.clone();
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Quantiles q
                    && java.util.Arrays.equals(q.levels, levels)
                    && java.util.Arrays.equals(q.values, values);
        }

        @Override
        public int hashCode() {
            return 31 * java.util.Arrays.hashCode(levels) + java.util.Arrays.hashCode(values);
        }

        @Override
        public String toString() {
            return "Quantiles" + java.util.Arrays.toString(levels) + " -> " + java.util.Arrays.toString(values);
        }
    }
}
