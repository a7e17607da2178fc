package dev.vivarium.laws.predict;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vivarium.laws.ledger.LedgerCheck;
import dev.vivarium.laws.ledger.LedgerEntry;
import dev.vivarium.laws.ledger.Sha256;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The golden ledger written by {@code tools/oracle/ledger_chain.py} (an independent implementation with its
 * own JSON writer) verifies, with the head hash Python computed; and every kind of tampering with it is
 * reported by {@code verify}, with the line it names, and refused by every read.
 */
class LedgerTamperTest {
    private static final Clock CLOCK = Clock.fixed(Instant.parse("2026-02-01T00:00:00Z"), ZoneOffset.UTC);

    @TempDir
    Path dir;

    private PredictionRegistry registry;
    private List<String> hashes;
    private String head;

    @BeforeEach
    void copyGoldenLedger() throws IOException {
        Files.write(dir.resolve(PredictionRegistry.LEDGER), resource("golden.ledger"));
        Files.write(dir.resolve(PredictionRegistry.LEDGER + ".head"), resource("golden.ledger.head"));
        JsonNode golden = new ObjectMapper().readTree(resource("golden.json"));
        hashes = new ArrayList<>();
        golden.path("hashes").forEach(h -> hashes.add(h.asText()));
        head = golden.path("head").asText();
        registry = new PredictionRegistry(dir, CLOCK);
    }

    private static byte[] resource(String name) throws IOException {
        try (InputStream in = LedgerTamperTest.class.getResourceAsStream("/fixtures/ledger/" + name)) {
            return in.readAllBytes();
        }
    }

    @Test
    void goldenLedgerFromAnIndependentWriterVerifiesWithItsHeadHash() {
        LedgerCheck check = registry.verify();
        assertEquals(List.of(), check.problems());
        assertEquals(head, check.headHash());
        List<Prediction> all = registry.list();
        assertEquals(hashes.subList(0, 3), all.stream().map(Prediction::id).toList());
        assertEquals(Instant.parse("2026-01-02T03:04:05.006Z"), all.get(1).createdAt());
        assertEquals(hashes.get(0), all.get(2).amends().orElseThrow());
        Resolution r = registry.resolution(hashes.get(1)).orElseThrow();
        assertEquals(700, r.value());
        assertEquals(Instant.parse("2026-01-04T11:00:00Z"), r.runs().get(0).startedAt());
        assertTrue(r.preRegistered());
        // Java extends the chain: the new entry covers Python's head
        Prediction p = registry.register(PredictionRegistryTest.grokDraft(0.5));
        assertEquals(head, registry.verify().entries().get(4).prev());
        assertEquals(p.id(), registry.verify().headHash());
    }

    @Test
    void anEditedForecastIsReportedAtItsLine() throws IOException {
        edit(0, line -> line.replace("\"probability\":0.7", "\"probability\":0.9"));
        assertEquals(
                List.of("line 1 (seq 1, register " + hashes.get(0).substring(0, 12) + "): its content does not hash to"
                        + " the hash written on the line: the entry was edited after it was written"),
                registry.verify().problems());
        IllegalStateException e = assertThrows(IllegalStateException.class, registry::list);
        assertTrue(e.getMessage().contains("is damaged: line 1"), e.getMessage());
        assertThrows(IllegalStateException.class, () -> registry.register(PredictionRegistryTest.grokDraft(0.5)));
    }

    @Test
    void anEditedAndRehashedForecastBreaksTheNextLink() throws IOException {
        edit(0, line -> rehash(line.replace("\"probability\":0.7", "\"probability\":0.9")));
        List<String> problems = registry.verify().problems();
        assertTrue(
                problems.get(0)
                        .startsWith("line 2 (seq 2, register " + hashes.get(1).substring(0, 12) + "): its prev "
                                + hashes.get(0).substring(0, 12) + " is not the hash of the entry before it"),
                problems.toString());
    }

    @Test
    void aDeletedPredictionIsReported() throws IOException {
        List<String> lines = lines();
        lines.remove(1);
        write(lines);
        List<String> problems = registry.verify().problems();
        assertTrue(
                problems.get(0)
                        .startsWith("line 2 (seq 3, amend " + hashes.get(2).substring(0, 12)
                                + "): seq 3 where 2 was expected: an entry was deleted, inserted or moved"),
                problems.toString());
        assertTrue(problems.stream().anyMatch(p -> p.contains("resolves " + hashes.get(1) + ", which no earlier")));
    }

    @Test
    void aDeletedResolutionAtTheEndIsSeenThroughTheHeadFileAndCannotBeResolvedAgain() throws IOException {
        List<String> lines = lines();
        lines.remove(3);
        write(lines);
        assertEquals(
                List.of("the ledger ends at seq 3 but its head file records seq 4 (" + head.substring(0, 12)
                        + "): the last 1 entries were deleted"),
                registry.verify().problems());
        assertThrows(IllegalStateException.class, () -> registry.resolve(hashes.get(1), 0.98, List.of(), true));
    }

    @Test
    void anEditedResolutionIsReported() throws IOException {
        edit(3, line -> line.replace("\"value\":700.0", "\"value\":7000.0"));
        assertEquals(
                List.of("line 4 (seq 4, resolve " + head.substring(0, 12) + "): its content does not hash to the hash"
                        + " written on the line: the entry was edited after it was written"),
                registry.verify().problems());
    }

    @Test
    void reorderedEntriesAreReported() throws IOException {
        List<String> lines = lines();
        lines.add(0, lines.remove(1));
        write(lines);
        List<String> problems = registry.verify().problems();
        assertTrue(
                problems.get(0)
                        .startsWith("line 1 (seq 2, register " + hashes.get(1).substring(0, 12)
                                + "): seq 2 where 1 was expected"),
                problems.toString());
    }

    @Test
    void aBackDatedEntryIsReportedEvenWhenTheWholeChainAndHeadAreRewritten() throws IOException {
        List<String> lines = lines();
        lines.set(1, lines.get(1).replace("2026-01-02T03:04:05.006Z", "2020-01-01T00:00:00Z"));
        String prev = LedgerEntry.GENESIS;
        for (int i = 0; i < lines.size(); i++) { // the forger recomputes every hash and link, and the head file
            String json =
                    lines.get(i).substring(65).replaceFirst("\"prev\":\"[0-9a-f]{64}\"", "\"prev\":\"" + prev + "\"");
            prev = Sha256.hex(json);
            lines.set(i, prev + " " + json);
        }
        write(lines);
        Files.writeString(dir.resolve(PredictionRegistry.LEDGER + ".head"), lines.size() + " " + prev + "\n");
        LedgerCheck check = registry.verify();
        assertTrue(
                check.problems().get(0).startsWith("line 2 (seq 2, register"),
                check.problems().toString());
        assertTrue(
                check.problems()
                        .get(0)
                        .endsWith("recorded at 2020-01-01T00:00:00Z, before the entry before it"
                                + " (2026-01-02T03:04:05.006Z): back-dated or moved"),
                check.problems().toString());
        assertFalse(check.find(head).isPresent(), "the head published before the forgery is gone from the chain");
    }

    @Test
    void idsMustBeHashesSoNoPathEscapesTheRegistry() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> registry.get("../../x"));
        assertEquals(
                "prediction id '../../x': must be 6 to 64 lowercase hex digits (a prefix of the hash 'predict add'"
                        + " printed)",
                e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> registry.get("abc"));
    }

    private List<String> lines() throws IOException {
        return new ArrayList<>(Files.readAllLines(dir.resolve(PredictionRegistry.LEDGER), StandardCharsets.UTF_8));
    }

    private void write(List<String> lines) throws IOException {
        Files.writeString(dir.resolve(PredictionRegistry.LEDGER), String.join("\n", lines) + "\n");
    }

    private void edit(int index, java.util.function.UnaryOperator<String> change) throws IOException {
        List<String> lines = lines();
        String before = lines.get(index);
        lines.set(index, change.apply(before));
        assertFalse(before.equals(lines.get(index)), "the edit changed nothing");
        write(lines);
    }

    private static String rehash(String line) {
        String json = line.substring(65);
        return Sha256.hex(json) + " " + json;
    }
}
