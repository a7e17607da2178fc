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
 * Induction sequences: BOS, a prefix of 5 to 8 tokens from the seed's bigram chain, its repeat in exactly the
 * recipe's share of each set, and the chain continued after it (or throughout); every position scored with the next token;
 * the score groups pick the repeated sequences and the two halves.
 */
class InductionTest {
    private static final Induction TASK = new Induction(20, 8, 5, 3, 0.3, 1000, 300);

    @Test
    void sequencesAreBosAPrefixFromTheChainItsRepeatAndAContinuation() {
        TaskConfig.Data d = TASK.generate(7);
        Examples e = d.examples();
        int len = TASK.seqLen();
        assertEquals(17, len);
        int[][] next = TASK.successors(7);
        int repeated = 0;
        Set<Integer> periods = new HashSet<>();
        for (int i = 0; i < e.n(); i++) {
            long[] s = Arrays.copyOfRange(e.tokens(), i * len, (i + 1) * len);
            assertEquals(20, s[0], "BOS first");
            int m = 0; // the largest prefix length in [5, 8] that the next m tokens repeat
            for (int k = 8; k >= 5 && m == 0; k--) {
                if (Arrays.equals(Arrays.copyOfRange(s, 1, 1 + k), Arrays.copyOfRange(s, 1 + k, 1 + 2 * k))) {
                    m = k;
                }
            }
            assertEquals(m, TASK.period(e, i));
            for (int p = 1; p < len; p++) {
                assertTrue(s[p] >= 0 && s[p] < 20, "token " + s[p] + " at " + p);
                if (p >= 2 && (p <= m || p > 2 * m)) { // the chain everywhere but in the repeat, resuming after it
                    assertTrue(follows(next, s[p - 1], s[p]), "chain transition at " + p + ", period " + m);
                }
            }
            if (m > 0) {
                repeated++;
                periods.add(m);
            }
        }
        // exactly round(0.3 n) in each set (a continuous draw that happens to repeat is drawn again)
        assertEquals(300, count(e, d.split().train()));
        assertEquals(90, count(e, d.split().test()));
        assertEquals(390, repeated);
        assertEquals(Set.of(5, 6, 7, 8), periods, "every prefix length in [minPrefix, prefixLen] occurs");
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
        Induction big = new Induction(8, 6, 6, 2, 0.0, 20_000, 100);
        TaskConfig.Data d = big.generate(11);
        Set<Integer> train = new HashSet<>();
        Arrays.stream(d.split().train()).forEach(train::add);
        assertTrue(Arrays.stream(d.split().test()).noneMatch(train::contains));
        // each successor of a token is drawn with probability 1/branching: the empirical share is within
        // 5 standard errors of 1/2 for every (token, successor) (redraws of sequences that happen to repeat their
        // first 6 tokens, about 0.4% of them here, barely move it)
        int[][] next = big.successors(11);
        long[][] counts = new long[8][8];
        Examples e = d.examples();
        for (int i = 0; i < e.n(); i++) {
            for (int p = 2; p < 13; p++) {
                counts[(int) e.tokens()[i * 13 + p - 1]][(int) e.tokens()[i * 13 + p]]++;
            }
        }
        for (int a = 0; a < 8; a++) {
            long total = Arrays.stream(counts[a]).sum();
            for (int b : next[a]) {
                double share = (double) counts[a][b] / total;
                assertEquals(0.5, share, 5 * Math.sqrt(0.25 / total), "share of " + a + "->" + b);
            }
        }
    }

    @Test
    void scoreGroupsAreTheRepeatedSequencesTwoHalvesOnePairPerPrefixLength() {
        TaskConfig.Data d = TASK.generate(5);
        Examples test = d.test();
        List<ScoreGroup> groups = TASK.scoreGroups(test);
        assertEquals(8, groups.size(), "repeat and first for each of m = 5..8");
        int rows = 0;
        for (int g = 0; g < groups.size(); g += 2) {
            ScoreGroup rep = groups.get(g);
            ScoreGroup first = groups.get(g + 1);
            assertEquals("repeat", rep.name());
            assertEquals("first", first.name());
            assertArrayEquals(rep.rows(), first.rows());
            int m = TASK.period(test, rep.rows()[0]);
            int[] want = new int[m - 1];
            Arrays.setAll(want, i -> m + 1 + i);
            assertArrayEquals(want, rep.positions());
            Arrays.setAll(want, i -> 1 + i);
            assertArrayEquals(want, first.positions());
            Examples sel = rep.select(test);
            for (int k = 0; k < rep.rows().length; k++) {
                int row = rep.rows()[k];
                assertEquals(m, TASK.period(test, row));
                for (int j = 0; j < m - 1; j++) {
                    int p = rep.positions()[j];
                    // the target at a repeat position is the token after the current token's earlier occurrence
                    assertEquals(test.tokens()[row * 17 + p - m + 1], sel.targets()[k * (m - 1) + j]);
                    assertEquals(test.tokens()[row * 17 + p + 1], sel.targets()[k * (m - 1) + j]);
                }
            }
            rows += rep.rows().length;
        }
        assertEquals(90, rows);
        Induction none = new Induction(20, 8, 4, 3, 0.0, 10, 10);
        assertTrue(none.scoreGroups(none.generate(0).test()).isEmpty());
    }

    @Test
    void badValuesAreRefusedNamingTheField() {
        assertTrue(assertThrows(IllegalArgumentException.class, () -> new Induction(1, 8, 4, 1, 0.5, 10, 10))
                .getMessage()
                .startsWith("vocab:"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> new Induction(20, 8, 4, 21, 0.5, 10, 10))
                .getMessage()
                .startsWith("branching:"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> new Induction(20, 8, 4, 3, 1.5, 10, 10))
                .getMessage()
                .startsWith("repeatFraction:"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> new Induction(20, 1, 1, 3, 0.5, 10, 10))
                .getMessage()
                .startsWith("prefixLen:"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> new Induction(20, 8, 9, 3, 0.5, 10, 10))
                .getMessage()
                .startsWith("minPrefix:"));
    }

    private static boolean follows(int[][] next, long a, long b) {
        return Arrays.stream(next[(int) a]).anyMatch(x -> x == b);
    }

    private static int count(Examples e, int[] rows) {
        return (int) Arrays.stream(rows).filter(i -> TASK.period(e, i) > 0).count();
    }
}
