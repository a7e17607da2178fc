package dev.vivarium.store.io;

import java.io.BufferedOutputStream;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Pattern;

/**
 * Writes files so that a reader sees either the old content or the complete new content, never a
 * half-written file, even if the process dies or the machine loses power mid-write.
 *
 * <p>The content goes to a hidden temporary file in the target's directory ({@code .name.tmp-<random>}),
 * is forced to disk, and is renamed over the target with {@code ATOMIC_MOVE}; then the directory itself
 * is forced (best effort) so the rename survives a crash. On any failure the temporary file is deleted
 * and the old target is left untouched.
 *
 * <p>Only a regular file (or nothing) is ever replaced: a target that is a directory, a device such as
 * {@code /dev/full}, a pipe or a symbolic link is refused before anything is written. A writer killed
 * mid-write leaves its temporary file behind; {@link #removeTemporaries} deletes those of a folder whose
 * only writer is the caller (a run directory under its lock).
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
        if (dir == null || absolute.getFileName() == null) {
            throw new IOException(target + ": not a file name (a file is written inside a directory)");
        }
        if (Files.exists(absolute, LinkOption.NOFOLLOW_LINKS)
                && !Files.isRegularFile(absolute, LinkOption.NOFOLLOW_LINKS)) {
            throw new IOException(
                    target + ": exists and is not a regular file (" + kind(absolute) + "); refusing to replace it");
        }
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

    /**
     * Deletes the temporary files that killed writers left in {@code dir} ({@code .NAME.tmp-XXXX}); call it
     * only where no other writer can be writing (for a run, while holding its lock).
     *
     * @return the files deleted
     */
    public static List<Path> removeTemporaries(Path dir) throws IOException {
        List<Path> removed = new ArrayList<>();
        if (!Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
            return removed;
        }
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir, ".*.tmp-*")) {
            for (Path p : entries) {
                if (TEMP.matcher(p.getFileName().toString()).matches()
                        && Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)) {
                    Files.delete(p);
                    removed.add(p);
                }
            }
        }
        removed.sort(null);
        return removed;
    }

    private static final Pattern TEMP = Pattern.compile("\\..+\\.tmp-[0-9a-z]{1,13}");

    private static String kind(Path p) {
        if (Files.isSymbolicLink(p)) {
            return "a symbolic link";
        }
        if (Files.isDirectory(p)) {
            return "a directory";
        }
        return "a device, pipe or socket";
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
