package dev.vivarium.core.task;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Induction sequences: BOS, a prefix from the seed's bigram chain, a half that repeats it in exactly the
 * recipe's share of each set and continues the chain otherwise; every position scored with the next token;
 * the score groups pick the repeated sequences and the two halves.
 */
class InductionTest {
    private static final Induction TASK = new Induction(20, 8, 3, 0.3, 1000, 300);

    @Test
    void sequencesAreBosAPrefixFromTheChainAndARepeatOrAContinuation() {
        TaskConfig.Data d = TASK.generate(7);
        Examples e = d.examples();
        int len = TASK.seqLen();
        assertEquals(17, len);
        int[][] next = TASK.successors(7);
        int repeated = 0;
        for (int i = 0; i < e.n(); i++) {
            long[] s = Arrays.copyOfRange(e.tokens(), i * len, (i + 1) * len);
            assertEquals(20, s[0], "BOS first");
            for (int p = 1; p < len; p++) {
                assertTrue(s[p] >= 0 && s[p] < 20, "token " + s[p] + " at " + p);
            }
            for (int p = 2; p <= 8; p++) {
                assertTrue(follows(next, s[p - 1], s[p]), "prefix transition at " + p);
            }
            boolean rep = Arrays.equals(Arrays.copyOfRange(s, 1, 9), Arrays.copyOfRange(s, 9, 17));
            assertEquals(rep, TASK.repeated(e, i));
            if (rep) {
                repeated++;
            } else {
                for (int p = 9; p < len; p++) { // continues the chain, across the boundary too
                    assertTrue(follows(next, s[p - 1], s[p]), "continuation transition at " + p);
                }
            }
        }
        // exactly round(0.3 n) in each set (a continuation equal to its prefix would add one: 3^-8 odds)
        assertEquals(300, count(e, d.split().train()));
        assertEquals(90, count(e, d.split().test()));
        assertEquals(390, repeated);
    }

    @Test
    void everyPositionIsScoredWithTheNextToken() {
        Examples e = TASK.generate(1).examples();
        int[] all = new int[16];
        Arrays.setAll(all, i -> i);
        assertArrayEquals(all, e.scored());
        for (int i = 0; i < e.n(); i++) {
            for (int p = 0; p < 16; p++) {
                assertEquals(e.tokens()[i * 17 + p + 1], e.targets()[i * 16 + p]);
            }
        }
        assertEquals(21, TASK.dVocab());
        assertEquals(20, TASK.dVocabOut());
    }

    @Test
    void theChainHasDistinctSuccessorsAndTheSeedDecidesIt() {
        int[][] next = TASK.successors(3);
        for (int[] row : next) {
            assertEquals(3, row.length);
            assertEquals(3, Arrays.stream(row).distinct().count());
        }
        assertFalse(Arrays.deepEquals(next, TASK.successors(4)));
        assertArrayEquals(
                TASK.generate(3).examples().tokens(),
                TASK.generate(3).examples().tokens());
        assertNotEquals(
                Arrays.hashCode(TASK.generate(3).examples().tokens()),
                Arrays.hashCode(TASK.generate(4).examples().tokens()));
    }

    @Test
    void trainAndTestAreDisjointDrawsAndEveryChainTransitionIsUsedUniformly() {
        Induction big = new Induction(5, 6, 2, 0.0, 20_000, 100);
        TaskConfig.Data d = big.generate(11);
        Set<Integer> train = new HashSet<>();
        Arrays.stream(d.split().train()).forEach(train::add);
        assertTrue(Arrays.stream(d.split().test()).noneMatch(train::contains));
        // each successor of a token is drawn with probability 1/branching: the empirical share is within
        // 5 standard errors of 1/2 for every (token, successor)
        int[][] next = big.successors(11);
        long[][] counts = new long[5][5];
        Examples e = d.examples();
        for (int i = 0; i < e.n(); i++) {
            for (int p = 2; p < 13; p++) {
                counts[(int) e.tokens()[i * 13 + p - 1]][(int) e.tokens()[i * 13 + p]]++;
            }
        }
        for (int a = 0; a < 5; a++) {
            long total = Arrays.stream(counts[a]).sum();
            for (int b : next[a]) {
                double share = (double) counts[a][b] / total;
                assertEquals(0.5, share, 5 * Math.sqrt(0.25 / total), "share of " + a + "->" + b);
            }
        }
    }

    @Test
    void scoreGroupsAreTheRepeatedSequencesTwoHalves() {
        TaskConfig.Data d = TASK.generate(5);
        Examples test = d.test();
        List<ScoreGroup> groups = TASK.scoreGroups(test);
        assertEquals(
                List.of("repeat", "first"),
                groups.stream().map(ScoreGroup::name).toList());
        ScoreGroup rep = groups.get(0);
        assertArrayEquals(new int[] {9, 10, 11, 12, 13, 14, 15}, rep.positions());
        assertArrayEquals(new int[] {1, 2, 3, 4, 5, 6, 7}, groups.get(1).positions());
        assertEquals(90, rep.rows().length);
        Examples sel = rep.select(test);
        for (int k = 0; k < rep.rows().length; k++) {
            int row = rep.rows()[k];
            assertTrue(TASK.repeated(test, row));
            for (int j = 0; j < 7; j++) {
                int p = rep.positions()[j];
                // the target at a repeat position is the token after the current token's earlier occurrence
                assertEquals(test.tokens()[row * 17 + p - 8 + 1], sel.targets()[k * 7 + j]);
                assertEquals(test.tokens()[row * 17 + p + 1], sel.targets()[k * 7 + j]);
            }
        }
        assertTrue(new Induction(20, 8, 3, 0.0, 10, 10)
                .scoreGroups(new Induction(20, 8, 3, 0.0, 10, 10).generate(0).test())
                .isEmpty());
    }

    @Test
    void badValuesAreRefusedNamingTheField() {
        assertTrue(assertThrows(IllegalArgumentException.class, () -> new Induction(1, 8, 1, 0.5, 10, 10))
                .getMessage()
                .startsWith("vocab:"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> new Induction(20, 8, 21, 0.5, 10, 10))
                .getMessage()
                .startsWith("branching:"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> new Induction(20, 8, 3, 1.5, 10, 10))
                .getMessage()
                .startsWith("repeatFraction:"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> new Induction(20, 1, 3, 0.5, 10, 10))
                .getMessage()
                .startsWith("prefixLen:"));
    }

    private static boolean follows(int[][] next, long a, long b) {
        return Arrays.stream(next[(int) a]).anyMatch(x -> x == b);
    }

    private static int count(Examples e, int[] rows) {
        return (int) Arrays.stream(rows)
                .filter(i -> Arrays.equals(
                        Arrays.copyOfRange(e.tokens(), i * 17 + 1, i * 17 + 9),
                        Arrays.copyOfRange(e.tokens(), i * 17 + 9, i * 17 + 17)))
                .count();
    }
}
