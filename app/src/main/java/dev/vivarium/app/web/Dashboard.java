package dev.vivarium.app.web;

import io.javalin.Javalin;
import io.javalin.http.Context;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The web server of {@code vivarium serve}: the pages ({@link Assets}) and the read-only JSON API ({@link Api})
 * over a {@link RunCatalog}. Only GET and HEAD are answered; a request whose {@code Host} is not the address
 * the server is bound to (or {@code localhost}) is refused, so a page elsewhere cannot read it through a
 * rebound name; the pages may load scripts only from the server itself.
 */
public final class Dashboard implements AutoCloseable {
    private static final String CSP = "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline';"
            + " script-src 'self'; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";

    static {
        // Javalin and Jetty say a dozen INFO lines on start; the command says the one that matters
        for (String logger : new String[] {"io.javalin", "org.eclipse.jetty"}) {
            String key = "org.slf4j.simpleLogger.log." + logger;
            if (System.getProperty(key) == null) {
                System.setProperty(key, "warn");
            }
        }
    }

    private final Javalin app;
    private final Api api;
    private final LawsApi laws;
    private final String host;

    private Dashboard(Javalin app, Api api, String host) {
        this.app = app;
        this.api = api;
        this.laws = new LawsApi(api.catalog());
        this.host = host;
    }

    /**
     * Starts a server on {@code host}:{@code port} ({@code port} 0: any free port).
     *
     * @throws IllegalStateException naming the address if it cannot be bound
     */
    public static Dashboard start(RunCatalog catalog, String host, int port) {
        return start(catalog, List.of(), host, port);
    }

    /**
     * As {@link #start(RunCatalog, String, int)}, the predictions page also showing the ledgers of {@code
     * registries} (directories holding a {@code predictions.ledger}).
     */
    public static Dashboard start(RunCatalog catalog, List<Path> registries, String host, int port) {
        Api api = new Api(catalog, registries);
        Javalin app = Javalin.create(config -> {
            config.showJavalinBanner = false;
        });
        Dashboard d = new Dashboard(app, api, host);
        d.routes();
        try {
            app.start(host, port);
        } catch (RuntimeException e) {
            app.stop();
            throw new IllegalStateException(
                    "cannot listen on " + host + ":" + port + ": " + WebFiles.firstLine(rootMessage(e)));
        }
        return d;
    }

    private static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        return t.getMessage() != null ? t.getMessage() : t.toString();
    }

    /** The port it listens on. */
    public int port() {
        return app.port();
    }

    /** The address of its pages. */
    public String url() {
        String h = host.contains(":") ? "[" + host + "]" : host;
        return "http://" + h + ":" + port() + "/";
    }

    /** The API it serves. */
    public Api api() {
        return api;
    }

    private void routes() {
        app.before(ctx -> {
            String method = ctx.method().name();
            if (!method.equals("GET") && !method.equals("HEAD")) {
                ctx.status(405).result("read-only: only GET and HEAD are answered");
                ctx.skipRemainingHandlers();
                return;
            }
            if (!hostAllowed(ctx.header("Host"))) {
                ctx.status(403).result("refused: Host header " + ctx.header("Host") + " is not this server's");
                ctx.skipRemainingHandlers();
                return;
            }
            ctx.header("X-Content-Type-Options", "nosniff");
            ctx.header("Referrer-Policy", "no-referrer");
            ctx.header("Content-Security-Policy", CSP);
            ctx.header("Cache-Control", "no-store");
        });
        app.get("/", ctx -> asset(ctx, "index.html"));
        app.get("/assets/{name}", ctx -> asset(ctx, ctx.pathParam("name")));
        app.get("/api/runs", ctx -> json(ctx, api.runs()));
        app.get("/api/run", ctx -> json(ctx, api.run(param(ctx, "id"))));
        app.get("/api/metrics", ctx -> json(ctx, api.metrics(param(ctx, "id"), buckets(ctx))));
        app.get("/api/series", ctx -> json(ctx, api.series(ids(ctx), param(ctx, "metric"), buckets(ctx))));
        app.get("/api/configs", ctx -> json(ctx, api.configs(ids(ctx))));
        app.get("/api/sweeps", ctx -> json(ctx, api.sweeps()));
        app.get("/api/predictions", ctx -> json(ctx, api.predictions()));
        app.get("/api/laws", ctx -> json(ctx, laws.list()));
        app.get("/api/laws/<name>", ctx -> json(ctx, laws.law(ctx.pathParam("name"))));
        app.get("/api/sweep", ctx -> json(ctx, api.sweep(param(ctx, "name"))));
        app.get("/api/analysis", ctx -> json(ctx, api.analysis(param(ctx, "id"), param(ctx, "name"))));
        app.get("/api/file", this::file);
        app.exception(NotFound.class, (e, ctx) -> error(ctx, 404, e.getMessage()));
        app.exception(IllegalArgumentException.class, (e, ctx) -> error(ctx, 400, e.getMessage()));
        app.exception(Exception.class, (e, ctx) -> error(ctx, 500, WebFiles.firstLine(e.getMessage())));
        app.error(404, ctx -> {
            if (ctx.result() == null) {
                ctx.result("not found");
            }
        });
    }

    private boolean hostAllowed(String header) {
        if (header == null) {
            return false;
        }
        String name = header.toLowerCase(Locale.ROOT);
        String suffix = ":" + port();
        if (name.endsWith(suffix)) {
            name = name.substring(0, name.length() - suffix.length());
        }
        if (name.startsWith("[") && name.endsWith("]")) {
            name = name.substring(1, name.length() - 1);
        }
        if (name.equals("localhost") || name.equals("127.0.0.1") || name.equals("::1")) {
            return true;
        }
        return !isLoopback(host); // bound beyond this machine on purpose (--host): any name of it
    }

    private static boolean isLoopback(String host) {
        return host.equals("127.0.0.1") || host.equals("localhost") || host.equals("::1");
    }

    private void file(Context ctx) throws IOException {
        Path f = api.file(param(ctx, "id"), param(ctx, "path"));
        String name = f.getFileName().toString().toLowerCase(Locale.ROOT);
        String type = name.endsWith(".png")
                ? "image/png"
                : name.endsWith(".json") ? "application/json" : "text/plain; charset=utf-8";
        ctx.contentType(type);
        ctx.header("Content-Disposition", "inline");
        InputStream in = Files.newInputStream(f);
        ctx.result(in);
    }

    private static void asset(Context ctx, String name) {
        Optional<byte[]> b = Assets.bytes(name);
        if (b.isEmpty()) {
            throw new NotFound("no asset '" + name + "'");
        }
        ctx.contentType(Assets.type(name));
        ctx.result(b.get());
    }

    private static void json(Context ctx, String body) {
        ctx.contentType("application/json");
        ctx.result(body);
    }

    private static void error(Context ctx, int status, String message) {
        ctx.status(status);
        ctx.contentType("application/json");
        ctx.result("{\"error\":" + quote(message) + "}");
    }

    private static String quote(String s) {
        try {
            return new com.fasterxml.jackson.databind.ObjectMapper().writeValueAsString(s);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            return "\"error\"";
        }
    }

    private static String param(Context ctx, String name) {
        String v = ctx.queryParam(name);
        if (v == null || v.isEmpty()) {
            throw new IllegalArgumentException("query parameter '" + name + "' is missing");
        }
        return v;
    }

    private static List<String> ids(Context ctx) {
        return Arrays.stream(param(ctx, "ids").split(","))
                .filter(s -> !s.isEmpty())
                .distinct()
                .toList();
    }

    private static int buckets(Context ctx) {
        String v = ctx.queryParam("buckets");
        if (v == null) {
            return Api.DEFAULT_BUCKETS;
        }
        try {
            int b = Integer.parseInt(v);
            if (b < 1 || b > 100_000) {
                throw new NumberFormatException();
            }
            return b;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(
                    "query parameter 'buckets': expected a whole number 1..100000, got '" + v + "'");
        }
    }

    /** Stops the server. */
    @Override
    public void close() {
        app.stop();
    }
}
