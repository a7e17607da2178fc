package dev.vivarium.laws.predict;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vivarium.laws.ledger.Ledger;
import dev.vivarium.laws.ledger.LedgerCheck;
import dev.vivarium.laws.ledger.LedgerEntry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * The prediction registry: one hash-chained ledger, {@code predictions.ledger} under {@code root}, whose
 * entries register a prediction, amend one (a new prediction naming the old), or resolve one. A prediction's
 * id is the hash of the entry that registered it, and its registration time is that entry's, which the chain
 * keeps in order: nothing in a prediction says when it was made. Every read checks the whole chain first and
 * refuses a damaged ledger; {@link #verify} lists every problem.
 */
public final class PredictionRegistry {
    /** The ledger's file name under the registry's directory. */
    public static final String LEDGER = "predictions.ledger";

    private static final Pattern ID = Pattern.compile("[0-9a-f]{6,64}");

    private final Path root;
    private final Ledger ledger;

    /** A registry under {@code root} (created when first written), with the system clock. */
    public PredictionRegistry(Path root) {
        this(root, Clock.systemUTC());
    }

    /** A registry under {@code root} with the given clock (for tests). */
    public PredictionRegistry(Path root, Clock clock) {
        if (java.nio.file.Files.exists(root) && !java.nio.file.Files.isDirectory(root)) {
            throw new IllegalArgumentException("registry " + root + ": is a file, not a directory");
        }
        this.root = root;
        this.ledger = new Ledger(root.resolve(LEDGER), clock);
    }

    /** The ledger file. */
    public Path ledgerFile() {
        return ledger.file();
    }

    /** Registers a draft: appends it to the ledger, which gives it its id and time. */
    public Prediction register(Prediction.Draft draft) {
        LedgerEntry e = ledger.append("register", check -> PredictionJson.content(draft, Optional.empty()));
        return PredictionJson.parse(e.body(), e.hash(), e.recordedAt());
    }

    /** Registers a new prediction that replaces {@code oldId}; it is later in the ledger and names the old one. */
    public Prediction amend(String oldId, Prediction.Draft draft) {
        String old = get(oldId).id();
        LedgerEntry e = ledger.append("amend", check -> {
            if (!read(check).predictions.containsKey(old)) {
                throw new IllegalArgumentException("no prediction " + old + " to amend in " + ledger.file());
            }
            return PredictionJson.content(draft, Optional.of(old));
        });
        return PredictionJson.parse(e.body(), e.hash(), e.recordedAt());
    }

    /** The prediction with this id, or with a unique prefix of at least 6 hex digits. */
    public Prediction get(String idOrPrefix) {
        if (idOrPrefix == null || !ID.matcher(idOrPrefix).matches()) {
            throw new IllegalArgumentException("prediction id '" + idOrPrefix
                    + "': must be 6 to 64 lowercase hex digits (a prefix of the hash 'predict add' printed)");
        }
        List<Prediction> matches = contents().predictions.values().stream()
                .filter(p -> p.id().startsWith(idOrPrefix))
                .toList();
        if (matches.size() != 1) {
            throw new IllegalArgumentException("no prediction "
                    + (matches.isEmpty() ? "with id " : "uniquely named by ") + idOrPrefix + " in " + ledger.file());
        }
        return matches.get(0);
    }

    /** Every prediction in registration (ledger) order. */
    public List<Prediction> list() {
        return List.copyOf(contents().predictions.values());
    }

    /**
     * Records what a prediction's target turned out to be, once: a second resolution is refused, under the
     * ledger's lock.
     */
    public Resolution resolve(String id, double value, List<Resolution.RunUsed> runs, boolean preRegistered) {
        Prediction p = get(id);
        new Resolution(p.id(), value, runs, Instant.EPOCH, preRegistered); // validates before anything is written
        LedgerEntry e = ledger.append("resolve", check -> {
            if (read(check).resolutions.containsKey(p.id())) {
                throw new IllegalStateException(
                        "prediction " + p.id() + " is already resolved (" + ledger.file() + ")");
            }
            Map<String, Object> body = new TreeMap<>();
            body.put("prediction", p.id());
            body.put("value", value);
            List<Map<String, Object>> used = new ArrayList<>();
            for (Resolution.RunUsed r : runs) {
                Map<String, Object> u = new LinkedHashMap<>();
                u.put("id", r.id());
                u.put("startedAt", r.startedAt().toString());
                used.add(u);
            }
            body.put("runs", used);
            body.put("preRegistered", preRegistered);
            return body;
        });
        return resolution(e);
    }

    /** Every resolution by prediction id, from one check of the ledger. */
    public Map<String, Resolution> resolutions() {
        return Map.copyOf(contents().resolutions);
    }

    /** The resolution of a prediction, if it has one. */
    public Optional<Resolution> resolution(String id) {
        return Optional.ofNullable(contents().resolutions.get(get(id).id()));
    }

    /**
     * Checks the ledger: its chain (see {@link LedgerCheck}) and what its entries say (an amendment or a
     * resolution names an earlier registered prediction; a prediction is resolved at most once).
     */
    public LedgerCheck verify() {
        LedgerCheck check = ledger.check();
        return check.plus(read(check).problems);
    }

    private Contents contents() {
        LedgerCheck check = verify();
        if (check.entries().isEmpty() && Files.isDirectory(root.resolve("predictions"))) {
            throw new IllegalStateException("registry " + root + " holds predictions/ from before the ledger"
                    + " (unchained files, not read): register them again into " + ledger.file());
        }
        check.requireIntact();
        return read(check);
    }

    /** Predictions and resolutions by id, in ledger order, and what does not make sense. */
    private record Contents(
            Map<String, Prediction> predictions, Map<String, Resolution> resolutions, List<String> problems) {}

    private static Contents read(LedgerCheck check) {
        Map<String, Prediction> predictions = new LinkedHashMap<>();
        Map<String, Resolution> resolutions = new HashMap<>();
        List<String> problems = new ArrayList<>();
        for (LedgerEntry e : check.entries()) {
            try {
                switch (e.kind()) {
                    case "register", "amend" -> {
                        Prediction p = PredictionJson.parse(e.body(), e.hash(), e.recordedAt());
                        if (e.kind().equals("amend") != p.amends().isPresent()) {
                            problems.add(e.describe() + ": an amendment must name what it amends, a registration not");
                        } else if (p.amends().isPresent()
                                && !predictions.containsKey(p.amends().get())) {
                            problems.add(e.describe() + ": amends " + p.amends().get()
                                    + ", which no earlier entry registers");
                        }
                        predictions.put(p.id(), p);
                    }
                    case "resolve" -> {
                        Resolution r = resolution(e);
                        if (!predictions.containsKey(r.predictionId())) {
                            problems.add(e.describe() + ": resolves " + r.predictionId()
                                    + ", which no earlier entry registers");
                        } else if (resolutions.containsKey(r.predictionId())) {
                            problems.add(e.describe() + ": resolves "
                                    + r.predictionId().substring(0, 12) + " a second time");
                        } else {
                            resolutions.put(r.predictionId(), r);
                        }
                    }
                    default -> problems.add(
                            e.describe() + ": unknown kind '" + e.kind() + "' (register, amend or resolve)");
                }
            } catch (RuntimeException ex) {
                problems.add(e.describe() + ": its body is not a " + e.kind() + " entry: " + ex.getMessage());
            }
        }
        return new Contents(predictions, resolutions, problems);
    }

    private static Resolution resolution(LedgerEntry e) {
        JsonNode b = e.body();
        List<Resolution.RunUsed> runs = new ArrayList<>();
        b.path("runs")
                .forEach(r -> runs.add(new Resolution.RunUsed(
                        r.path("id").asText(), Instant.parse(r.path("startedAt").asText()))));
        if (!b.path("prediction").isTextual() || !b.path("value").isNumber()) {
            throw new IllegalArgumentException("needs prediction (an id) and value (a number)");
        }
        return new Resolution(
                b.get("prediction").asText(),
                b.get("value").asDouble(),
                runs,
                e.recordedAt(),
                b.path("preRegistered").asBoolean(false));
    }
}
