package dev.vivarium.core.task;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.math.BigInteger;
import java.util.Arrays;

/**
 * {@code a op b mod p} for every pair {@code (a, b)} (b != 0 for division), as tokens
 * {@code a, b, =} with {@code =} the token {@code p}; the answer is scored at the last position.
 *
 * @param p the modulus (prime for division)
 * @param op the operation
 * @param trainFraction share of all pairs used for training, in (0, 1)
 */
public record ModularArithmetic(int p, Op op, double trainFraction) implements TaskConfig {
    /** The operations of Power et al. 2022 that Vivarium generates. */
    public enum Op {
        ADD("add", "+"),
        SUB("sub", "-"),
        MUL("mul", "*"),
        DIV("div", "/"),
        SQUARE_SUM("square_sum", "a^2+b^2"),
        CUBE_PLUS_AB("cube_plus_ab", "a^3+ab");

        private final String yaml;
        private final String symbol;

        Op(String yaml, String symbol) {
            this.yaml = yaml;
            this.symbol = symbol;
        }

        @JsonValue
        public String yamlName() {
            return yaml;
        }

        /** Accepts the name ({@code add}) or the symbol ({@code +}). */
        @JsonCreator
        public static Op parse(String s) {
            for (Op o : values()) {
                if (o.yaml.equalsIgnoreCase(s) || o.symbol.equals(s)) {
                    return o;
                }
            }
            throw new IllegalArgumentException("op: unknown operation '" + s
                    + "'; allowed: add (+), sub (-), mul (*), div (/), square_sum (a^2+b^2), cube_plus_ab (a^3+ab)");
        }

        long apply(long a, long b, int p) {
            return switch (this) {
                case ADD -> (a + b) % p;
                case SUB -> Math.floorMod(a - b, p);
                case MUL -> a * b % p;
                case DIV -> a
                        * BigInteger.valueOf(b)
                                .modInverse(BigInteger.valueOf(p))
                                .longValueExact()
                        % p;
                case SQUARE_SUM -> (a * a + b * b) % p;
                case CUBE_PLUS_AB -> (a * a % p * a + a * b) % p;
            };
        }
    }

    public ModularArithmetic {
        if (p < 2 || p > 10_000) {
            throw new IllegalArgumentException("p: must be in [2, 10000], got " + p);
        }
        if (op == null) {
            throw new IllegalArgumentException("op: required; allowed: add, sub, mul, div, square_sum, cube_plus_ab");
        }
        if (op == Op.DIV && !BigInteger.valueOf(p).isProbablePrime(50)) {
            throw new IllegalArgumentException("p: division needs a prime modulus, got " + p + " (not prime)");
        }
        if (!(trainFraction > 0 && trainFraction < 1)) {
            throw new IllegalArgumentException("trainFraction: must be in (0, 1), got " + trainFraction);
        }
        Split.requireBothNonEmpty(p * (p - (op == Op.DIV ? 1 : 0)), trainFraction);
    }

    @Override
    public int dVocab() {
        return p + 1;
    }

    @Override
    public int dVocabOut() {
        return p;
    }

    @Override
    public int seqLen() {
        return 3;
    }

    @Override
    public Data generate(long seed) {
        int bStart = op == Op.DIV ? 1 : 0;
        int n = p * (p - bStart);
        long[] tokens = new long[n * 3];
        long[] targets = new long[n];
        int i = 0;
        for (int a = 0; a < p; a++) {
            for (int b = bStart; b < p; b++) {
                tokens[3 * i] = a;
                tokens[3 * i + 1] = b;
                tokens[3 * i + 2] = p;
                targets[i] = op.apply(a, b, p);
                i++;
            }
        }
        Examples all = new Examples(n, 3, tokens, new int[] {2}, targets);
        return new Data(all, Split.shuffled(n, trainFraction, seed));
    }

    @Override
    public String toString() {
        return "a "
                + Arrays.stream(Op.values()).filter(o -> o == op).findFirst().orElseThrow().symbol + " b mod " + p;
    }
}
