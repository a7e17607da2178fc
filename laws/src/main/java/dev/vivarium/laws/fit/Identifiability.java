package dev.vivarium.laws.fit;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * Refuses fits whose parameters the points cannot determine. Each input needs at least as many distinct
 * values as the parameters its terms and the constant pin down along it (a power term's coefficient and
 * exponent, plus the constant: 3 for {@code E + A/x^alpha}, 2 for {@code A/x^alpha}); all points together
 * need at least as many distinct rows as the law has parameters; and the observed values must vary.
 * Otherwise an optimiser still returns numbers (A = 3.5e-6, alpha = -1.0, SE 0), but they mean nothing.
 */
public final class Identifiability {
    private Identifiability() {}

    /** Throws with one line naming the input, its distinct values and what the law needs. */
    public static void require(Law law, LawData data) {
        int constants = (int) law.terms().stream().filter(Law.Term::isConstant).count();
        for (int j = 0; j < law.inputs().size(); j++) {
            int input = j;
            int terms =
                    (int) law.terms().stream().filter(t -> t.input() == input).count();
            int needed = 2 * terms + constants;
            double[] values = new double[data.size()];
            for (int i = 0; i < data.size(); i++) {
                values[i] = data.logX(j, i);
            }
            long distinct = Arrays.stream(values).distinct().count();
            if (distinct < needed) {
                String name = data.inputs().get(j);
                throw new IllegalArgumentException(String.format(
                        Locale.ROOT,
                        "cannot fit %s (parameters %s): %s has %d distinct value%s (%s) over %d points, and the law"
                                + " needs at least %d; with fewer its parameters are not determined by the points",
                        law.name(),
                        law.parameterNames(),
                        name,
                        distinct,
                        distinct == 1 ? "" : "s",
                        describe(values),
                        data.size(),
                        needed));
            }
        }
        long rows = java.util.stream.IntStream.range(0, data.size())
                .mapToObj(i -> List.of(Arrays.stream(data.logXRow(i)).boxed().toArray()))
                .distinct()
                .count();
        if (rows < law.parameterCount()) {
            throw new IllegalArgumentException("cannot fit " + law.name() + " (" + law.parameterCount()
                    + " parameters " + law.parameterNames() + ") to " + rows + " distinct input points: need at least "
                    + law.parameterCount());
        }
        double first = data.logY(0);
        boolean varies = false;
        for (int i = 1; i < data.size() && !varies; i++) {
            varies = data.logY(i) != first;
        }
        if (!varies) {
            throw new IllegalArgumentException(String.format(
                    Locale.ROOT,
                    "cannot fit %s: %s has zero variance (%s at all %d points), so no exponent is determined",
                    law.name(),
                    data.yName(),
                    number(Math.exp(first)),
                    data.size()));
        }
    }

    private static String describe(double[] logValues) {
        double[] d = Arrays.stream(logValues)
                .distinct()
                .sorted()
                .limit(4)
                .map(Math::exp)
                .toArray();
        StringBuilder s = new StringBuilder();
        for (int i = 0; i < d.length; i++) {
            s.append(i > 0 ? ", " : "").append(number(d[i]));
        }
        return s.toString();
    }

    /** Six significant digits without trailing zeros (the value went through log and exp). */
    private static String number(double v) {
        java.math.BigDecimal b =
                new java.math.BigDecimal(v).round(new java.math.MathContext(6)).stripTrailingZeros();
        return Math.abs(v) < 1e7 && Math.abs(v) >= 1e-4
                ? b.toPlainString()
                : b.toString().replace("E", "e");
    }
}
