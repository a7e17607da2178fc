package dev.vivarium.laws.predict;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * An append-only directory of predictions under {@code root}: {@code predictions/<id>.json}, where the id is
 * the SHA-256 of the prediction's canonical content, and {@code resolutions/<id>.json}. Files are written
 * to a temporary name and forced to disk, then linked into place, an atomic step that never replaces an
 * existing file. Every read checks the content
 * against the file's name, so a registered prediction cannot change without it showing; to change one,
 * {@link #amend} registers a new prediction that names the old one and is visibly later.
 */
public final class PredictionRegistry {
    private final Path predictions;
    private final Path resolutions;
    private final Clock clock;

    /** A registry under {@code root} (created when first written), with the system clock. */
    public PredictionRegistry(Path root) {
        this(root, Clock.systemUTC());
    }

    /** A registry under {@code root} with the given clock (for tests). */
    public PredictionRegistry(Path root, Clock clock) {
        this.predictions = root.resolve("predictions");
        this.resolutions = root.resolve("resolutions");
        this.clock = clock;
    }

    /** Locks a draft: stamps it with the time and its content hash, and writes it. */
    public Prediction register(Prediction.Draft draft) {
        return write(draft, Optional.empty(), latestTime());
    }

    /** Registers a new prediction that replaces {@code oldId}; it is later than the old one and names it. */
    public Prediction amend(String oldId, Prediction.Draft draft) {
        Prediction old = get(oldId);
        Instant notBefore = latestTime();
        if (old.createdAt().isAfter(notBefore)) {
            notBefore = old.createdAt();
        }
        return write(draft, Optional.of(old.id()), notBefore);
    }

    /** The prediction with this id (or a unique prefix of at least 6 hex digits), checked against its hash. */
    public Prediction get(String idOrPrefix) {
        Path file = predictions.resolve(idOrPrefix + ".json");
        if (!Files.exists(file)) {
            List<Path> matches = files(predictions).stream()
                    .filter(p -> idOrPrefix.length() >= 6
                            && p.getFileName().toString().startsWith(idOrPrefix))
                    .toList();
            if (matches.size() != 1) {
                throw new IllegalArgumentException("no prediction "
                        + (matches.isEmpty() ? "with id " : "uniquely named by ") + idOrPrefix + " in " + predictions);
            }
            file = matches.get(0);
        }
        return read(file);
    }

    /** Every prediction, oldest first, each checked against its hash. */
    public List<Prediction> list() {
        return files(predictions).stream()
                .map(this::read)
                .sorted(Comparator.comparing(Prediction::createdAt).thenComparing(Prediction::id))
                .toList();
    }

    /** Records what a prediction's target turned out to be; a prediction is resolved once. */
    public Resolution resolve(String id, double value, List<String> runs) {
        Prediction p = get(id);
        Resolution r = new Resolution(p.id(), value, runs, clock.instant().truncatedTo(ChronoUnit.MILLIS));
        Map<String, Object> json = Map.of(
                "predictionId",
                r.predictionId(),
                "value",
                r.value(),
                "runs",
                r.runs(),
                "resolvedAt",
                r.resolvedAt().toString());
        writeNew(resolutions.resolve(p.id() + ".json"), toJson(json), "prediction " + p.id() + " is already resolved");
        return r;
    }

    /** The resolution of a prediction, if it has one. */
    public Optional<Resolution> resolution(String id) {
        Path file = resolutions.resolve(get(id).id() + ".json");
        if (!Files.exists(file)) {
            return Optional.empty();
        }
        try {
            JsonNode n = PredictionJson.MAPPER.readTree(Files.readString(file));
            List<String> runs = new ArrayList<>();
            n.path("runs").forEach(r -> runs.add(r.asText()));
            return Optional.of(new Resolution(
                    n.get("predictionId").asText(),
                    n.get("value").asDouble(),
                    runs,
                    Instant.parse(n.get("resolvedAt").asText())));
        } catch (IOException | RuntimeException e) {
            throw new IllegalStateException("resolution file " + file + " is unreadable: " + e.getMessage(), e);
        }
    }

    private Prediction write(Prediction.Draft d, Optional<String> amends, Instant notBefore) {
        Instant now = clock.instant().truncatedTo(ChronoUnit.MILLIS);
        if (!now.isAfter(notBefore)) {
            now = notBefore.plusMillis(1); // keep registration order visible in the timestamps
        }
        Map<String, Object> content =
                PredictionJson.content(d.author(), d.tags(), now, d.target(), d.forecast(), d.note(), amends);
        String id = PredictionJson.sha256(PredictionJson.canonical(content));
        Prediction p = new Prediction(id, d.author(), d.tags(), now, d.target(), d.forecast(), d.note(), amends);
        writeNew(predictions.resolve(id + ".json"), PredictionJson.file(p), "prediction " + id + " already exists");
        return p;
    }

    private Prediction read(Path file) {
        String name = file.getFileName().toString();
        String expected = name.substring(0, name.length() - ".json".length());
        JsonNode root;
        try {
            root = PredictionJson.MAPPER.readTree(Files.readString(file, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new IllegalStateException("prediction file " + file + " is not readable JSON: " + e.getMessage(), e);
        }
        Prediction p;
        try {
            p = PredictionJson.parse(root.path("prediction"));
        } catch (RuntimeException e) {
            throw new IllegalStateException("prediction file " + file + " was edited or damaged: " + e.getMessage(), e);
        }
        if (!p.id().equals(expected) || !expected.equals(root.path("id").asText())) {
            throw new IllegalStateException("prediction file " + file + " was edited after it was registered: its"
                    + " content hashes to " + p.id() + ", not to its name " + expected + ". A registered prediction"
                    + " cannot change; restore the file and amend the prediction instead");
        }
        return p;
    }

    private Instant latestTime() {
        return list().stream()
                .map(Prediction::createdAt)
                .max(Comparator.naturalOrder())
                .orElse(Instant.EPOCH);
    }

    private static List<Path> files(Path dir) {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(p -> p.getFileName().toString().endsWith(".json"))
                    .sorted()
                    .toList();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + dir, e);
        }
    }

    private static String toJson(Object o) {
        try {
            return PredictionJson.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(o) + "\n";
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Writes a new file atomically (temporary file, force, link into place); never replaces a file. */
    private static void writeNew(Path file, String text, String whenExists) {
        try {
            Files.createDirectories(file.getParent());
            if (Files.exists(file)) {
                throw new IllegalStateException(whenExists + " (" + file + ")");
            }
            Path tmp = Files.createTempFile(file.getParent(), "." + file.getFileName(), ".tmp");
            try {
                try (FileChannel ch =
                        FileChannel.open(tmp, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
                    ch.write(java.nio.ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8)));
                    ch.force(true);
                }
                Files.createLink(file, tmp); // fails if the file appeared meanwhile: never replaces
            } finally {
                Files.deleteIfExists(tmp);
            }
        } catch (FileAlreadyExistsException e) {
            throw new IllegalStateException(whenExists + " (" + file + ")", e);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
    }
}
