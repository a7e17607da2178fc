package dev.vivarium.store.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MetricLogTest {

    @TempDir
    Path dir;

    @Test
    void doublesRoundTripBitForBit() throws IOException {
        double[] hard = {
            0.1 + 0.2,
            1e-300,
            Double.MIN_VALUE,
            -0.0,
            Double.NaN,
            Double.POSITIVE_INFINITY,
            Double.NEGATIVE_INFINITY,
            Double.MAX_VALUE,
            1.0 / 3,
            123456789.12345679,
            -2.5e-8,
            1e22,
            1e23
        };
        Map<String, Number> row = new LinkedHashMap<>();
        row.put("step", 1000);
        for (int i = 0; i < hard.length; i++) {
            row.put("v" + i, hard[i]);
        }
        try (MetricLog log = new MetricLog(dir.resolve("metrics.jsonl"))) {
            log.append(row);
        }
        Map<String, Double> back =
                new MetricLog(dir.resolve("metrics.jsonl")).read().get(0);
        assertEquals(List.copyOf(row.keySet()), List.copyOf(back.keySet()), "keys in the order appended");
        assertEquals(1000.0, back.get("step"));
        for (int i = 0; i < hard.length; i++) {
            assertEquals(
                    Double.doubleToRawLongBits(hard[i]),
                    Double.doubleToRawLongBits(back.get("v" + i)),
                    () -> "bits of " + row);
        }
    }

    @Test
    void lineFormatIsPlainJson() throws IOException {
        Path file = dir.resolve("metrics.jsonl");
        Map<String, Number> row = new LinkedHashMap<>();
        row.put("step", 7L);
        row.put("loss", 0.1 + 0.2);
        row.put("acc", Double.NaN);
        row.put("inf", Double.NEGATIVE_INFINITY);
        row.put("f", 0.5f);
        row.put("we\"ird", 1);
        try (MetricLog log = new MetricLog(file)) {
            log.append(row);
        }
        assertEquals(
                "{\"step\":7,\"loss\":0.30000000000000004,\"acc\":\"NaN\",\"inf\":\"-Infinity\",\"f\":0.5,"
                        + "\"we\\\"ird\":1}\n",
                Files.readString(file));
    }

    @Test
    void floatsReadBackAsTheirExactDoubleValue() throws IOException {
        MetricLog log = new MetricLog(dir.resolve("m.jsonl"));
        log.append(Map.of("step", 0, "x", 0.1f));
        log.close();
        assertEquals((double) 0.1f, log.read().get(0).get("x"));
    }

    @Test
    void truncatedLastLineIsIgnoredAndCutBeforeTheNextAppend() throws IOException {
        Path file = dir.resolve("metrics.jsonl");
        Files.writeString(file, "{\"step\":1,\"loss\":0.5}\n{\"step\":2,\"loss\":0.25}\n{\"step\":3,\"lo");
        MetricLog log = new MetricLog(file);
        assertEquals(List.of(Map.of("step", 1.0, "loss", 0.5), Map.of("step", 2.0, "loss", 0.25)), log.read());
        assertEquals(Optional.of(Map.of("step", 2.0, "loss", 0.25)), log.last());

        log.append(Map.of("step", 3));
        log.close();
        assertEquals("{\"step\":1,\"loss\":0.5}\n{\"step\":2,\"loss\":0.25}\n{\"step\":3}\n", Files.readString(file));
    }

    @Test
    void aTornLineWithoutAnyNewlineIsDroppedEntirely() throws IOException {
        Path file = dir.resolve("metrics.jsonl");
        Files.writeString(file, "{\"step\":1,\"lo");
        try (MetricLog log = new MetricLog(file)) {
            assertEquals(List.of(), log.read());
            log.append(Map.of("step", 1));
        }
        assertEquals("{\"step\":1}\n", Files.readString(file));
    }

    @Test
    void corruptLineInTheMiddleNamesFileAndLine() throws IOException {
        Path file = dir.resolve("metrics.jsonl");
        Files.writeString(file, "{\"step\":1}\n{\"step\":2,,}\n{\"step\":3}\n");
        IOException e = assertThrows(IOException.class, () -> new MetricLog(file).read());
        assertTrue(e.getMessage().startsWith(file + " line 2: corrupt metric row: not valid JSON"), e.getMessage());

        Files.writeString(file, "{\"step\":1}\n{\"step\":\"two\"}\n");
        e = assertThrows(IOException.class, () -> new MetricLog(file).read());
        assertEquals(
                file + " line 2: corrupt metric row: value of \"step\" must be a number, \"NaN\", \"Infinity\""
                        + " or \"-Infinity\", found \"two\"",
                e.getMessage());
    }

    @Test
    void truncateAfterKeepsEarlierRowsByteForByte() throws IOException {
        Path file = dir.resolve("metrics.jsonl");
        MetricLog log = new MetricLog(file);
        for (int step = 0; step < 10; step++) {
            log.append(Map.of("step", step, "loss", 1.0 / (step + 1)));
        }
        List<String> before = Files.readAllLines(file);
        Files.writeString(file, "{\"step\":10,\"lo", StandardOpenOption.APPEND); // torn tail from a crash

        log.truncateAfter(4);
        assertEquals(before.subList(0, 5), Files.readAllLines(file));
        log.append(Map.of("step", 5, "loss", 0.0));
        log.close();
        List<Map<String, Double>> rows = log.read();
        assertEquals(6, rows.size());
        assertEquals(
                List.of(0.0, 1.0, 2.0, 3.0, 4.0, 5.0),
                rows.stream().map(r -> r.get("step")).toList());
        assertEquals(Map.of("step", 5.0, "loss", 0.0), rows.get(5));
    }

    @Test
    void missingFileIsAnEmptyLog() throws IOException {
        MetricLog log = new MetricLog(dir.resolve("none.jsonl"));
        assertEquals(List.of(), log.read());
        assertEquals(Optional.empty(), log.last());
        log.truncateAfter(3);
        assertTrue(Files.notExists(dir.resolve("none.jsonl")));
    }

    @Test
    void lastFindsTheFinalRowBeyondTheFirstWindow() throws IOException {
        Path file = dir.resolve("metrics.jsonl");
        Map<String, Number> wide = new LinkedHashMap<>();
        wide.put("step", 2);
        for (int i = 0; i < 500; i++) {
            wide.put("probe_accuracy_layer_" + i, i / 7.0); // one row of ~20 kB
        }
        try (MetricLog log = new MetricLog(file)) {
            log.append(Map.of("step", 1));
            log.append(wide);
        }
        Files.writeString(file, "\n\n", StandardOpenOption.APPEND);
        Map<String, Double> last = new MetricLog(file).last().orElseThrow();
        assertEquals(501, last.size());
        assertEquals(499 / 7.0, last.get("probe_accuracy_layer_499"));
    }

    @Test
    void nullValueWritesNothing() throws IOException {
        Path file = dir.resolve("metrics.jsonl");
        Map<String, Number> row = new HashMap<>();
        row.put("step", 0);
        row.put("loss", null);
        try (MetricLog log = new MetricLog(file)) {
            assertThrows(NullPointerException.class, () -> log.append(row));
        }
        assertTrue(Files.notExists(file)
                || Files.readString(file, StandardCharsets.UTF_8).isEmpty());
    }

    @Test
    void stepIsWrittenAsAnIntegerEvenWhenGivenAsADouble() throws IOException {
        Path file = dir.resolve("metrics.jsonl");
        try (MetricLog log = new MetricLog(file)) {
            log.append(Map.of("step", 100.0));
        }
        assertEquals("{\"step\":100}\n", Files.readString(file));
        MetricLog log = new MetricLog(file);
        assertThrows(IllegalArgumentException.class, () -> log.append(Map.of("step", 100.5)));
        assertThrows(IllegalArgumentException.class, () -> log.append(Map.of("loss", 1.0)));
        IOException backwards = assertThrows(IOException.class, () -> log.append(Map.of("step", 100)));
        assertTrue(backwards.getMessage().contains("step 100"), backwards.getMessage());
        log.close();
        assertEquals("{\"step\":100}\n", Files.readString(file), "nothing was appended");
    }

    @Test
    void readersRefuseRepeatedUnsortedOrStepLessRowsNamingTheLine() throws IOException {
        Path file = dir.resolve("metrics.jsonl");
        String good = "{\"step\":0,\"loss\":2.0}\n{\"step\":10,\"loss\":1.0}\n";
        for (String[] c : new String[][] {
            {"{\"step\":10,\"loss\":0.9}\n", "line 3: step 10 repeats"},
            {"{\"step\":5,\"loss\":0.9}\n", "line 3: step 5 comes after step 10"},
            {"{}\n", "line 3: corrupt metric row: no \"step\" (an empty row)"},
            {"{\"loss\":0.5}\n", "line 3: corrupt metric row: no \"step\""},
            {"{\"step\":20,\"lo\n", "line 3: corrupt metric row: not valid JSON"},
        }) {
            Files.writeString(file, good + c[0] + "{\"step\":30,\"loss\":0.1}\n");
            MetricLog log = new MetricLog(file);
            IOException e = assertThrows(IOException.class, log::read);
            assertTrue(e.getMessage().contains(file + " " + c[1]), e.getMessage());
            MetricLog.Contents partial = log.readValid();
            assertEquals(2, partial.rows().size(), "the rows before the bad line are still readable");
            assertEquals(Optional.of(e.getMessage()), partial.problem());
        }
    }

    @Test
    void aTornFinalLineIsCountedNotRead() throws IOException {
        Path file = dir.resolve("metrics.jsonl");
        Files.writeString(file, "{\"step\":0}\n{\"step\":1,\"lo");
        MetricLog.Contents c = new MetricLog(file).readValid();
        assertEquals(1, c.rows().size());
        assertTrue(c.problem().isEmpty());
        assertEquals("{\"step\":1,\"lo".length(), c.tornTailBytes());
    }

    @Test
    void aDirectoryIsNotAMetricLog() throws IOException {
        Path file = Files.createDirectory(dir.resolve("metrics.jsonl"));
        IOException e = assertThrows(IOException.class, () -> new MetricLog(file).read());
        assertEquals(file + ": is a directory, not a metric log", e.getMessage());
    }
}
