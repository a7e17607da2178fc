package dev.vivarium.sweep;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RandomAxesTest {
    private static RandomAxes axes(int n, long seed) {
        Map<String, Distribution> axes = new LinkedHashMap<>();
        axes.put("train.lr", new Distribution.LogUniform(1e-4, 1e-2));
        axes.put("train.weightDecay", new Distribution.Uniform(0, 1));
        axes.put("model.act", new Distribution.Choice(List.of("relu", "gelu")));
        return new RandomAxes(n, seed, axes);
    }

    private static double value(String override) {
        return Double.parseDouble(override.substring(override.indexOf('=') + 1));
    }

    @Test
    void theSameSeedDrawsTheSamePointsAndAnotherSeedOthers() {
        assertEquals(axes(8, 1).draws(), axes(8, 1).draws());
        assertNotEquals(axes(8, 1).draws(), axes(8, 2).draws());
        List<String> first = axes(8, 1).draws().get(0);
        assertEquals(
                List.of("train.lr", "train.weightDecay", "model.act"),
                first.stream().map(o -> o.substring(0, o.indexOf('='))).toList());
    }

    @Test
    void drawsLieInsideTheirBoundsAndFollowTheirDistributions() {
        int n = 2000;
        List<List<String>> draws = axes(n, 1).draws();
        assertEquals(n, draws.size());
        double sumLog = 0;
        double sumWd = 0;
        int lowerDecade = 0;
        int relu = 0;
        for (List<String> d : draws) {
            double lr = value(d.get(0));
            double wd = value(d.get(1));
            assertTrue(lr >= 1e-4 && lr < 1e-2, "lr " + lr);
            assertTrue(wd >= 0 && wd < 1, "weightDecay " + wd);
            double log = Math.log10(lr);
            sumLog += log;
            lowerDecade += log < -3 ? 1 : 0;
            sumWd += wd;
            String act = d.get(2).substring("model.act=".length());
            assertTrue(act.equals("relu") || act.equals("gelu"), act);
            relu += act.equals("relu") ? 1 : 0;
        }
        // log10(lr) is uniform on [-4, -2]: mean -3, sd 2/sqrt(12) = 0.577, standard error 0.013 at n = 2000;
        // a plain uniform on [1e-4, 1e-2] would put the mean of log10 near -2.3 and 1% of draws below 1e-3
        assertEquals(-3.0, sumLog / n, 0.05);
        assertEquals(0.5, lowerDecade / (double) n, 0.04);
        // uniform on [0, 1]: mean 0.5, sd 0.289, standard error 0.0065
        assertEquals(0.5, sumWd / n, 0.03);
        // a fair choice between two: standard error 0.011
        assertEquals(0.5, relu / (double) n, 0.04);
    }

    @Test
    void drawsAreWrittenAsPlainDecimalsThatReadBackExactly() {
        java.util.SplittableRandom random = new java.util.SplittableRandom(3);
        Distribution big = new Distribution.Uniform(1e7, 1e9);
        Distribution small = new Distribution.LogUniform(1e-9, 1e-6);
        for (int i = 0; i < 100; i++) {
            for (Distribution d : List.of(big, small)) {
                String text = d.draw(random);
                assertTrue(text.matches("[0-9]+\\.?[0-9]*"), text);
                assertEquals(text, Distribution.plain(Double.parseDouble(text)));
            }
        }
        assertEquals("0.0001", Distribution.plain(1e-4));
        assertEquals("50000000", Distribution.plain(5e7));
    }
}
