package dev.vivarium.store.io;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.FileSystemLoopException;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.util.Locale;

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
        if (e instanceof FileSystemException f) {
            return fileSystem(f);
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
                    .toLowerCase(Locale.ROOT);
        }
        if (e instanceof IOException && e.getCause() instanceof FileSystemException f && f.getFile() != null) {
            return m.contains(f.getFile()) ? m : m + " (" + fileSystem(f) + ")";
        }
        return m;
    }

    /** A file exception as "FILE: what went wrong" (the JDK's message is often the bare path). */
    public static String fileSystem(FileSystemException f) {
        String file = f.getFile() == null ? "a file" : f.getFile();
        if (f.getOtherFile() != null) {
            file = file + " -> " + f.getOtherFile();
        }
        String reason = f.getReason();
        String what;
        if (f instanceof NoSuchFileException) {
            what = "not found";
        } else if (f instanceof FileAlreadyExistsException) {
            what = "already exists";
        } else if (f instanceof AccessDeniedException) {
            what = "permission denied";
        } else if (f instanceof NotDirectoryException) {
            what = "not a directory";
        } else if (f instanceof DirectoryNotEmptyException) {
            what = "directory is not empty";
        } else if (f instanceof FileSystemLoopException) {
            what = "symbolic links form a loop";
        } else {
            what = reason(reason);
            reason = null;
        }
        return file + ": " + what + (reason == null || reason.isBlank() ? "" : " (" + reason + ")");
    }

    /** The operating system's reason in plain words ("name too long", "no space left on device"); unknown reasons as given. */
    public static String reason(String reason) {
        if (reason == null || reason.isBlank()) {
            return "input/output error";
        }
        String r = reason.toLowerCase(Locale.ROOT);
        if (r.contains("file name too long")) {
            return "name too long (at most 255 bytes per name)";
        }
        if (r.contains("no space left on device")) {
            return "no space left on device (disk full)";
        }
        if (r.contains("disk quota exceeded")) {
            return "disk quota exceeded";
        }
        if (r.contains("read-only file system")) {
            return "read-only file system";
        }
        if (r.contains("is a directory")) {
            return "is a directory";
        }
        if (r.contains("not a directory")) {
            return "not a directory";
        }
        return reason;
    }
}
