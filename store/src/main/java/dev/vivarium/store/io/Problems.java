package dev.vivarium.store.io;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;

/**
 * One line that says what failed and why, for a status file or a terminal: never a stack trace, never a bare
 * path. The JDK's file exceptions carry only a path in their message ({@code NoSuchFileException: runs/x});
 * this names the path and the reason ("runs/x: not found").
 */
public final class Problems {
    private Problems() {}

    /** What {@code t} means, in one line. */
    public static String oneLine(Throwable t) {
        Throwable e = t;
        while (e instanceof UncheckedIOException && e.getCause() != null) {
            e = e.getCause();
        }
        String text = describe(e);
        return text.replace('\n', ' ').replace('\r', ' ').strip();
    }

    private static String describe(Throwable e) {
        if (e instanceof NoSuchFileException f) {
            return f.getFile() + ": not found" + other(f);
        }
        if (e instanceof FileAlreadyExistsException f) {
            return f.getFile() + ": already exists";
        }
        if (e instanceof AccessDeniedException f) {
            return f.getFile() + ": permission denied";
        }
        if (e instanceof NotDirectoryException f) {
            return f.getFile() + ": not a directory";
        }
        if (e instanceof DirectoryNotEmptyException f) {
            return f.getFile() + ": directory not empty";
        }
        if (e instanceof FileSystemException f && f.getFile() != null) {
            String reason = f.getReason() == null ? "cannot be used" : lower(f.getReason());
            return f.getFile() + other(f) + ": " + reason;
        }
        if (e instanceof OutOfMemoryError) {
            return "out of memory (" + e.getMessage() + "); use a smaller recipe, or give the JVM more with"
                    + " VIVARIUM_JAVA_OPTS=-Xmx...";
        }
        if (e instanceof StackOverflowError) {
            return "stack overflow (input nested too deeply?)";
        }
        String m = e.getMessage();
        if (m == null || m.isBlank()) {
            return e.getClass()
                    .getSimpleName()
                    .replaceAll("(Exception|Error)$", "")
                    .replaceAll("([a-z])([A-Z])", "$1 $2")
                    .toLowerCase(java.util.Locale.ROOT);
        }
        if (e instanceof IOException && e.getCause() instanceof FileSystemException f && f.getFile() != null) {
            return m.contains(f.getFile()) ? m : m + " (" + describe(f) + ")";
        }
        return m;
    }

    private static String other(FileSystemException f) {
        return f.getOtherFile() == null ? "" : " -> " + f.getOtherFile();
    }

    private static String lower(String reason) {
        return reason.isEmpty() ? reason : Character.toLowerCase(reason.charAt(0)) + reason.substring(1);
    }
}
