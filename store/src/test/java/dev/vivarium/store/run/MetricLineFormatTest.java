package dev.vivarium.store.run;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The direct formatter of metric rows writes exactly the bytes Jackson's generator writes (the file format is
 * unchanged), for every kind of value a row can hold, and rows with keys that need escaping still go through
 * Jackson.
 */
class MetricLineFormatTest {
    private static final double[] SPECIAL = {
        0.0,
        -0.0,
        1.0,
        -1.0,
        1e-300,
        4.9e-324,
        1.7976931348623157e308,
        1e21,
        1e-7,
        0.1,
        123456789.125,
        Double.NaN,
        Double.POSITIVE_INFINITY,
        Double.NEGATIVE_INFINITY
    };

    @Test
    void rowsAreWrittenAsJacksonWritesThem() throws IOException {
        Random rng = new Random(42);
        String[] keys = {
            "train_loss",
            "norm.blocks.0.attn.W_Q",
            "acc/digit 1",
            "a~b",
            "x[0]",
            "é",
            "tab\there",
            "quote\"d",
            "back\\slash",
            "\u007f",
            "emoji\ud83d\ude00"
        };
        for (int trial = 0; trial < 2000; trial++) {
            Map<String, Number> row = new LinkedHashMap<>();
            row.put("step", (long) rng.nextInt(1 << 30));
            int n = rng.nextInt(12);
            for (int i = 0; i < n; i++) {
                String key = trial % 3 == 0 ? keys[rng.nextInt(keys.length)] + i : "m" + i;
                Number v;
                switch (rng.nextInt(5)) {
                    case 0:
                        v = SPECIAL[rng.nextInt(SPECIAL.length)];
                        break;
                    case 1:
                        v = rng.nextLong();
                        break;
                    case 2:
                        v = rng.nextInt();
                        break;
                    case 3:
                        v = (float) rng.nextGaussian();
                        break;
                    default:
                        v = Math.exp(rng.nextGaussian() * 30);
                        break;
                }
                row.put(key, v);
            }
            String fast = MetricLine.format(row);
            assertEquals(MetricLine.formatWithJackson(row), fast, row.toString());
            Map<String, Double> back = MetricLine.parse(fast, "row " + trial);
            assertEquals(row.size(), back.size());
        }
    }

    /**
     * Through a log, which reuses one buffer and remembers each key's text between rows: rows of plain keys,
     * rows that need Jackson's escaping, and rows longer than the buffer, mixed, give the file Jackson's lines.
     */
    @Test
    void aLogWritesJacksonsLinesRowAfterRow(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir)
            throws IOException {
        Random rng = new Random(7);
        String[] keys = {"train_loss", "test_acc", "é", "quote\"d", "norm.blocks.0.mlp.W_in", "lr"};
        StringBuilder expected = new StringBuilder();
        java.nio.file.Path file = dir.resolve("metrics.jsonl");
        try (MetricLog log = new MetricLog(file)) {
            for (int step = 0; step < 3000; step++) {
                Map<String, Number> row = new LinkedHashMap<>();
                row.put("step", step);
                int n = step % 500 == 7 ? 400 : rng.nextInt(8); // now and then a row of 400 values
                for (int i = 0; i < n; i++) {
                    String key = keys[rng.nextInt(step % 4 == 0 ? keys.length : 2)] + (n > 10 ? "." + i : "");
                    row.put(key, rng.nextInt(6) == 0 ? SPECIAL[rng.nextInt(SPECIAL.length)] : rng.nextGaussian());
                }
                log.append(row);
                expected.append(MetricLine.formatWithJackson(row)).append('\n');
            }
        }
        assertEquals(expected.toString(), java.nio.file.Files.readString(file));
    }

    @Test
    void aStepWrittenAsADoubleIsAnInteger() {
        Map<String, Number> row = new LinkedHashMap<>();
        row.put("step", 100.0);
        row.put("loss", 0.25);
        assertEquals("{\"step\":100,\"loss\":0.25}", MetricLine.format(row));
        assertEquals(MetricLine.formatWithJackson(row), MetricLine.format(row));
    }
}
