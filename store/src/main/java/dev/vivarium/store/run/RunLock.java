package dev.vivarium.store.run;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The one-writer lock of a run directory: an exclusive OS lock on {@code RUN/.lock}, taken before the
 * writer writes anything and held for the writer's whole life. The operating system releases it when the
 * process dies, however it dies, so a killed run never stays locked. The file's text names the holder
 * (pid, host, since) for the error a second writer gets; readers never take the lock.
 *
 * <p>POSIX locks belong to a process, and closing any channel of the file drops all of them: so a second
 * writer inside the same JVM is refused from a registry of the runs this JVM holds, before it opens the file.
 */
public final class RunLock implements AutoCloseable {
    /** The lock file's name inside a run directory. */
    public static final String FILE = ".lock";

    private static final Set<Path> HELD = ConcurrentHashMap.newKeySet();

    private final Path key;
    private final FileChannel channel;
    private final FileLock lock;

    private RunLock(Path key, FileChannel channel, FileLock lock) {
        this.key = key;
        this.channel = channel;
        this.lock = lock;
    }

    /**
     * Takes the lock of the run at {@code runRoot} without waiting.
     *
     * @throws RunLockedException naming the holder if another process (or another writer in this one) holds it
     * @throws IOException if the lock file cannot be opened (for example it is not a regular file)
     */
    public static RunLock acquire(Path runRoot) throws IOException {
        Path file = runRoot.resolve(FILE);
        if (Files.exists(file, LinkOption.NOFOLLOW_LINKS) && !Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)) {
            throw new IOException(file + ": the run's lock file is not a regular file");
        }
        Path key = runRoot.toRealPath();
        if (!HELD.add(key)) {
            throw new RunLockedException(
                    runRoot, "pid " + ProcessHandle.current().pid() + " (this process)");
        }
        FileChannel ch;
        FileLock lock;
        try {
            ch = FileChannel.open(
                    file,
                    StandardOpenOption.CREATE,
                    StandardOpenOption.READ,
                    StandardOpenOption.WRITE,
                    LinkOption.NOFOLLOW_LINKS);
        } catch (IOException | RuntimeException e) {
            HELD.remove(key);
            throw e;
        }
        try {
            lock = ch.tryLock();
        } catch (OverlappingFileLockException | IOException e) {
            HELD.remove(key);
            ch.close();
            throw e;
        }
        if (lock == null) {
            String holder = holder(ch);
            HELD.remove(key);
            ch.close(); // this process held no lock on the file, so closing drops none
            throw new RunLockedException(runRoot, holder);
        }
        try {
            byte[] text = ("pid " + ProcessHandle.current().pid() + " on " + LocalHost.name() + " since "
                            + Instant.now() + "\n")
                    .getBytes(StandardCharsets.UTF_8);
            ch.truncate(0);
            ch.write(ByteBuffer.wrap(text), 0);
        } catch (IOException e) {
            lock.release();
            ch.close();
            HELD.remove(key);
            throw e;
        }
        return new RunLock(key, ch, lock);
    }

    private static String holder(FileChannel ch) {
        try {
            ByteBuffer b = ByteBuffer.allocate(256);
            ch.read(b, 0);
            String text = new String(b.array(), 0, b.position(), StandardCharsets.UTF_8).strip();
            return text.isEmpty() ? "another process" : text;
        } catch (IOException e) {
            return "another process";
        }
    }

    /** Releases the lock (the file stays: deleting it would let a third writer lock a different file). */
    @Override
    public void close() throws IOException {
        try {
            if (lock.isValid()) {
                lock.release();
            }
        } finally {
            try {
                channel.close();
            } finally {
                HELD.remove(key);
            }
        }
    }
}
