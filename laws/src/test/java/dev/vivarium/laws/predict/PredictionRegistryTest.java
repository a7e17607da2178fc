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
    void registeredPredictionIsNamedByItsContentHash(@TempDir Path root) throws Exception {
        PredictionRegistry registry = new PredictionRegistry(root, FROZEN);
        Prediction p = registry.register(grokDraft(0.8));
        Path file = root.resolve("predictions/" + p.id() + ".json");
        assertTrue(Files.exists(file));
        assertEquals(64, p.id().length());
        assertEquals(p, registry.get(p.id()));
        assertEquals(p, registry.get(p.id().substring(0, 8)));
        assertEquals(List.of(p), registry.list());
    }

    @Test
    void anEditedFileIsRefusedNamingTheFile(@TempDir Path root) throws Exception {
        PredictionRegistry registry = new PredictionRegistry(root, FROZEN);
        Prediction p = registry.register(grokDraft(0.8));
        Path file = root.resolve("predictions/" + p.id() + ".json");
        Files.writeString(file, Files.readString(file).replace("0.8", "0.9"));
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> registry.get(p.id()));
        assertTrue(
                e.getMessage().startsWith("prediction file " + file + " was edited after it was registered"),
                e.getMessage());
        assertThrows(IllegalStateException.class, registry::list);
    }

    @Test
    void reindentingAFileChangesNothing(@TempDir Path root) throws Exception {
        PredictionRegistry registry = new PredictionRegistry(root, FROZEN);
        Prediction p = registry.register(grokDraft(0.8));
        Path file = root.resolve("predictions/" + p.id() + ".json");
        Files.writeString(file, Files.readString(file).replace("\n", "\n    "));
        assertEquals(p, registry.get(p.id()));
    }

    @Test
    void amendingMakesANewVisiblyLaterPredictionThatNamesTheOld(@TempDir Path root) {
        PredictionRegistry registry = new PredictionRegistry(root, FROZEN); // same clock reading both times
        Prediction old = registry.register(grokDraft(0.8));
        Prediction amended = registry.amend(old.id(), grokDraft(0.6));
        assertNotEquals(old.id(), amended.id());
        assertEquals(old.id(), amended.amends().orElseThrow());
        assertTrue(amended.createdAt().isAfter(old.createdAt()), amended.createdAt() + " vs " + old.createdAt());
        assertEquals(List.of(old, amended), registry.list());
        assertEquals(0.8, ((Forecast.Event) registry.get(old.id()).forecast()).probability());
    }

    @Test
    void aPredictionIsResolvedOnce(@TempDir Path root) {
        PredictionRegistry registry = new PredictionRegistry(root, FROZEN);
        Prediction p = registry.register(grokDraft(0.8));
        Resolution r = registry.resolve(p.id(), 1, List.of("run-1"));
        assertEquals(r, registry.resolution(p.id()).orElseThrow());
        IllegalStateException e =
                assertThrows(IllegalStateException.class, () -> registry.resolve(p.id(), 0, List.of()));
        assertTrue(e.getMessage().contains("already resolved"), e.getMessage());
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
