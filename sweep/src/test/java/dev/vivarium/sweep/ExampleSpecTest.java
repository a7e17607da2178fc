package dev.vivarium.sweep;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The example specs shipped in recipes/sweeps resolve: 3 weight decays x 3 train fractions x 3 seeds; 6 student
 * widths x 2 seeds on the teacher task.
 */
class ExampleSpecTest {
    @Test
    void grokkingPhaseIsTwentySevenDistinctPoints() {
        List<Point> points = Sweep.points(Path.of("../recipes/sweeps/grokking-phase.yaml"));
        assertEquals(27, points.size());
        assertEquals(27, Set.copyOf(points.stream().map(Point::id).toList()).size());
        Point last = points.get(26);
        assertEquals(
                List.of(
                        "train.steps=3000",
                        "train.stopAtTestAcc=0.99",
                        "train.weightDecay=1.0",
                        "task.trainFraction=0.5",
                        "seed=2"),
                last.overrides());
        assertEquals(3000, last.recipe().train().steps());
        assertEquals(2, last.recipe().seed());
        assertEquals("grokking-quick", last.recipe().name());
    }

    @Test
    void teacherScalingIsSixWidthsTimesTwoSeeds() {
        List<Point> points = Sweep.points(Path.of("../recipes/sweeps/teacher-scaling.yaml"));
        assertEquals(12, points.size());
        assertEquals(12, Set.copyOf(points.stream().map(Point::id).toList()).size());
        Point last = points.get(11);
        assertEquals(List.of("train.steps=3000", "model.width=24", "seed=1"), last.overrides());
        assertEquals("teacher", last.recipe().name());
        assertEquals(24, ((dev.vivarium.core.model.MlpConfig) last.recipe().model()).width());
    }

    @Test
    void theTeacherStudysSweepsAreSmallWidthsAndTwoLargerOnes() {
        List<Point> small = Sweep.points(Path.of("../recipes/studies/teacher-small.yaml"));
        List<Point> large = Sweep.points(Path.of("../recipes/studies/teacher-large.yaml"));
        assertEquals(12, small.size());
        assertEquals(4, large.size());
        int widest = small.stream()
                .mapToInt(p -> ((dev.vivarium.core.model.MlpConfig) p.recipe().model()).width())
                .max()
                .orElseThrow();
        assertEquals(
                true,
                large.stream()
                        .allMatch(p ->
                                ((dev.vivarium.core.model.MlpConfig) p.recipe().model()).width() > widest),
                "every held-out student is wider than every fitted one");
    }
}
