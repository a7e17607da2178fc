package dev.vivarium.app;

import dev.vivarium.core.recipe.RecipeException;
import dev.vivarium.store.io.Problems;
import dev.vivarium.sweep.SweepException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileSystemException;
import java.nio.file.InvalidPathException;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Any throwable as the one line a user reads after {@code error: }, and the exit code it deserves: 2 when
 * the command line asked for something impossible (a bad value, a bad recipe), 1 for every other failure.
 * The line says what failed and why, never only a path and never a Java class name.
 *
 * @param line the text after {@code error: }, one line
 * @param exitCode 1 or 2
 */
public record Failure(String line, int exitCode) {
    /** Exit code of a failure of the work itself (disk, files, bugs). */
    public static final int FAILED = 1;
    /** Exit code of a command line or recipe that asks for something invalid. */
    public static final int USAGE = 2;

    /** A Java class name as it appears in {@code Throwable.toString()}, e.g. {@code java.io.IOException: }. */
    private static final Pattern CLASS_NAME =
            Pattern.compile("\\b(?:[a-z_$][\\w$]*\\.)+[A-Z][\\w$]*(?:Exception|Error)\\b:?\\s*");
    /** A bare class name such as {@code NumberFormatException}. */
    private static final Pattern SIMPLE_NAME = Pattern.compile("\\b[A-Z][A-Za-z]*(?:Exception|Error)\\b");

    /** Checks the line is one non-blank line and the exit code is one of the two. */
    public Failure {
        if (line == null || line.isBlank() || line.contains("\n")) {
            throw new IllegalArgumentException("a failure is one non-blank line, got: " + line);
        }
        if (exitCode != FAILED && exitCode != USAGE) {
            throw new IllegalArgumentException("exit code must be 1 or 2, got " + exitCode);
        }
    }

    /** The failure {@code e} stands for, raised while running {@code command} (e.g. {@code "vivarium plot"}). */
    public static Failure of(Throwable e, String command) {
        if (e instanceof OutOfMemoryError) {
            long mb = Runtime.getRuntime().maxMemory() >> 20;
            return new Failure(
                    "out of memory while running '" + command + "' (Java heap limit " + mb
                            + " MB); the recipe/command needs less memory: a smaller model, batch or dataset,"
                            + " or a larger heap with VIVARIUM_JAVA_OPTS=-Xmx<size>",
                    FAILED);
        }
        if (e instanceof StackOverflowError) {
            return new Failure(
                    "stack overflow while running '" + command + "'; a larger stack may help:"
                            + " VIVARIUM_JAVA_OPTS=-Xss16m",
                    FAILED);
        }
        boolean usage =
                e instanceof IllegalArgumentException || e instanceof RecipeException || e instanceof SweepException;
        return new Failure(clean(describe(e, command)), usage ? USAGE : FAILED);
    }

    private static String describe(Throwable e, String command) {
        if (e instanceof UncheckedIOException && e.getCause() != null) {
            return wrapped(e, command);
        }
        if (e instanceof FileSystemException f) {
            return Problems.fileSystem(f);
        }
        if (e instanceof IOException) {
            return io(e, command);
        }
        if (e instanceof InvalidPathException p) {
            return "'" + p.getInput() + "' is not a valid path: " + p.getReason();
        }
        if (e instanceof ArithmeticException) {
            return "arithmetic failure (" + orElse(e.getMessage(), "no detail") + ") while running '" + command
                    + "'" + where(e) + "; a number given may be out of range, or this is a bug: "
                    + debugHint(command);
        }
        if (e instanceof NullPointerException) {
            return "internal error while running '" + command + "'" + where(e) + ": a value was missing ("
                    + orElse(e.getMessage(), "no detail") + "); this is a bug: " + debugHint(command);
        }
        if (e instanceof IllegalArgumentException
                || e instanceof IllegalStateException
                || e instanceof RecipeException
                || e instanceof SweepException) {
            if (e.getMessage() != null && !e.getMessage().isBlank()) {
                return e.getMessage();
            }
        }
        if (e.getCause() != null && isWrapperMessage(e)) {
            return describe(e.getCause(), command);
        }
        String message = e.getMessage();
        if (message == null || message.isBlank()) {
            return "internal error while running '" + command + "'" + where(e) + " (" + plainName(e)
                    + "); this is a bug: " + debugHint(command);
        }
        if (e instanceof RuntimeException) {
            return message;
        }
        return "fatal error while running '" + command + "'" + where(e) + ": " + message;
    }

    /** An unchecked wrapper: its own message (often the context, e.g. "cannot read run X") and the cause's. */
    private static String wrapped(Throwable e, String command) {
        String cause = describe(e.getCause(), command);
        if (isWrapperMessage(e)) {
            return cause;
        }
        String context = e.getMessage();
        return cause.contains(context) ? cause : context + ": " + cause;
    }

    /** True if the message is only the cause's {@code toString()}, as Java's wrappers make it. */
    private static boolean isWrapperMessage(Throwable e) {
        String m = e.getMessage();
        return m == null || e.getCause() == null || m.equals(e.getCause().toString());
    }

    private static String io(Throwable e, String command) {
        if (e.getCause() != null && isWrapperMessage(e)) {
            return describe(e.getCause(), command);
        }
        String m = e.getMessage();
        String running = "input/output error while running '" + command + "'" + where(e);
        if (m == null || m.isBlank()) {
            return running;
        }
        // a bare reason from the operating system ("No space left on device") names no file: say what ran
        boolean bare = !m.contains("/") && !m.contains(":");
        return bare ? running + ": " + Problems.reason(m) : m;
    }

    /** {@code " in Curves.write"}: the innermost frame of our own code, for a bug report. */
    private static String where(Throwable e) {
        for (StackTraceElement f : e.getStackTrace()) {
            if (f.getClassName().startsWith("dev.vivarium.")) {
                String cls = f.getClassName().substring(f.getClassName().lastIndexOf('.') + 1);
                return " in " + cls + "." + f.getMethodName();
            }
        }
        return "";
    }

    private static String debugHint(String command) {
        return "rerun with VIVARIUM_DEBUG=1 " + command + " ... to see the stack trace";
    }

    /** "NullPointerException" becomes "null pointer", so no class name reaches the user. */
    private static String plainName(Throwable e) {
        return plainName(e.getClass().getSimpleName());
    }

    private static String plainName(String simpleName) {
        String n = simpleName.replaceAll("(Exception|Error)$", "");
        return n.replaceAll("([a-z])([A-Z])", "$1 $2").toLowerCase(Locale.ROOT);
    }

    private static String orElse(String s, String fallback) {
        return s == null || s.isBlank() ? fallback : s;
    }

    /** One line, no Java class names. */
    static String clean(String s) {
        String one = s.replaceAll("\\s*\\R\\s*", " ").trim();
        String stripped = CLASS_NAME.matcher(one).replaceAll("").trim();
        stripped = SIMPLE_NAME.matcher(stripped).replaceAll(m -> plainName(m.group()));
        return stripped.isEmpty() ? "failed (no detail given)" : stripped;
    }
}
