package dev.vivarium.store.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StatusJsonTest {

    @TempDir
    Path dir;

    private final RunStatus status = new RunStatus(
            RunState.FAILED,
            "recipes/modadd.yaml",
            4242,
            "node-7",
            Instant.parse("2025-01-31T12:00:00.123456Z"),
            Instant.parse("2025-01-31T12:05:00Z"),
            900,
            1000,
            Optional.of("loss became NaN at step 900"));

    @Test
    void roundTripsEveryField() throws IOException {
        Path file = dir.resolve("status.json");
        Files.writeString(file, StatusJson.format(status));
        assertEquals(status, StatusJson.read(file));
        RunStatus quiet = status.withState(RunState.RUNNING, Optional.empty());
        Files.writeString(file, StatusJson.format(quiet));
        assertEquals(quiet, StatusJson.read(file));
    }

    @Test
    void writtenFormIsReadableJson() {
        String json = StatusJson.format(status);
        assertTrue(json.contains("\"state\" : \"FAILED\""), json);
        assertTrue(json.contains("\"startedAt\" : \"2025-01-31T12:00:00.123456Z\""), json);
        assertTrue(json.contains("\"totalSteps\" : 1000"), json);
    }

    @Test
    void missingFileIsNamed() {
        Path file = dir.resolve("status.json");
        NoSuchFileException e = assertThrows(NoSuchFileException.class, () -> StatusJson.read(file));
        assertEquals(file + ": run has no status file", e.getMessage());
    }

    @Test
    void corruptFilesAreNamedWithTheProblem() throws IOException {
        assertCorrupt("{\"state\": \"RUN", "not valid JSON");
        assertCorrupt("[]", "expected a JSON object");
        String ok = StatusJson.format(status);
        assertCorrupt(ok.replace("\"pid\" : 4242", "\"pid\" : \"4242\""), "pid must be an integer, found \"4242\"");
        assertCorrupt(
                ok.replace("\"FAILED\"", "\"DONE\""),
                "state \"DONE\" is not one of [RUNNING, COMPLETED, FAILED, KILLED]");
        assertCorrupt(ok.replace("\"host\" : \"node-7\",", ""), "field \"host\" is missing");
        assertCorrupt(
                ok.replace("2025-01-31T12:05:00Z", "yesterday"),
                "heartbeatAt must be an ISO-8601 instant like 2025-01-31T12:00:00Z, found \"yesterday\"");
        assertCorrupt(ok.replace("\"step\" : 900", "\"step\" : -1"), "step must be >= 0, got -1");
    }

    private void assertCorrupt(String content, String fragment) throws IOException {
        Path file = dir.resolve("status.json");
        Files.writeString(file, content);
        IOException e = assertThrows(IOException.class, () -> StatusJson.read(file));
        assertTrue(e.getMessage().startsWith(file + ": corrupt run status: "), e.getMessage());
        assertTrue(e.getMessage().contains(fragment), e.getMessage());
    }
}
