package dev.vivarium.laws.fit;

import dev.vivarium.numeric.LogSumExp;
import java.util.ArrayList;
import java.util.List;

/**
 * A law of the form {@code y = sum_k C_k * x_{i(k)}^(-p_k)}, where a term without an input is a constant.
 * It is fitted in log space, {@code log y = logsumexp_k(c_k - p_k log x_{i(k)})} with {@code C_k = exp(c_k)},
 * so all coefficients stay positive and the optimiser works on unconstrained parameters.
 *
 * <p>The parameter vector {@code theta} holds first every term's log-coefficient {@code c_k}, then the
 * exponent {@code p_k} of every term that has an input, both in term order. For {@link #chinchilla()} that is
 * {@code [a, b, e, alpha, beta]}, the layout of Hoffmann et al. and of Besiroglu et al.'s replication.
 *
 * @param name a short name, e.g. {@code "L(N,D)"}
 * @param inputs the input names, e.g. {@code ["N", "D"]}
 * @param terms the terms
 */
public record Law(String name, List<String> inputs, List<Term> terms) {

    /**
     * One term {@code C * x^(-p)}, or a constant {@code C} when {@code input} is negative.
     *
     * @param coefficient the coefficient's name, e.g. {@code "A"}
     * @param exponent the exponent's name, e.g. {@code "alpha"}; ignored for a constant
     * @param input index into the law's inputs, or -1 for a constant term
     */
    public record Term(String coefficient, String exponent, int input) {
        public Term {
            if (coefficient == null || coefficient.isBlank()) {
                throw new IllegalArgumentException("coefficient name is blank");
            }
            if (input >= 0 && (exponent == null || exponent.isBlank())) {
                throw new IllegalArgumentException("exponent name is blank for the term " + coefficient);
            }
        }

        /** A constant term (an irreducible loss such as {@code E}). */
        public static Term constant(String coefficient) {
            return new Term(coefficient, "", -1);
        }

        public boolean isConstant() {
            return input < 0;
        }
    }

    public Law {
        inputs = List.copyOf(inputs);
        terms = List.copyOf(terms);
        if (terms.isEmpty()) {
            throw new IllegalArgumentException("terms is empty: a law needs at least one term");
        }
        for (Term t : terms) {
            if (t.input() >= inputs.size()) {
                throw new IllegalArgumentException("term " + t.coefficient() + " has input " + t.input()
                        + ": must be -1 or in [0, " + (inputs.size() - 1) + "]");
            }
        }
    }

    /** Hoffmann et al.'s L(N, D) = E + A / N^alpha + B / D^beta. */
    public static Law chinchilla() {
        return new Law(
                "L(N,D)",
                List.of("N", "D"),
                List.of(new Term("A", "alpha", 0), new Term("B", "beta", 1), Term.constant("E")));
    }

    /** A saturating power law in one input, e.g. L(C) = E + A / C^alpha. */
    public static Law saturating(String input) {
        return new Law("L(" + input + ")", List.of(input), List.of(new Term("A", "alpha", 0), Term.constant("E")));
    }

    /** A plain power law y = A / x^alpha (alpha may come out negative: y grows with x). */
    public static Law power(String input) {
        return new Law("y(" + input + ")", List.of(input), List.of(new Term("A", "alpha", 0)));
    }

    /** The number of fitted parameters. */
    public int parameterCount() {
        return terms.size() + exponentCount();
    }

    private int exponentCount() {
        return (int) terms.stream().filter(t -> !t.isConstant()).count();
    }

    /** The parameter names in natural units ({@code A, B, E, alpha, beta} for Chinchilla), in theta order. */
    public List<String> parameterNames() {
        List<String> names = new ArrayList<>();
        terms.forEach(t -> names.add(t.coefficient()));
        terms.stream().filter(t -> !t.isConstant()).forEach(t -> names.add(t.exponent()));
        return names;
    }

    /** Converts theta (log-coefficients, exponents) to natural parameters (coefficients, exponents). */
    public double[] natural(double[] theta) {
        checkLength(theta);
        double[] out = theta.clone();
        for (int k = 0; k < terms.size(); k++) {
            out[k] = Math.exp(theta[k]);
        }
        return out;
    }

    /** Converts natural parameters back to theta; every coefficient must be positive. */
    public double[] theta(double[] natural) {
        checkLength(natural);
        double[] out = natural.clone();
        for (int k = 0; k < terms.size(); k++) {
            if (!(natural[k] > 0)) {
                throw new IllegalArgumentException(terms.get(k).coefficient() + " = " + natural[k] + ": must be > 0");
            }
            out[k] = Math.log(natural[k]);
        }
        return out;
    }

    /** {@code log y} at the given log-inputs. */
    public double logPredict(double[] theta, double[] logX) {
        checkLength(theta);
        double[] t = new double[terms.size()];
        int p = terms.size();
        for (int k = 0; k < terms.size(); k++) {
            Term term = terms.get(k);
            t[k] = term.isConstant() ? theta[k] : theta[k] - theta[p++] * logX[term.input()];
        }
        return LogSumExp.of(t);
    }

    /** {@code y} at the given inputs (natural units, each {@code > 0}). */
    public double predict(double[] theta, double... x) {
        if (x.length != inputs.size()) {
            throw new IllegalArgumentException("got " + x.length + " inputs, law " + name + " takes " + inputs);
        }
        double[] logX = new double[x.length];
        for (int j = 0; j < x.length; j++) {
            if (!(x[j] > 0)) {
                throw new IllegalArgumentException(inputs.get(j) + " = " + x[j] + ": must be > 0");
            }
            logX[j] = Math.log(x[j]);
        }
        return Math.exp(logPredict(theta, logX));
    }

    private void checkLength(double[] v) {
        if (v.length != parameterCount()) {
            throw new IllegalArgumentException("parameter vector has length " + v.length + ", law " + name + " has "
                    + parameterCount() + " parameters " + parameterNames());
        }
    }
}
