package dev.vivarium.sweep;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The example spec shipped in recipes/sweeps resolves: 3 weight decays x 3 train fractions x 3 seeds. */
class ExampleSpecTest {
    @Test
    void grokkingPhaseIsTwentySevenDistinctPoints() {
        List<Point> points = Sweep.points(Path.of("../recipes/sweeps/grokking-phase.yaml"));
        assertEquals(27, points.size());
        assertEquals(27, Set.copyOf(points.stream().map(Point::id).toList()).size());
        Point last = points.get(26);
        assertEquals(
                List.of("train.steps=3000", "train.weightDecay=1.0", "task.trainFraction=0.5", "seed=2"),
                last.overrides());
        assertEquals(3000, last.recipe().train().steps());
        assertEquals(2, last.recipe().seed());
        assertEquals("grokking-quick", last.recipe().name());
    }
}
