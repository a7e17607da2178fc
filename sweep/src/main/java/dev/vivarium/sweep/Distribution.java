package dev.vivarium.sweep;

import java.util.List;
import java.util.SplittableRandom;

/** What a random axis draws from: {@code loguniform: [lo, hi]}, {@code uniform: [lo, hi]} or {@code choice: [a, b]}. */
public sealed interface Distribution {

    /** One draw, formatted as the value of a {@code key=value} override. */
    String draw(SplittableRandom random);

    /**
     * A number as plain decimals ({@code 0.00012}, never {@code 1.2E-4} or {@code 5.0E7}): YAML 1.1 reads an
     * exponent without a sign as a string, and the plain form reads back as the same double.
     */
    static String plain(double x) {
        return java.math.BigDecimal.valueOf(x).stripTrailingZeros().toPlainString();
    }

    /** Log-uniform on [lo, hi): log(x) is uniform; needs 0 &lt; lo &lt; hi. */
    record LogUniform(double lo, double hi) implements Distribution {
        public LogUniform {
            if (!(lo > 0 && hi > lo) || !Double.isFinite(hi)) {
                throw new IllegalArgumentException(
                        "loguniform: [" + lo + ", " + hi + "] needs finite bounds with 0 < lo < hi");
            }
        }

        @Override
        public String draw(SplittableRandom random) {
            double logLo = Math.log(lo);
            double logHi = Math.log(hi);
            return plain(Math.exp(logLo + random.nextDouble() * (logHi - logLo)));
        }
    }

    /** Uniform on [lo, hi); needs lo &lt; hi. */
    record Uniform(double lo, double hi) implements Distribution {
        public Uniform {
            if (!(hi > lo) || !Double.isFinite(lo) || !Double.isFinite(hi)) {
                throw new IllegalArgumentException(
                        "uniform: [" + lo + ", " + hi + "] needs finite bounds with lo < hi");
            }
        }

        @Override
        public String draw(SplittableRandom random) {
            return plain(lo + random.nextDouble() * (hi - lo));
        }
    }

    /** One of the listed values, each equally likely. */
    record Choice(List<String> values) implements Distribution {
        public Choice {
            if (values.isEmpty()) {
                throw new IllegalArgumentException("choice: empty; list at least one value");
            }
            values = List.copyOf(values);
        }

        @Override
        public String draw(SplittableRandom random) {
            return values.get(random.nextInt(values.size()));
        }
    }
}
