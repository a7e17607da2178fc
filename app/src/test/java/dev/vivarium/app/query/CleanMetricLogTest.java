package dev.vivarium.app.query;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vivarium.store.run.MetricLog;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The fast reader gives the values store's reader gives, bit for bit, for logs store writes; and gives up
 * (so store's reader is used) on anything else.
 */
class CleanMetricLogTest {
    @TempDir
    Path dir;

    @Test
    void givesStoresValuesForAStoreWrittenLog() throws IOException {
        Path file = dir.resolve("metrics.jsonl");
        Random rng = new Random(7);
        try (MetricLog log = new MetricLog(file)) {
            for (int i = 0; i < 200; i++) {
                Map<String, Number> row = new LinkedHashMap<>();
                row.put("step", i * 3L);
                row.put("a", Double.longBitsToDouble(rng.nextLong() >>> 2)); // any magnitude
                row.put("b", rng.nextGaussian() * 1e-300);
                if (i % 3 == 0) {
                    row.put("sometimes", (double) i);
                }
                row.put("count", (long) i * 1_000_000_007L);
                row.put("odd", i == 5 ? Double.NaN : i == 6 ? Double.NEGATIVE_INFINITY : -0.0);
                log.append(row);
            }
        }
        List<Map<String, Double>> store = new MetricLog(file).read();
        MetricValues fast = CleanMetricLog.read(file).orElseThrow();
        MetricValues expected = MetricValues.of(store);
        assertEquals(expected.names(), fast.names());
        assertEquals(expected.size(), fast.size());
        for (int i = 0; i < fast.size(); i++) {
            assertEquals(expected.step(i), fast.step(i));
            assertEquals(expected.metric(i), fast.metric(i));
            assertEquals(
                    Double.doubleToRawLongBits(expected.value(i)),
                    Double.doubleToRawLongBits(fast.value(i)),
                    "value " + i + ": " + expected.value(i) + " vs " + fast.value(i));
        }
        int[] last = fast.lastOfEach();
        assertEquals(597, fast.step(last[fast.names().indexOf("a")]));
        assertEquals(594, fast.step(last[fast.names().indexOf("sometimes")]));
    }

    @Test
    void givesUpOnAnythingUnusual() throws IOException {
        List<String> unusual = new ArrayList<>(List.of(
                "{\"step\":0,\"a\":1}\n{\"step\":1,\"a\":2", // torn last line
                "{\"step\":0,\"a\":1}\n\n{\"step\":1,\"a\":2}\n", // a blank line
                "{\"step\":0, \"a\":1}\n", // whitespace
                "{\"step\":0,\"a\":1,\"a\":2}\n", // a repeated key
                "{\"step\":1,\"a\":1}\n{\"step\":1,\"a\":2}\n", // a repeated step
                "{\"step\":2,\"a\":1}\n{\"step\":1,\"a\":2}\n", // steps going back
                "{\"a\":1}\n", // no step
                "{}\n",
                "{\"step\":0.5,\"a\":1}\n",
                "{\"step\":0,\"a\":01}\n",
                "{\"step\":0,\"a\":1.}\n",
                "{\"step\":0,\"a\":\"nan\"}\n",
                "{\"step\":0,\"\\u0061\":1}\n",
                "{\"step\":0,\"a\":1}garbage\n",
                "[1,2]\n"));
        for (String text : unusual) {
            Path f = dir.resolve("m.jsonl");
            Files.writeString(f, text);
            assertTrue(CleanMetricLog.read(f).isEmpty(), text);
        }
        assertTrue(CleanMetricLog.read(dir.resolve("missing.jsonl")).isEmpty());
    }
}
