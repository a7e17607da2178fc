package dev.vivarium.app.web;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vivarium.app.report.FitJson;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The laws page's API: {@code /api/laws} lists the fits under the sweeps folder — each study's {@code
 * SWEEPS/studies/<study>/fit.json} (named {@code studies/<study>}) and each sweep's {@code
 * SWEEPS/<sweep>/fits/<name>.json} (named {@code <sweep>/<name>}, as {@code vivarium fit --json} writes) — and
 * {@code /api/laws/<name>} answers one ({@link FitJson}'s format). A fit is found by its name in that listing,
 * never by a path built from the request; a file that does not read is listed with a one-line error naming it.
 */
public final class LawsApi {
    /** The largest fit file read. */
    static final long MAX_BYTES = 16L << 20;

    private static final ObjectMapper MAPPER = new ObjectMapper();

    private final RunCatalog catalog;

    /** The fits under {@code catalog}'s sweeps folder. */
    public LawsApi(RunCatalog catalog) {
        this.catalog = catalog;
    }

    /** Every fit file by name, in name order. */
    public Map<String, Path> fits() throws IOException {
        Map<String, Path> out = new LinkedHashMap<>();
        Path root = catalog.sweepsRoot();
        if (root == null || !Files.isDirectory(root, LinkOption.NOFOLLOW_LINKS)) {
            return out;
        }
        Path studies = root.resolve("studies");
        for (Path d : list(studies)) {
            Path f = d.resolve(dev.vivarium.app.cmd.StudyCommand.FIT_JSON);
            if (Files.isRegularFile(f, LinkOption.NOFOLLOW_LINKS)) {
                out.put("studies/" + d.getFileName(), f);
            }
        }
        for (Path d : list(root)) {
            if (d.getFileName().toString().equals("studies")) {
                continue;
            }
            for (Path f : list(d.resolve("fits"))) {
                String n = f.getFileName().toString();
                if (n.endsWith(".json") && Files.isRegularFile(f, LinkOption.NOFOLLOW_LINKS)) {
                    out.put(d.getFileName() + "/" + n.substring(0, n.length() - 5), f);
                }
            }
        }
        return out;
    }

    /** The entries of a directory that are not symbolic links, sorted; none if it is not a directory. */
    private static List<Path> list(Path dir) throws IOException {
        List<Path> out = new ArrayList<>();
        if (!Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
            return out;
        }
        try (Stream<Path> s = Files.list(dir)) {
            s.filter(p -> !Files.isSymbolicLink(p)).sorted().forEach(out::add);
        }
        return out;
    }

    /** {@code /api/laws}: each fit's name, law, formula, axes, point counts, and the ledger beside a study's. */
    public String list() throws IOException {
        ObjectNode body = MAPPER.createObjectNode();
        var arr = body.putArray("laws");
        for (Map.Entry<String, Path> e : fits().entrySet()) {
            ObjectNode o = arr.addObject();
            o.put("name", e.getKey());
            try {
                JsonNode f = read(e.getKey(), e.getValue());
                for (String k : new String[] {"law", "formula", "x", "y", "points"}) {
                    o.set(k, f.get(k));
                }
                int held = 0;
                for (JsonNode p : f.get("data")) {
                    held += "heldout".equals(p.path("set").asText()) ? 1 : 0;
                }
                o.put("heldout", held);
                o.set("about", f.get("about"));
                if (e.getKey().startsWith("studies/")
                        && Files.isRegularFile(
                                e.getValue().resolveSibling(dev.vivarium.laws.predict.PredictionRegistry.LEDGER),
                                LinkOption.NOFOLLOW_LINKS)) {
                    o.put("ledger", e.getKey());
                }
            } catch (IllegalArgumentException ex) {
                o.put("error", ex.getMessage());
            }
        }
        return MAPPER.writeValueAsString(body);
    }

    /** {@code /api/laws/<name>}: the fit's JSON. */
    public String law(String name) throws IOException {
        Path f = fits().get(name);
        if (f == null) {
            throw new NotFound("no fit '" + name + "' (vivarium study, or vivarium fit --json SWEEP/fits/NAME.json)");
        }
        return MAPPER.writeValueAsString(read(name, f));
    }

    /**
     * Reads and checks a fit file.
     *
     * @throws IllegalArgumentException one line naming the file and what is wrong
     */
    static JsonNode read(String name, Path f) throws IOException {
        String at = "fit " + name + " (" + f.getFileName() + "): ";
        if (Files.size(f) > MAX_BYTES) {
            throw new IllegalArgumentException(at + "larger than " + (MAX_BYTES >> 20) + " MB");
        }
        JsonNode n;
        try {
            n = MAPPER.readTree(f.toFile());
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalArgumentException(at + "not JSON: " + WebFiles.firstLine(e.getOriginalMessage()));
        }
        if (n == null || !n.isObject()) {
            throw new IllegalArgumentException(at + "not a JSON object");
        }
        if (!FitJson.FORMAT.equals(n.path("format").asText())) {
            throw new IllegalArgumentException(
                    at + "field 'format' is " + n.get("format") + ", expected \"" + FitJson.FORMAT + "\"");
        }
        for (String k : new String[] {"data", "parameters"}) {
            if (!n.path(k).isArray()) {
                throw new IllegalArgumentException(at + "field '" + k + "' is missing or not an array");
            }
        }
        JsonNode c = n.path("curve");
        for (String k : new String[] {"x", "y", "bandLo", "bandHi"}) {
            if (!c.path(k).isArray() || c.path(k).size() != c.path("x").size()) {
                throw new IllegalArgumentException(
                        at + "field 'curve." + k + "' is missing or not an array as long as curve.x");
            }
        }
        return n;
    }
}
