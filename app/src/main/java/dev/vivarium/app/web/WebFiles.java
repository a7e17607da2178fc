package dev.vivarium.app.web;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.Optional;

/**
 * The only way the dashboard turns a name from a request into a file: a relative path inside a run directory
 * the catalog listed, made of plain names ({@code ..}, {@code .}, empty names, backslashes and NUL refused),
 * no symbolic link anywhere along it, naming a regular file. Anything else is refused with one line saying
 * why; the server answers it with 404 and never opens the file.
 */
public final class WebFiles {
    private WebFiles() {}

    /**
     * The file {@code relative} names inside {@code dir}.
     *
     * @throws IllegalArgumentException saying why the name is refused
     */
    public static Path inside(Path dir, String relative) {
        if (relative == null || relative.isEmpty()) {
            throw new IllegalArgumentException("no file named");
        }
        if (relative.startsWith("/") || relative.indexOf('\\') >= 0 || relative.indexOf('\0') >= 0) {
            throw new IllegalArgumentException("'" + relative + "': only a relative path of plain names is served");
        }
        Path rel;
        try {
            rel = Path.of(relative);
        } catch (InvalidPathException e) {
            throw new IllegalArgumentException("'" + relative + "': not a path");
        }
        if (rel.isAbsolute()) {
            throw new IllegalArgumentException("'" + relative + "': an absolute path is not served");
        }
        for (String part : relative.split("/", -1)) {
            if (part.isEmpty() || part.equals(".") || part.equals("..")) {
                throw new IllegalArgumentException("'" + relative + "': '..', '.' and empty names are refused");
            }
        }
        Path file = dir.resolve(rel);
        Path walk = dir;
        for (Path part : rel) {
            walk = walk.resolve(part);
            if (Files.isSymbolicLink(walk)) {
                throw new IllegalArgumentException("'" + relative + "': a symbolic link is not followed");
            }
        }
        if (!Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)) {
            throw new IllegalArgumentException("'" + relative + "': no such file");
        }
        try {
            Path real = file.toRealPath();
            if (!real.startsWith(dir.toRealPath())) {
                throw new IllegalArgumentException("'" + relative + "': outside the run's directory");
            }
            return real;
        } catch (IOException e) {
            throw new IllegalArgumentException("'" + relative + "': cannot be read");
        }
    }

    /**
     * What makes a run directory unusable before its files are read: a missing {@code config.yaml}, or a
     * status, metric log or config that is not a regular file (a symbolic link included).
     */
    static Optional<String> runProblem(Path dir) {
        Path config = dir.resolve("config.yaml");
        if (!Files.exists(config, LinkOption.NOFOLLOW_LINKS)) {
            return Optional.of(config + ": not found (every run directory has its resolved config)");
        }
        Path status = dir.resolve("status.json");
        if (!Files.exists(status, LinkOption.NOFOLLOW_LINKS)) {
            return Optional.of(status + ": not found (a run writes its status first)");
        }
        for (Path f : new Path[] {config, status, dir.resolve("metrics.jsonl")}) {
            if (Files.exists(f, LinkOption.NOFOLLOW_LINKS) && !Files.isRegularFile(f, LinkOption.NOFOLLOW_LINKS)) {
                return Optional.of(f + ": "
                        + (Files.isSymbolicLink(f)
                                ? "is a symbolic link"
                                : Files.isDirectory(f) ? "is a directory" : "is a special file")
                        + ", expected a regular file");
            }
        }
        return Optional.empty();
    }

    /** The first line of an error message, or "no detail". */
    static String firstLine(String s) {
        if (s == null || s.isBlank()) {
            return "no detail";
        }
        String t = s.strip();
        int nl = t.indexOf('\n');
        return nl < 0 ? t : t.substring(0, nl).strip();
    }
}
