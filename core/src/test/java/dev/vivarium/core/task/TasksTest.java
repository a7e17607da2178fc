package dev.vivarium.core.task;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vivarium.core.task.ModularArithmetic.Op;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

/** The tasks' data against closed-form answers, and their splits' sizes, disjointness and seeds. */
class TasksTest {

    // ---------------------------------------------------------------- modular arithmetic

    /** Closed form of each operation, written out independently of the task. */
    private static long expected(Op op, long a, long b, int p) {
        return switch (op) {
            case ADD -> (a + b) % p;
            case SUB -> ((a - b) % p + p) % p;
            case MUL -> (a * b) % p;
            case DIV -> {
                // the unique c with c * b = a (mod p), by search
                long found = -1;
                for (long c = 0; c < p; c++) {
                    if ((c * b) % p == a) {
                        assertEquals(-1, found, "two quotients for " + a + "/" + b);
                        found = c;
                    }
                }
                yield found;
            }
            case SQUARE_SUM -> (a * a + b * b) % p;
            case CUBE_PLUS_AB -> (a * a * a + a * b) % p;
        };
    }

    @ParameterizedTest
    @EnumSource(Op.class)
    void everyOperationMatchesItsClosedForm(Op op) {
        int p = 31;
        ModularArithmetic task = new ModularArithmetic(p, op, 0.5);
        Examples ex = task.generate(7).examples();
        int bStart = op == Op.DIV ? 1 : 0;
        assertEquals(p * (p - bStart), ex.n());
        assertEquals(3, ex.seqLen());
        assertArrayEquals(new int[] {2}, ex.scored());
        assertEquals(p + 1, task.dVocab());
        assertEquals(p, task.dVocabOut());
        Set<Long> pairs = new HashSet<>();
        for (int i = 0; i < ex.n(); i++) {
            long a = ex.tokens()[3 * i];
            long b = ex.tokens()[3 * i + 1];
            assertEquals(p, ex.tokens()[3 * i + 2], "the '=' token is p");
            assertTrue(a >= 0 && a < p && b >= bStart && b < p);
            assertTrue(pairs.add(a * p + b), "pair repeated");
            assertEquals(expected(op, a, b, p), ex.targets()[i], a + " " + op.yamlName() + " " + b + " mod " + p);
        }
    }

    @Test
    void someValuesByHand() {
        assertEquals(List.of(4L, 6L, 5L, 3L), answers(new ModularArithmetic(7, Op.ADD, 0.5), 5, 6, 3, 3, 6, 6, 0, 3));
        assertEquals(List.of(6L, 0L), answers(new ModularArithmetic(7, Op.SUB, 0.5), 2, 3, 4, 4));
        assertEquals(List.of(1L, 3L), answers(new ModularArithmetic(7, Op.MUL, 0.5), 3, 5, 4, 6)); // 15 = 1, 24 = 3
        // 1/3 = 5 (3 * 5 = 15 = 1), 4/2 = 2, 6/5 = 4 (5 * 4 = 20 = 6)
        assertEquals(List.of(5L, 2L, 4L), answers(new ModularArithmetic(7, Op.DIV, 0.5), 1, 3, 4, 2, 6, 5));
        assertEquals(
                List.of(4L), answers(new ModularArithmetic(7, Op.SQUARE_SUM, 0.5), 3, 4)); // 9 + 16 = 25 = 3 * 7 + 4
        assertEquals(
                List.of(0L, 2L),
                answers(
                        new ModularArithmetic(7, Op.CUBE_PLUS_AB, 0.5),
                        2,
                        3,
                        3,
                        1)); // 8 + 6 = 14, 27 + 3 = 30 = 28 + 2
    }

    private static List<Long> answers(ModularArithmetic task, int... ab) {
        Examples ex = task.generate(0).examples();
        List<Long> out = new ArrayList<>();
        for (int j = 0; j < ab.length; j += 2) {
            int row = -1;
            for (int i = 0; i < ex.n(); i++) {
                if (ex.tokens()[3 * i] == ab[j] && ex.tokens()[3 * i + 1] == ab[j + 1]) {
                    row = i;
                }
            }
            out.add(ex.targets()[row]);
        }
        return out;
    }

    @Test
    void divisionNeedsAPrimeModulus() {
        IllegalArgumentException e =
                assertThrows(IllegalArgumentException.class, () -> new ModularArithmetic(12, Op.DIV, 0.3));
        assertTrue(
                e.getMessage().contains("p:")
                        && e.getMessage().contains("prime")
                        && e.getMessage().contains("12"),
                e.getMessage());
        // a composite modulus is fine for the other operations
        assertEquals(
                144,
                new ModularArithmetic(12, Op.MUL, 0.3).generate(0).examples().n());
    }

    @ParameterizedTest
    @ValueSource(doubles = {0.0, 1.0, -0.1, 1.5, Double.NaN})
    void trainFractionOutsideTheOpenUnitIntervalIsRejected(double fraction) {
        IllegalArgumentException e =
                assertThrows(IllegalArgumentException.class, () -> new ModularArithmetic(7, Op.ADD, fraction));
        assertTrue(e.getMessage().contains("trainFraction") && e.getMessage().contains("(0, 1)"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new Addition(2, 100, fraction));
    }

    @Test
    void operationsParseByNameOrSymbolAndUnknownOnesListTheAllowed() {
        assertEquals(Op.DIV, Op.parse("div"));
        assertEquals(Op.DIV, Op.parse("/"));
        assertEquals(Op.SQUARE_SUM, Op.parse("a^2+b^2"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Op.parse("pow"));
        assertTrue(e.getMessage().contains("'pow'") && e.getMessage().contains("cube_plus_ab"), e.getMessage());
    }

    @Test
    void theSplitHasTheRightSizesIsDisjointAndCoversEveryExample() {
        ModularArithmetic task = new ModularArithmetic(23, Op.ADD, 0.3);
        TaskConfig.Data data = task.generate(11);
        int n = 23 * 23;
        int nTrain = 158; // floor(0.3 * 529 = 158.7), the first examples of the shuffle, as Nanda et al. cut
        assertEquals(nTrain, data.split().train().length);
        assertEquals(n - nTrain, data.split().test().length);
        Set<Integer> seen = new HashSet<>();
        IntStream.concat(
                        Arrays.stream(data.split().train()),
                        Arrays.stream(data.split().test()))
                .forEach(i -> assertTrue(seen.add(i), "index " + i + " twice"));
        assertEquals(n, seen.size());
        assertTrue(seen.stream().allMatch(i -> i >= 0 && i < n));
        // train() and test() are the rows the split names
        Examples train = data.train();
        int row = data.split().train()[5];
        assertArrayEquals(
                Arrays.copyOfRange(data.examples().tokens(), 3 * row, 3 * row + 3),
                Arrays.copyOfRange(train.tokens(), 15, 18));
        assertEquals(data.examples().targets()[row], train.targets()[5]);
    }

    @Test
    void theSameSeedGivesTheSameSplitAndAnotherSeedAnotherOne() {
        ModularArithmetic task = new ModularArithmetic(23, Op.ADD, 0.3);
        TaskConfig.Data a = task.generate(1);
        TaskConfig.Data b = task.generate(1);
        TaskConfig.Data c = task.generate(2);
        assertArrayEquals(a.split().train(), b.split().train());
        assertArrayEquals(a.split().test(), b.split().test());
        assertArrayEquals(a.examples().tokens(), b.examples().tokens());
        assertFalse(
                Arrays.equals(sorted(a.split().train()), sorted(c.split().train())), "seed does not move the split");
        // the examples themselves are all pairs, whatever the seed
        assertArrayEquals(a.examples().targets(), c.examples().targets());
    }

    @Test
    void aFractionThatLeavesASideEmptyIsRejected() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Split.shuffled(3, 0.1, 0));
        assertTrue(
                e.getMessage().startsWith("trainFraction: 0.1 of 3 examples leaves no training example"),
                e.getMessage());
        IllegalArgumentException inRecipe = assertThrows(
                IllegalArgumentException.class, () -> new ModularArithmetic(13, ModularArithmetic.Op.ADD, 0.0001));
        assertTrue(inRecipe.getMessage().startsWith("trainFraction: 1.0E-4 of 169 examples"), inRecipe.getMessage());
    }

    // ---------------------------------------------------------------- sparse parity

    /**
     * Labels are the XOR of the chosen bits: from the data alone, exactly one set of k bit positions
     * is consistent with every label, and it is {@link SparseParity#relevantBits}.
     */
    @Test
    void parityLabelsAreTheXorOfTheChosenBits() {
        int n = 10;
        int k = 3;
        SparseParity task = new SparseParity(n, k, 300, 100);
        long seed = 5;
        TaskConfig.Data data = task.generate(seed);
        Examples ex = data.examples();
        assertEquals(400, ex.n());
        assertEquals(n, ex.seqLen());
        assertArrayEquals(new int[] {n - 1}, ex.scored());
        assertTrue(Arrays.stream(ex.tokens()).allMatch(t -> t == 0 || t == 1));
        List<int[]> consistent = new ArrayList<>();
        for (int mask = 0; mask < 1 << n; mask++) {
            if (Integer.bitCount(mask) != k) {
                continue;
            }
            boolean ok = true;
            for (int i = 0; i < ex.n() && ok; i++) {
                long x = 0;
                for (int j = 0; j < n; j++) {
                    if ((mask >> j & 1) == 1) {
                        x ^= ex.tokens()[i * n + j];
                    }
                }
                ok = x == ex.targets()[i];
            }
            if (ok) {
                final int m = mask;
                consistent.add(
                        IntStream.range(0, n).filter(j -> (m >> j & 1) == 1).toArray());
            }
        }
        assertEquals(1, consistent.size(), "sets of bits consistent with the labels");
        assertArrayEquals(consistent.get(0), task.relevantBits(seed));
        // both labels occur
        assertTrue(Arrays.stream(ex.targets()).anyMatch(t -> t == 0)
                && Arrays.stream(ex.targets()).anyMatch(t -> t == 1));
    }

    @Test
    void paritySplitIsSamplesThenTestSamples() {
        TaskConfig.Data data = new SparseParity(6, 2, 50, 20).generate(3);
        assertArrayEquals(IntStream.range(0, 50).toArray(), data.split().train());
        assertArrayEquals(IntStream.range(50, 70).toArray(), data.split().test());
    }

    @Test
    void parityIsDeterministicInTheSeed() {
        SparseParity task = new SparseParity(12, 3, 64, 16);
        TaskConfig.Data a = task.generate(9);
        TaskConfig.Data b = task.generate(9);
        TaskConfig.Data c = task.generate(10);
        assertArrayEquals(a.examples().tokens(), b.examples().tokens());
        assertArrayEquals(a.examples().targets(), b.examples().targets());
        assertArrayEquals(task.relevantBits(9), task.relevantBits(9));
        assertFalse(Arrays.equals(a.examples().tokens(), c.examples().tokens()));
    }

    @Test
    void parityRejectsMoreRelevantBitsThanBits() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new SparseParity(4, 5, 10, 10));
        assertTrue(e.getMessage().contains("k:") && e.getMessage().contains("5"), e.getMessage());
    }

    // ---------------------------------------------------------------- addition

    @ParameterizedTest
    @ValueSource(ints = {1, 2, 3})
    void additionTokensDecodeToASumWithTargetsAtTheScoredPositions(int digits) {
        Addition task = new Addition(digits, 2_000, 0.8);
        Examples ex = task.generate(4).examples();
        int len = 3 * digits + 2;
        assertEquals(len, ex.seqLen());
        assertEquals(len, task.seqLen());
        assertEquals(12, task.dVocab());
        assertEquals(10, task.dVocabOut());
        int[] scored = IntStream.rangeClosed(2 * digits + 1, 3 * digits + 1).toArray();
        assertArrayEquals(scored, ex.scored());
        long max = (long) Math.pow(10, digits);
        assertEquals((int) Math.min(2_000, max * max), ex.n());
        Set<Long> pairs = new HashSet<>();
        for (int i = 0; i < ex.n(); i++) {
            long[] t = Arrays.copyOfRange(ex.tokens(), i * len, (i + 1) * len);
            long[] y = Arrays.copyOfRange(ex.targets(), i * (digits + 1), (i + 1) * (digits + 1));
            long a = number(t, 0, digits);
            assertEquals(Addition.PLUS, t[digits]);
            long b = number(t, digits + 1, digits);
            assertEquals(Addition.EQUALS, t[2 * digits + 1]);
            assertTrue(pairs.add(a * max + b), "pair repeated");
            assertEquals(a + b, number(y, 0, digits + 1), a + " + " + b);
            // teacher forcing: the token after each scored position is its target (c without its last digit)
            for (int s = 0; s < digits; s++) {
                assertEquals(y[s], t[scored[s] + 1], "target " + s + " of " + a + " + " + b);
            }
        }
    }

    @Test
    void additionCarries() {
        Examples ex = new Addition(2, 10_000, 0.5).generate(0).examples(); // all 10,000 pairs
        assertEquals(10_000, ex.n());
        assertArrayEquals(new long[] {1, 9, 8}, targetsOf(ex, 99, 99, 2));
        assertArrayEquals(new long[] {0, 1, 0}, targetsOf(ex, 5, 5, 2));
        assertArrayEquals(new long[] {1, 0, 0}, targetsOf(ex, 1, 99, 2));
        assertArrayEquals(new long[] {0, 0, 0}, targetsOf(ex, 0, 0, 2));
        assertArrayEquals(new long[] {0, 9, 9}, targetsOf(ex, 45, 54, 2));
    }

    @Test
    void additionIsDeterministicInTheSeed() {
        Addition task = new Addition(3, 500, 0.8);
        TaskConfig.Data a = task.generate(1);
        TaskConfig.Data b = task.generate(1);
        TaskConfig.Data c = task.generate(2);
        assertArrayEquals(a.examples().tokens(), b.examples().tokens());
        assertArrayEquals(a.split().train(), b.split().train());
        assertFalse(Arrays.equals(a.examples().tokens(), c.examples().tokens()));
        assertEquals(400, a.split().train().length);
        assertEquals(100, a.split().test().length);
    }

    @Test
    void additionRejectsBadDigits() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new Addition(10, 100, 0.5));
        assertTrue(e.getMessage().contains("digits") && e.getMessage().contains("10"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new Addition(0, 100, 0.5));
    }

    private static long[] targetsOf(Examples ex, long a, long b, int digits) {
        int len = ex.seqLen();
        for (int i = 0; i < ex.n(); i++) {
            if (number(ex.tokens(), i * len, digits) == a && number(ex.tokens(), i * len + digits + 1, digits) == b) {
                return Arrays.copyOfRange(ex.targets(), i * (digits + 1), (i + 1) * (digits + 1));
            }
        }
        throw new AssertionError(a + " + " + b + " not generated");
    }

    private static long number(long[] digits, int from, int count) {
        long v = 0;
        for (int i = 0; i < count; i++) {
            long d = digits[from + i];
            assertTrue(d >= 0 && d <= 9, "not a digit: " + d);
            v = 10 * v + d;
        }
        return v;
    }

    private static int[] sorted(int[] a) {
        int[] s = a.clone();
        Arrays.sort(s);
        return s;
    }
}
