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
 * {@link MetricLine} for the exact format), so a curve survives a crash up to its last whole line. Every
 * row has an integer {@code "step"}, and steps strictly increase down the file: a reader refuses a log
 * with a row without a step, an empty row, or a repeated or out-of-order step, naming the line.
 *
 * <p>A line counts only once its newline is written: a final line without one (the process died
 * mid-write) is ignored by readers and cut off before the next append. The file is opened on the first
 * append and stays open until {@link #close()}; a later append opens it again.
 */
public final class MetricLog implements AutoCloseable {

    private static final int CHUNK = 1 << 16;

    private final Path file;
    private FileChannel out; // null until the first append, and after close()
    private long lastStep = -1; // the last row's step once the file is open for appending
    // reused by append (which is synchronized): the line's text, its bytes, each key's "key": text
    private final StringBuilder text = new StringBuilder(512);
    private ByteBuffer buffer;
    private final Map<String, String> keys = new java.util.HashMap<>();

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
        Number step = row.get(MetricLine.STEP);
        if (step == null) {
            throw new IllegalArgumentException("a metric row needs a \"step\"; got " + row.size() + " other keys");
        }
        ByteBuffer line = encode(row);
        FileChannel ch = open();
        if (lastStep >= 0 && step.doubleValue() <= lastStep) {
            throw new IOException(file + ": cannot append step " + step.longValue() + " after step " + lastStep
                    + "; a metric log's steps must increase");
        }
        lastStep = step.longValue();
        while (line.hasRemaining()) {
            ch.write(line);
        }
    }

    /**
     * The row's line with its newline, in a buffer this log reuses: formatted into one StringBuilder, its
     * chars (ASCII for a plain row) copied into one direct buffer, so a row costs no allocation of its own
     * and the channel writes from the buffer without copying it.
     */
    private ByteBuffer encode(Map<String, ? extends Number> row) {
        StringBuilder b = text;
        b.setLength(0);
        byte[] utf8 = null;
        if (!MetricLine.appendPlain(row, b, keys)) {
            b.setLength(0);
            utf8 = (MetricLine.formatWithJackson(row) + "\n").getBytes(StandardCharsets.UTF_8);
        } else {
            b.append('\n');
        }
        int n = utf8 != null ? utf8.length : b.length();
        if (buffer == null || buffer.capacity() < n) {
            buffer = ByteBuffer.allocateDirect(Math.max(n, 2 * (buffer == null ? 512 : buffer.capacity())));
        }
        ByteBuffer out = buffer;
        out.clear();
        if (utf8 != null) {
            out.put(utf8);
        } else {
            for (int i = 0; i < n; i++) {
                out.put((byte) b.charAt(i)); // a plain row is printable ASCII
            }
        }
        out.flip();
        return out;
    }

    /**
     * All complete rows in file order, integers and NaN/infinities read back as doubles. A missing file
     * is an empty log.
     *
     * @throws IOException naming the file and line number of a corrupt line
     */
    public List<Map<String, Double>> read() throws IOException {
        Contents c = readValid();
        if (c.problem().isPresent()) {
            throw new IOException(c.problem().get());
        }
        return c.rows();
    }

    /**
     * What a log holds up to its first bad line, for readers that should show what they can.
     *
     * @param rows the valid rows before the first bad line (all rows if there is none)
     * @param problem the first bad line's error (file, line number and what is wrong), if any
     * @param tornTailBytes bytes after the last newline: a row being written, or torn by a crash
     */
    public record Contents(List<Map<String, Double>> rows, Optional<String> problem, long tornTailBytes) {
        public Contents {
            rows = List.copyOf(rows);
        }
    }

    /** The rows up to the first bad line, that line's error, and the size of any torn final line. */
    public Contents readValid() throws IOException {
        List<Map<String, Double>> rows = new ArrayList<>();
        String[] problem = {null};
        long[] previous = {-1};
        long tail = scan((number, text) -> {
            if (problem[0] != null) {
                return;
            }
            try {
                Map<String, Double> row = MetricLine.parse(text, where(number));
                Double step = row.get(MetricLine.STEP);
                if (step == null) {
                    throw new IOException(where(number) + ": corrupt metric row: no \"step\" ("
                            + (row.isEmpty() ? "an empty row" : row.size() + " other keys") + ")");
                }
                if (!(step >= 0) || step != Math.rint(step)) {
                    throw new IOException(
                            where(number) + ": corrupt metric row: step " + step + " is not a whole number >= 0");
                }
                if (step.longValue() <= previous[0]) {
                    throw new IOException(where(number) + ": step " + step.longValue()
                            + (step.longValue() == previous[0]
                                    ? " repeats the step before it"
                                    : " comes after step " + previous[0])
                            + "; a metric log's steps must increase (two writers, or a damaged file)");
                }
                previous[0] = step.longValue();
                rows.add(row);
            } catch (IOException e) {
                problem[0] = e.getMessage();
            }
        });
        return new Contents(rows, Optional.ofNullable(problem[0]), tail);
    }

    /** Forces appended rows to disk (before a run is marked finished). */
    public synchronized void force() throws IOException {
        if (out != null) {
            out.force(true);
        }
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
     * written again as this class writes them (the same bytes for a log it wrote); a damaged log is
     * refused with the reader's error instead of being cut. Used when a run resumes from a checkpoint,
     * so the curve continues from there without duplicate steps.
     */
    public synchronized void truncateAfter(long step) throws IOException {
        close();
        if (Files.notExists(file)) {
            return;
        }
        List<String> kept = new ArrayList<>();
        for (Map<String, Double> row : read()) { // a damaged log is refused, not silently cut
            if (row.get(MetricLine.STEP) <= step) {
                kept.add(MetricLine.format(row));
            }
        }
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
            lastStep = last().map(r -> r.get(MetricLine.STEP))
                    .map(Double::longValue)
                    .orElse(-1L);
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

    /**
     * Visits every complete, non-blank line with its 1-based number; a missing file has none. Returns the
     * number of bytes after the last newline (a torn or unfinished line, not visited).
     */
    private long scan(LineVisitor visitor) throws IOException {
        if (Files.isDirectory(file)) {
            throw new IOException(file + ": is a directory, not a metric log");
        }
        InputStream in;
        try {
            in = Files.newInputStream(file);
        } catch (NoSuchFileException e) {
            return 0;
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
            return line.size();
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
