package dev.vivarium.app.cmd;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;

/**
 * Checks a path a command is asked to write, before anything is written: a file to be replaced must be a
 * regular file (never a device such as {@code /dev/full}, a directory or a pipe), and a directory to be
 * created must not be a file. Each refusal is one line naming the option, the path and what is expected.
 */
public final class OutPath {
    private OutPath() {}

    /**
     * A file that will be written atomically (a new file beside it, renamed over it).
     *
     * @throws IllegalArgumentException naming {@code option} and {@code path} if it cannot be such a file
     */
    public static Path file(String option, Path path) {
        String at = option + " " + path;
        named(at, path);
        if (Files.exists(path) && !Files.isRegularFile(path)) {
            throw new IllegalArgumentException(at + ": exists and is not a regular file (it is " + kind(path)
                    + "); give the path of a new or an existing regular file");
        }
        Path parent = path.toAbsolutePath().getParent();
        if (!Files.isDirectory(parent)) {
            throw new IllegalArgumentException(at + ": the directory " + parent + " does not exist");
        }
        return path;
    }

    /**
     * A directory that will be created (its parents too).
     *
     * @throws IllegalArgumentException naming {@code option} and {@code path} if it cannot be one
     */
    public static Path newDirectory(String option, Path path) {
        String at = option + " " + path;
        named(at, path);
        if (Files.exists(path) && !Files.isDirectory(path)) {
            throw new IllegalArgumentException(
                    at + ": exists and is not a directory (it is " + kind(path) + "); give a new directory's path");
        }
        for (Path p = path.toAbsolutePath().getParent(); p != null; p = p.getParent()) {
            if (Files.exists(p) && !Files.isDirectory(p)) {
                throw new IllegalArgumentException(at + ": " + p + " is " + kind(p) + ", not a directory");
            }
        }
        return path;
    }

    /** The path must end in a name (not {@code /}) of at most 255 bytes per part. */
    private static void named(String at, Path path) {
        if (path.getFileName() == null) {
            throw new IllegalArgumentException(at + ": names no file (it is a root directory); give a path below it");
        }
        for (Path part : path) {
            if (part.toString().getBytes(StandardCharsets.UTF_8).length > RunLookup.MAX_NAME_BYTES) {
                throw new IllegalArgumentException(RunLookup.abbreviate(at) + ": name too long (at most "
                        + RunLookup.MAX_NAME_BYTES + " bytes per name)");
            }
        }
    }

    private static String kind(Path p) {
        if (Files.isDirectory(p)) {
            return "a directory";
        }
        if (Files.isSymbolicLink(p) && !Files.exists(p)) {
            return "a dangling symbolic link";
        }
        if (!Files.isRegularFile(p) && Files.exists(p, LinkOption.NOFOLLOW_LINKS)) {
            return "a device, pipe or socket";
        }
        return "a file";
    }
}
