package dev.vivarium.store.run;

import dev.vivarium.store.io.AtomicFiles;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A run's append-only metric log, {@code metrics.jsonl}: one JSON object of numbers per line (see
 * {@link MetricLine} for the exact format), so a curve survives a crash up to its last whole line.
 *
 * <p>A line counts only once its newline is written: a final line without one (the process died
 * mid-write) is ignored by readers and cut off before the next append. The file is opened on the first
 * append and stays open until {@link #close()}; a later append opens it again.
 */
public final class MetricLog implements AutoCloseable {

    private static final int CHUNK = 1 << 16;

    private final Path file;
    private FileChannel out; // null until the first append, and after close()

    /** A log at {@code file}; nothing is opened or created until the first append. */
    public MetricLog(Path file) {
        this.file = file;
    }

    /** The log's file. */
    public Path file() {
        return file;
    }

    /**
     * Appends {@code row} as one line, keys in the map's order, and hands it to the operating system
     * before returning (flushed, not forced to disk).
     *
     * @throws NullPointerException if a key or value is null; nothing is written then
     */
    public synchronized void append(Map<String, ? extends Number> row) throws IOException {
        ByteBuffer line = ByteBuffer.wrap((MetricLine.format(row) + "\n").getBytes(StandardCharsets.UTF_8));
        FileChannel ch = open();
        while (line.hasRemaining()) {
            ch.write(line);
        }
    }

    /**
     * All complete rows in file order, integers and NaN/infinities read back as doubles. A missing file
     * is an empty log.
     *
     * @throws IOException naming the file and line number of a corrupt line
     */
    public List<Map<String, Double>> read() throws IOException {
        List<Map<String, Double>> rows = new ArrayList<>();
        scan((number, text) -> rows.add(MetricLine.parse(text, where(number))));
        return rows;
    }

    /** The last complete row, read from the end of the file without reading the rest. */
    public Optional<Map<String, Double>> last() throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            long size = ch.size();
            for (long window = 4096; ; window *= 2) {
                long start = Math.max(0, size - window);
                byte[] tail = readAt(ch, start, (int) (size - start));
                int end = lastNewline(tail, tail.length - 1); // the last line without a newline does not count
                while (end >= 0) {
                    int previous = lastNewline(tail, end - 1);
                    if (previous < 0 && start > 0) {
                        break; // the line may begin before this window: widen it
                    }
                    String text = new String(tail, previous + 1, end - previous - 1, StandardCharsets.UTF_8);
                    if (!text.isBlank()) {
                        return Optional.of(MetricLine.parse(text, file + " last line"));
                    }
                    end = previous;
                }
                if (start == 0) {
                    return Optional.empty();
                }
            }
        } catch (NoSuchFileException e) {
            return Optional.empty();
        }
    }

    /**
     * Rewrites the log atomically, keeping only rows whose {@code "step"} is {@code <= step}, each line
     * byte for byte; rows without a {@code "step"} are dropped. Used when a run resumes from a checkpoint,
     * so the curve continues from there without duplicate steps.
     */
    public synchronized void truncateAfter(long step) throws IOException {
        close();
        if (Files.notExists(file)) {
            return;
        }
        List<String> kept = new ArrayList<>();
        scan((number, text) -> {
            Double s = MetricLine.parse(text, where(number)).get("step");
            if (s != null && s <= step) {
                kept.add(text);
            }
        });
        AtomicFiles.write(file, o -> {
            for (String line : kept) {
                o.write((line + "\n").getBytes(StandardCharsets.UTF_8));
            }
        });
    }

    /** Closes the file if it is open. */
    @Override
    public synchronized void close() throws IOException {
        if (out != null) {
            FileChannel ch = out;
            out = null;
            ch.close();
        }
    }

    private FileChannel open() throws IOException {
        if (out == null) {
            dropTornLine();
            out = FileChannel.open(
                    file, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.APPEND);
        }
        return out;
    }

    /** Cuts a final line that has no newline, left by a process that died mid-write. */
    private void dropTornLine() throws IOException {
        if (Files.notExists(file)) {
            return;
        }
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            long end = ch.size();
            while (end > 0) {
                long start = Math.max(0, end - CHUNK);
                byte[] chunk = readAt(ch, start, (int) (end - start));
                int nl = lastNewline(chunk, chunk.length - 1);
                if (nl >= 0) {
                    ch.truncate(start + nl + 1);
                    return;
                }
                end = start;
            }
            ch.truncate(0);
        }
    }

    @FunctionalInterface
    private interface LineVisitor {
        void line(long number, String text) throws IOException;
    }

    /** Visits every complete, non-blank line with its 1-based number; a missing file has none. */
    private void scan(LineVisitor visitor) throws IOException {
        InputStream in;
        try {
            in = Files.newInputStream(file);
        } catch (NoSuchFileException e) {
            return;
        }
        try (in) {
            byte[] buf = new byte[CHUNK];
            ByteArrayOutputStream line = new ByteArrayOutputStream();
            long number = 0;
            for (int n = in.read(buf); n >= 0; n = in.read(buf)) {
                int from = 0;
                for (int i = 0; i < n; i++) {
                    if (buf[i] == '\n') {
                        line.write(buf, from, i - from);
                        number++;
                        String text = line.toString(StandardCharsets.UTF_8);
                        if (!text.isBlank()) {
                            visitor.line(number, text);
                        }
                        line.reset();
                        from = i + 1;
                    }
                }
                line.write(buf, from, n - from);
            }
            // whatever is left in `line` has no newline: a torn write, ignored
        }
    }

    private String where(long lineNumber) {
        return file + " line " + lineNumber;
    }

    private static byte[] readAt(FileChannel ch, long position, int length) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(length);
        while (b.hasRemaining()) {
            if (ch.read(b, position + b.position()) < 0) {
                break; // the file shrank meanwhile; use what was there
            }
        }
        return Arrays.copyOf(b.array(), b.position());
    }

    private static int lastNewline(byte[] b, int from) {
        for (int i = from; i >= 0; i--) {
            if (b[i] == '\n') {
                return i;
            }
        }
        return -1;
    }
}
