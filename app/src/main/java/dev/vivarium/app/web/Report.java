package dev.vivarium.app.web;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vivarium.sweep.SweepFolder;
import java.io.IOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A {@code vivarium report} file: the dashboard's page with its script, style sheet and uPlot inline, and the
 * API's answers for one run's page, or a sweep's page and its points' pages, embedded as JSON (the analyses'
 * pictures as data URIs), so that the one HTML file shows the same figures offline, from any folder.
 */
public final class Report {
    /** Buckets of a run's curves in a report of one run, and in a report of a sweep (many runs). */
    static final int RUN_BUCKETS = Api.DEFAULT_BUCKETS;

    static final int SWEEP_BUCKETS = 200;

    private static final ObjectMapper MAPPER = new ObjectMapper();

    private final Api api;
    private final Map<String, String> answers = new LinkedHashMap<>(); // key -> raw JSON

    /** A report drawing on {@code api}'s answers. */
    public Report(Api api) {
        this.api = api;
    }

    /** The HTML of run {@code id}'s page. */
    public String run(String id) throws IOException {
        RunInfo r = api.catalog().run(id).orElseThrow(() -> new NotFound("no run '" + id + "'"));
        answers.put("runs", runsOf(List.of(r.id())));
        addRun(r, RUN_BUCKETS, true);
        return html("#/run/" + encode(r.id()), RUN_BUCKETS, r.id());
    }

    /**
     * The HTML of sweep {@code name}'s page, with each of its points' run pages (curves at fewer points), and
     * the laws fitted on it (a study's fit on it or forecast for it, or its {@code fits/*.json}) with their
     * studies' prediction ledgers.
     */
    public String sweep(String name) throws IOException {
        SweepFolder s = api.catalog().sweep(name).orElseThrow(() -> new NotFound("no sweep '" + name + "'"));
        answers.put("sweeps", api.sweeps());
        List<String> ids = new ArrayList<>();
        addSweep(s, ids);
        answers.put("runs", runsOf(ids));
        addLaws(f -> f.name.startsWith(s.name() + "/")
                || s.name().equals(f.about.get("fitSweep"))
                || s.name().equals(f.about.get("heldoutSweep")));
        return html("#/sweep/" + encode(s.name()), SWEEP_BUCKETS, "sweep " + s.name());
    }

    /**
     * The HTML of study {@code study}'s law page ({@code SWEEPS/studies/<study>/fit.json}) and its prediction
     * ledger, with the pages of its fit and held-out sweeps where they are under the sweeps folder.
     */
    public String study(String study) throws IOException {
        String law = "studies/" + study;
        Fit fit = fits().stream()
                .filter(f -> f.name.equals(law))
                .findFirst()
                .orElseThrow(() -> new NotFound("no fit '" + law + "' (no readable fit.json)"));
        answers.put("sweeps", api.sweeps());
        List<String> ids = new ArrayList<>();
        for (String key : new String[] {"fitSweep", "heldoutSweep"}) {
            String sweep = fit.about.get(key);
            if (sweep != null) {
                java.util.Optional<SweepFolder> s = api.catalog().sweep(sweep);
                if (s.isPresent()) {
                    addSweep(s.get(), ids);
                }
            }
        }
        answers.put("runs", runsOf(ids));
        addLaws(f -> f.name.equals(law));
        return html("#/laws/" + encodePath(law), SWEEP_BUCKETS, "study " + study);
    }

    private void addSweep(SweepFolder s, List<String> ids) throws IOException {
        answers.put("sweep|name=" + s.name(), api.sweep(s.name()));
        for (RunInfo r : api.catalog().runs()) {
            if (r.sweep().equals(java.util.Optional.of(s.name()))) {
                ids.add(r.id());
                addRun(r, SWEEP_BUCKETS, false);
            }
        }
    }

    /** A readable fit file: its name and its {@code about} strings. */
    private record Fit(String name, Map<String, String> about) {}

    private List<Fit> fits() throws IOException {
        List<Fit> out = new ArrayList<>();
        for (Map.Entry<String, java.nio.file.Path> e :
                new LawsApi(api.catalog()).fits().entrySet()) {
            try {
                var n = LawsApi.read(e.getKey(), e.getValue());
                Map<String, String> about = new LinkedHashMap<>();
                n.path("about")
                        .fields()
                        .forEachRemaining(
                                f -> about.put(f.getKey(), f.getValue().asText()));
                out.add(new Fit(e.getKey(), about));
            } catch (IllegalArgumentException ex) {
                // not readable: the report leaves it out, as the server lists it with its error
            }
        }
        return out;
    }

    /** The fits {@code which} picks, their laws pages, and the ledgers of the studies among them. */
    private void addLaws(java.util.function.Predicate<Fit> which) throws IOException {
        LawsApi laws = new LawsApi(api.catalog());
        List<String> names = new ArrayList<>();
        Map<String, java.nio.file.Path> ledgers = new LinkedHashMap<>();
        Map<String, java.nio.file.Path> all = api.ledgers();
        for (Fit f : fits()) {
            if (which.test(f)) {
                names.add(f.name);
                answers.put("laws/" + encodePath(f.name), laws.law(f.name));
                if (all.containsKey(f.name)) {
                    ledgers.put(f.name, all.get(f.name));
                }
            }
        }
        var list = MAPPER.readTree(laws.list());
        var kept = MAPPER.createArrayNode();
        list.get("laws").forEach(n -> {
            if (names.contains(n.get("name").asText())) {
                kept.add(n);
            }
        });
        ((com.fasterxml.jackson.databind.node.ObjectNode) list).set("laws", kept);
        answers.put("laws", MAPPER.writeValueAsString(list));
        answers.put("predictions", api.predictions(ledgers));
    }

    private void addRun(RunInfo r, int buckets, boolean pictures) throws IOException {
        String run = api.run(r.id());
        answers.put("run|id=" + r.id(), run);
        answers.put("metrics|id=" + r.id() + "|buckets=" + buckets, api.metrics(r.id(), buckets));
        for (String f : Api.analyses(r.dir())) {
            if (f.endsWith(".json")) {
                try {
                    answers.put("analysis|id=" + r.id() + "|name=" + f, api.analysis(r.id(), f));
                } catch (NotFound e) {
                    // the page says the analysis could not be read, as the server's does
                }
            } else if (f.endsWith(".png") && pictures) {
                byte[] png = Files.readAllBytes(api.file(r.id(), "analyses/" + f));
                answers.put(
                        "file|id=" + r.id() + "|path=analyses/" + f,
                        MAPPER.writeValueAsString(
                                "data:image/png;base64," + Base64.getEncoder().encodeToString(png)));
            } else if (f.endsWith(".csv") && Files.size(api.file(r.id(), "analyses/" + f)) < (8 << 20)) {
                // tables the figures are drawn from (progress measures): their text
                answers.put(
                        "file|id=" + r.id() + "|path=analyses/" + f,
                        MAPPER.writeValueAsString(Files.readString(api.file(r.id(), "analyses/" + f))));
            }
        }
    }

    /** The runs list narrowed to {@code ids}. */
    private String runsOf(List<String> ids) throws IOException {
        var all = MAPPER.readTree(api.runs());
        var runs = MAPPER.createArrayNode();
        all.get("runs").forEach(n -> {
            if (ids.contains(n.get("id").asText())) {
                runs.add(n);
            }
        });
        ((com.fasterxml.jackson.databind.node.ObjectNode) all).set("runs", runs);
        return MAPPER.writeValueAsString(all);
    }

    private String html(String start, int buckets, String title) throws IOException {
        StringBuilder data = new StringBuilder();
        data.append("{\"start\":")
                .append(MAPPER.writeValueAsString(start))
                .append(",\"buckets\":")
                .append(buckets)
                .append(",\"answers\":{");
        boolean first = true;
        for (Map.Entry<String, String> e : answers.entrySet()) {
            if (!first) {
                data.append(',');
            }
            first = false;
            data.append(MAPPER.writeValueAsString(e.getKey())).append(':').append(e.getValue());
        }
        data.append("}}");
        String page = Assets.text("index.html");
        page = page.replace("<title>Vivarium</title>", "<title>Vivarium report: " + escape(title) + "</title>");
        page = page.replace(
                "<link rel=\"stylesheet\" href=\"assets/uPlot.css\">",
                "<style>\n" + style(Assets.text("uPlot.css")) + "\n</style>");
        page = page.replace(
                "<link rel=\"stylesheet\" href=\"assets/style.css\">",
                "<style>\n" + style(Assets.text("style.css")) + "\n</style>");
        page = page.replace(
                "<script src=\"assets/uPlot.js\"></script>",
                "<script>\n" + script(Assets.text("uPlot.js")) + "\n</script>");
        page = page.replace(
                "<script src=\"assets/app.js\"></script>",
                // the data: JSON in a script element, every '<' escaped so no string in it can close the element
                "<script type=\"application/json\" id=\"vivarium-data\">"
                        + data.toString().replace("<", "\\u003c")
                        + "</script>\n<script>\n" + script(Assets.text("app.js")) + "\n</script>");
        return page;
    }

    private static String script(String js) {
        return js.replace("</script", "<\\/script");
    }

    private static String style(String css) {
        return css.replace("</style", "<\\/style");
    }

    private static String escape(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }

    /** A fit's name as the page's lawPath: each '/'-separated part as encodeURIComponent. */
    private static String encodePath(String name) {
        List<String> parts = new ArrayList<>();
        for (String p : name.split("/", -1)) {
            parts.add(encode(p));
        }
        return String.join("/", parts);
    }

    /** As JavaScript's encodeURIComponent, for the start page's hash. */
    private static String encode(String s) {
        StringBuilder b = new StringBuilder();
        for (byte c : s.getBytes(java.nio.charset.StandardCharsets.UTF_8)) {
            int u = c & 0xff;
            if ((u >= 'a' && u <= 'z')
                    || (u >= 'A' && u <= 'Z')
                    || (u >= '0' && u <= '9')
                    || "-_.!~*'()".indexOf(u) >= 0) {
                b.append((char) u);
            } else {
                b.append('%').append(String.format("%02X", u));
            }
        }
        return b.toString();
    }
}
