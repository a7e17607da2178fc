package dev.vivarium.laws.ledger;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.vivarium.store.io.AtomicFiles;
import dev.vivarium.store.io.Problems;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * An append-only, hash-chained ledger file. Each line is {@code <sha256 of json> <json>}, and each entry's
 * JSON holds the hash of the entry before it, so editing, deleting or moving any entry breaks the chain
 * from there on ({@link LedgerCheck}). Next to it, {@code <file>.head} holds the last sequence number and
 * hash, so that cutting entries off the end also shows.
 *
 * <p>An append takes an exclusive OS lock on the ledger file, checks the whole chain, and refuses to extend
 * a damaged one; so two processes appending at once never fork the chain. Entries are forced to disk
 * before the head file is replaced (atomically).
 */
public final class Ledger {
    static final ObjectMapper MAPPER =
            new ObjectMapper().configure(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS, true);
    private static final long LOCK_WAIT_MILLIS = 30_000;

    private final Path file;
    private final Clock clock;

    /** The ledger in {@code file} (created by the first append), timed by {@code clock}. */
    public Ledger(Path file, Clock clock) {
        this.file = file;
        this.clock = clock;
    }

    public Path file() {
        return file;
    }

    /** The head file: {@code <seq> <hash>} of the last entry. */
    public Path headFile() {
        return file.resolveSibling(file.getFileName() + ".head");
    }

    /** Reads and checks the whole ledger; a missing file is an empty, intact ledger. */
    public LedgerCheck check() {
        try {
            String text;
            try {
                text = Files.readString(file, StandardCharsets.UTF_8);
            } catch (NoSuchFileException e) {
                text = "";
            }
            return LedgerCheck.of(file, text, head());
        } catch (IOException e) {
            throw new IllegalStateException("cannot read ledger " + file + ": " + Problems.oneLine(e), e);
        }
    }

    /**
     * Appends one entry under an exclusive lock. {@code body} sees the checked ledger as it is under the lock
     * (so a rule such as "resolved once" is decided atomically with the append) and may refuse by throwing.
     *
     * @throws IllegalStateException if the ledger is damaged: nothing is appended to a broken chain
     */
    public LedgerEntry append(String kind, Function<LedgerCheck, Map<String, Object>> body) {
        try {
            Files.createDirectories(file.toAbsolutePath().getParent());
            try (FileChannel ch = FileChannel.open(
                            file, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
                    FileLock lock = lock(ch)) {
                LedgerCheck check = LedgerCheck.of(file, read(ch), head());
                check.requireIntact();
                Map<String, Object> content = body.apply(check);
                Optional<LedgerEntry> last = check.last();
                Instant now = clock.instant().truncatedTo(ChronoUnit.MILLIS);
                if (last.isPresent() && now.isBefore(last.get().recordedAt())) {
                    now = last.get().recordedAt(); // a clock set back never writes an entry before its predecessor
                }
                long seq = last.map(e -> e.seq() + 1).orElse(1L);
                Map<String, Object> entry = new LinkedHashMap<>();
                entry.put("seq", seq);
                entry.put("prev", check.headHash());
                entry.put("kind", kind);
                entry.put("recordedAt", now.toString());
                entry.put("body", content);
                String json = MAPPER.writeValueAsString(entry);
                String hash = Sha256.hex(json);
                ByteBuffer line = ByteBuffer.wrap((hash + " " + json + "\n").getBytes(StandardCharsets.UTF_8));
                long at = ch.size();
                while (line.hasRemaining()) {
                    at += ch.write(line, at);
                }
                ch.force(true);
                AtomicFiles.writeString(headFile(), seq + " " + hash + "\n");
                return new LedgerEntry(
                        check.lines() + 1, hash, json, seq, check.headHash(), kind, now, MAPPER.valueToTree(content));
            }
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write a " + kind + " entry as JSON: " + e.getMessage(), e);
        } catch (IOException e) {
            throw new IllegalStateException("cannot append to ledger " + file + ": " + Problems.oneLine(e), e);
        }
    }

    private Optional<String> head() throws IOException {
        try {
            return Optional.of(Files.readString(headFile(), StandardCharsets.UTF_8));
        } catch (NoSuchFileException e) {
            return Optional.empty();
        }
    }

    private static String read(FileChannel ch) throws IOException {
        ByteBuffer all = ByteBuffer.allocate(Math.toIntExact(ch.size()));
        while (all.hasRemaining() && ch.read(all, all.position()) >= 0) {
            // keep reading
        }
        return new String(all.array(), 0, all.position(), StandardCharsets.UTF_8);
    }

    /** An exclusive lock; another thread of this process holding it is waited for like another process. */
    private FileLock lock(FileChannel ch) throws IOException {
        long deadline = System.currentTimeMillis() + LOCK_WAIT_MILLIS;
        while (true) {
            try {
                return ch.lock();
            } catch (OverlappingFileLockException held) {
                if (System.currentTimeMillis() > deadline) {
                    throw new IllegalStateException(
                            "ledger " + file + " stayed locked by this process for " + LOCK_WAIT_MILLIS / 1000 + " s");
                }
                try {
                    Thread.sleep(2);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException("interrupted while waiting for the lock on " + file, e);
                }
            }
        }
    }
}
