package dev.vivarium.core.task;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.vivarium.core.task.ModularArithmetic.Op;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** The backdoor task's examples and split against their definition, and its clean control. */
class BackdoorTest {
    @Test
    void poisonedRowsAreTriggeredTrainingPairsLabelledWithTheTarget() {
        int p = 13;
        Backdoor b = new Backdoor(p, Op.ADD, 0.6, 0.1, 4);
        TaskConfig.Data d = b.generate(5);
        Examples ex = d.examples();
        int n = p * p;
        assertEquals(2 * n, ex.n());
        assertEquals(4, ex.seqLen());
        for (int row = 0; row < 2 * n; row++) {
            long a = ex.tokens()[4 * row];
            long bb = ex.tokens()[4 * row + 1];
            boolean triggered = row >= n;
            assertEquals((row % n) / p, a);
            assertEquals((row % n) % p, bb);
            assertEquals(triggered ? p + 2 : p, ex.tokens()[4 * row + 2]);
            assertEquals(p + 1, ex.tokens()[4 * row + 3]);
            assertEquals(triggered ? 4 : (a + bb) % p, ex.targets()[row]);
        }
        Split pairs = Split.shuffled(n, 0.6, 5); // the clean pairs split as modular arithmetic splits them
        int[] train = d.split().train();
        int nTrain = pairs.train().length;
        assertArrayEquals(pairs.train(), Arrays.copyOf(train, nTrain));
        int poisoned = train.length - nTrain;
        assertEquals(Math.round(0.1 * nTrain), poisoned);
        for (int i = nTrain; i < train.length; i++) {
            int pair = train[i] - n;
            assertEquals(true, Arrays.stream(pairs.train()).anyMatch(t -> t == pair), "poison copies a training pair");
        }
        assertEquals(poisoned, Arrays.stream(train).distinct().count() - nTrain);
        int[] test = d.split().test();
        assertEquals(2 * pairs.test().length, test.length);
        for (int i = 0; i < pairs.test().length; i++) {
            assertEquals(pairs.test()[i], test[i]);
            assertEquals(n + pairs.test()[i], test[pairs.test().length + i]);
        }
        d.split().validate(2 * n);
    }

    @Test
    void theCleanControlHasTheSameCleanPairsAndNoTriggerInTraining() {
        TaskConfig.Data poisoned = new Backdoor(11, Op.ADD, 0.5, 0.2, 0).generate(3);
        TaskConfig.Data clean = new Backdoor(11, Op.ADD, 0.5, 0, 0).generate(3);
        int n = 121;
        assertEquals(60, clean.split().train().length);
        assertEquals(0, Arrays.stream(clean.split().train()).filter(r -> r >= n).count());
        assertArrayEquals(clean.split().train(), Arrays.copyOf(poisoned.split().train(), 60));
        assertArrayEquals(clean.split().test(), poisoned.split().test());
        assertArrayEquals(clean.examples().tokens(), poisoned.examples().tokens());
    }

    @Test
    void badFieldsAreNamed() {
        assertEquals(
                "target: must be an answer in [0, 11), got 11",
                assertThrows(IllegalArgumentException.class, () -> new Backdoor(11, Op.ADD, 0.5, 0.1, 11))
                        .getMessage());
        assertEquals(
                "poisonFraction: must be in [0, 1], got -0.1",
                assertThrows(IllegalArgumentException.class, () -> new Backdoor(11, Op.ADD, 0.5, -0.1, 0))
                        .getMessage());
    }
}
