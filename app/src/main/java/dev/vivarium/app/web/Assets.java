package dev.vivarium.app.web;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Optional;

/**
 * The files the pages are made of, read from the jar: the page, its script and style sheet, and uPlot (the
 * {@code org.webjars.npm:uplot} jar, pinned in the app's pom). Only these names are served; nothing is
 * fetched from anywhere at run time.
 */
public final class Assets {
    /** uPlot's version, as the webjar's path names it. */
    public static final String UPLOT_VERSION = "1.6.30";

    private static final String OWN = "/dev/vivarium/app/web/";
    private static final String UPLOT = "/META-INF/resources/webjars/uplot/" + UPLOT_VERSION + "/dist/";

    /** Served name to classpath resource. */
    private static final Map<String, String> FILES = Map.of(
            "index.html", OWN + "index.html",
            "app.js", OWN + "app.js",
            "style.css", OWN + "style.css",
            "uPlot.js", UPLOT + "uPlot.iife.min.js",
            "uPlot.css", UPLOT + "uPlot.min.css");

    private Assets() {}

    /** The bytes of asset {@code name}, if it is one. */
    public static Optional<byte[]> bytes(String name) {
        String resource = FILES.get(name);
        if (resource == null) {
            return Optional.empty();
        }
        try (InputStream in = Assets.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("the jar lacks " + resource + " (a broken build)");
            }
            return Optional.of(in.readAllBytes());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The text of asset {@code name}, which must exist. */
    public static String text(String name) {
        return new String(
                bytes(name).orElseThrow(() -> new IllegalArgumentException("no asset " + name)),
                StandardCharsets.UTF_8);
    }

    /** The content type of asset {@code name}. */
    public static String type(String name) {
        if (name.endsWith(".js")) {
            return "text/javascript; charset=utf-8";
        }
        if (name.endsWith(".css")) {
            return "text/css; charset=utf-8";
        }
        return "text/html; charset=utf-8";
    }
}
