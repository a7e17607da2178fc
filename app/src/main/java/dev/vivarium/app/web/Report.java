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

    /** The HTML of sweep {@code name}'s page, with each of its points' run pages (curves at fewer points). */
    public String sweep(String name) throws IOException {
        SweepFolder s = api.catalog().sweep(name).orElseThrow(() -> new NotFound("no sweep '" + name + "'"));
        answers.put("sweeps", api.sweeps());
        answers.put("sweep|name=" + s.name(), api.sweep(s.name()));
        List<String> ids = new ArrayList<>();
        for (RunInfo r : api.catalog().runs()) {
            if (r.sweep().equals(java.util.Optional.of(s.name()))) {
                ids.add(r.id());
                addRun(r, SWEEP_BUCKETS, false);
            }
        }
        answers.put("runs", runsOf(ids));
        return html("#/sweep/" + encode(s.name()), SWEEP_BUCKETS, "sweep " + s.name());
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
