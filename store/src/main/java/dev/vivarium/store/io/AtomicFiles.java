package dev.vivarium.store.io;

import java.io.BufferedOutputStream;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Objects;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Writes files so that a reader sees either the old content or the complete new content, never a
 * half-written file, even if the process dies or the machine loses power mid-write.
 *
 * <p>The content goes to a hidden temporary file in the target's directory ({@code .name.tmp-<random>}),
 * is forced to disk, and is renamed over the target with {@code ATOMIC_MOVE}; then the directory itself
 * is forced (best effort) so the rename survives a crash. On any failure the temporary file is deleted
 * and the old target is left untouched.
 */
public final class AtomicFiles {

    /** Produces the new content of a file. The stream may be closed by the writer or not. */
    @FunctionalInterface
    public interface Writer {
        void write(OutputStream out) throws IOException;
    }

    private static final int BUFFER_BYTES = 1 << 16;

    private AtomicFiles() {}

    /**
     * Replaces {@code target} atomically with what {@code writer} writes.
     *
     * @throws IOException if writing, forcing or renaming fails; the target is then unchanged and no
     *     temporary file remains
     */
    public static void write(Path target, Writer writer) throws IOException {
        Objects.requireNonNull(writer, "writer");
        Path absolute = target.toAbsolutePath();
        Path dir = absolute.getParent();
        Path tmp = null;
        try {
            tmp = createTemp(dir, absolute);
            try (FileChannel channel = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
                OutputStream out = new BufferedOutputStream(Channels.newOutputStream(channel), BUFFER_BYTES);
                writer.write(new KeepOpen(out));
                out.flush();
                channel.force(true);
            }
            Files.move(tmp, absolute, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            tmp = null;
            forceDirectory(dir);
        } catch (IOException | RuntimeException | Error e) {
            if (tmp != null) {
                try {
                    Files.deleteIfExists(tmp);
                } catch (IOException cleanup) {
                    e.addSuppressed(cleanup);
                }
            }
            throw e;
        }
    }

    /** Replaces {@code target} atomically with {@code content} encoded as UTF-8. */
    public static void writeString(Path target, String content) throws IOException {
        byte[] bytes = content.getBytes(StandardCharsets.UTF_8);
        write(target, out -> out.write(bytes));
    }

    /** Replaces {@code target} atomically with {@code content}. */
    public static void writeBytes(Path target, byte[] content) throws IOException {
        Objects.requireNonNull(content, "content");
        write(target, out -> out.write(content));
    }

    /** Creates an empty temp file with default permissions; another writer's temp file is never reused. */
    private static Path createTemp(Path dir, Path target) throws IOException {
        while (true) {
            try {
                return Files.createFile(dir.resolve(tempName(target)));
            } catch (FileAlreadyExistsException collision) {
                // astronomically unlikely; pick another name
            }
        }
    }

    private static String tempName(Path target) {
        long random = ThreadLocalRandom.current().nextLong() >>> 1;
        return "." + target.getFileName() + ".tmp-" + Long.toString(random, 36);
    }

    /** Makes the rename durable. Some platforms cannot open a directory; the rename has happened anyway. */
    private static void forceDirectory(Path dir) {
        try (FileChannel channel = FileChannel.open(dir, StandardOpenOption.READ)) {
            channel.force(true);
        } catch (IOException | UnsupportedOperationException ignored) {
            // best effort, see above
        }
    }

    /** Lets a writer close "its" stream without closing the channel before it is forced. */
    private static final class KeepOpen extends FilterOutputStream {
        KeepOpen(OutputStream out) {
            super(out);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            out.write(b, off, len);
        }

        @Override
        public void close() throws IOException {
            flush();
        }
    }
}
