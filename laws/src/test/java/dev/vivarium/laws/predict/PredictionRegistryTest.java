package dev.vivarium.laws.predict;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PredictionRegistryTest {
    private static final Clock FROZEN = Clock.fixed(Instant.parse("2025-01-01T00:00:00Z"), ZoneOffset.UTC);

    static Prediction.Draft grokDraft(double probability) {
        Target t = new Target("modular-addition", Map.of("train.weight_decay", "1.0"), "grokked", null);
        return new Prediction.Draft(
                "ada",
                List.of("grokking"),
                t,
                new Forecast.Event(Forecast.Comparison.GE, 1, probability),
                "weight decay 1.0 groks");
    }

    @Test
    void aPredictionIsNamedByTheHashOfItsLedgerEntry(@TempDir Path root) throws Exception {
        PredictionRegistry registry = new PredictionRegistry(root, FROZEN);
        Prediction p = registry.register(grokDraft(0.8));
        String line =
                Files.readAllLines(root.resolve(PredictionRegistry.LEDGER)).get(0);
        assertEquals(p.id() + " ", line.substring(0, 65));
        assertEquals(dev.vivarium.laws.ledger.Sha256.hex(line.substring(65)), p.id());
        assertEquals(FROZEN.instant(), p.createdAt());
        assertEquals(p, registry.get(p.id()));
        assertEquals(p, registry.get(p.id().substring(0, 8)));
        assertEquals(List.of(p), registry.list());
        // the same draft registered again is another prediction: its entry covers a different previous hash
        assertNotEquals(p.id(), registry.register(grokDraft(0.8)).id());
    }

    @Test
    void amendingMakesANewLaterPredictionThatNamesTheOld(@TempDir Path root) {
        PredictionRegistry registry = new PredictionRegistry(root, FROZEN); // same clock reading both times
        Prediction old = registry.register(grokDraft(0.8));
        Prediction amended = registry.amend(old.id(), grokDraft(0.6));
        assertNotEquals(old.id(), amended.id());
        assertEquals(old.id(), amended.amends().orElseThrow());
        assertEquals(List.of(old, amended), registry.list()); // order is the ledger's
        assertEquals(0.8, ((Forecast.Event) registry.get(old.id()).forecast()).probability());
    }

    @Test
    void aClockSetBackNeverDatesAnEntryBeforeItsPredecessor(@TempDir Path root) {
        Prediction first = new PredictionRegistry(root, FROZEN).register(grokDraft(0.8));
        Clock earlier = Clock.fixed(Instant.parse("2024-06-01T00:00:00Z"), ZoneOffset.UTC);
        Prediction second = new PredictionRegistry(root, earlier).register(grokDraft(0.7));
        assertEquals(first.createdAt(), second.createdAt());
        assertEquals(List.of(), new PredictionRegistry(root).verify().problems());
    }

    @Test
    void aPredictionIsResolvedOnce(@TempDir Path root) {
        PredictionRegistry registry = new PredictionRegistry(root, FROZEN);
        Prediction p = registry.register(grokDraft(0.8));
        List<Resolution.RunUsed> runs = List.of(new Resolution.RunUsed("run-1", Instant.parse("2025-01-02T00:00:00Z")));
        Resolution r = registry.resolve(p.id(), 1, runs, true);
        assertEquals(r, registry.resolution(p.id()).orElseThrow());
        assertEquals(runs, r.runs());
        IllegalStateException e =
                assertThrows(IllegalStateException.class, () -> registry.resolve(p.id(), 0, List.of(), true));
        assertTrue(e.getMessage().contains("already resolved"), e.getMessage());
        assertEquals(2, registry.verify().entries().size());
    }

    @Test
    void unknownIdsAndBadForecastsAreClearErrors(@TempDir Path root) {
        PredictionRegistry registry = new PredictionRegistry(root, FROZEN);
        IllegalArgumentException missing = assertThrows(IllegalArgumentException.class, () -> registry.get("abcdef12"));
        assertTrue(missing.getMessage().startsWith("no prediction"), missing.getMessage());
        IllegalArgumentException p =
                assertThrows(IllegalArgumentException.class, () -> new Forecast.Event(Forecast.Comparison.GE, 1, 1.2));
        assertEquals("probability = 1.2: must be in [0, 1]", p.getMessage());
        IllegalArgumentException q = assertThrows(
                IllegalArgumentException.class,
                () -> new Forecast.Quantiles(new double[] {0.5, 0.25}, new double[] {1, 2}));
        assertTrue(q.getMessage().startsWith("levels[1] = 0.25"), q.getMessage());
    }
}
