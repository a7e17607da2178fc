package dev.vivarium.app.query;

import dev.vivarium.store.io.AtomicFiles;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.zip.CRC32;

/**
 * What {@code vivarium query} parsed of each finished run, kept in one file so that the next query reads that
 * file instead of every run's status, config and metric log. The run directories stay the truth: an entry is
 * used only while the size and modification time (to the nanosecond) of the run's {@code status.json}, {@code
 * config.yaml} and {@code metrics.jsonl} are those it was read at, and only for a run that has stopped (a
 * RUNNING run's state depends on the clock, and its log grows). An entry holds the run's status fields, its
 * flattened config and each metric's last value and step (what the {@code runs} and {@code final} tables
 * need; the {@code metrics} table reads the logs). The file starts with a magic line and ends with the CRC-32
 * of what precedes it; one that does not read whole is ignored, and rewritten. It is replaced atomically.
 */
public final class RunCache {
    static final byte[] MAGIC = "vivarium query cache 2\n".getBytes(StandardCharsets.US_ASCII);

    /**
     * The size and modification time of a run's three files; {@code -1} sizes for a file that is absent.
     *
     * @param usable whether config.yaml and status.json are regular files and metrics.jsonl is one or absent
     */
    public record Stamp(
            long statusSize,
            long statusTime,
            long configSize,
            long configTime,
            long metricsSize,
            long metricsTime,
            boolean usable) {}

    /**
     * One run as read.
     *
     * @param config its flattened config, or null if the query that read it did not need it
     * @param finalNames each metric's name, null if the metrics were not read; with {@code finalSteps} and
     *     {@code finalValues}, each metric's last logged value and its step
     */
    public record Entry(
            Stamp stamp,
            String recipe,
            String state,
            long step,
            long totalSteps,
            Instant started,
            Optional<String> message,
            Map<String, Object> config,
            List<String> finalNames,
            long[] finalSteps,
            double[] finalValues) {

        /** This entry with the parts {@code other} has and this one lacks (same stamp). */
        Entry merge(Entry other) {
            return new Entry(
                    stamp,
                    recipe,
                    state,
                    step,
                    totalSteps,
                    started,
                    message,
                    config != null ? config : other.config,
                    finalNames != null ? finalNames : other.finalNames,
                    finalNames != null ? finalSteps : other.finalSteps,
                    finalNames != null ? finalValues : other.finalValues);
        }

        /** The metric values of a {@code final} table: one value a metric, its last. */
        public MetricValues finals() {
            return MetricValues.ofLast(finalNames, finalSteps, finalValues);
        }

        /** The entry's parts as a row of {@code runs}. */
        public RunRow row(String id, Path dir, Optional<String> sweep) {
            return new RunRow(
                    id,
                    dir,
                    sweep,
                    recipe,
                    state,
                    step,
                    totalSteps,
                    started,
                    message,
                    config == null ? Map.of() : config);
        }
    }

    private final Path file;
    private final Map<String, Entry> entries;
    private final boolean damaged;
    private volatile boolean changed;

    private RunCache(Path file, Map<String, Entry> entries, boolean damaged) {
        this.file = file;
        this.entries = entries;
        this.damaged = damaged;
        this.changed = damaged;
    }

    /** The default directory: {@code $VIVARIUM_CACHE}, else {@code $XDG_CACHE_HOME/vivarium}, else {@code ~/.cache/vivarium}. */
    public static Path defaultDir() {
        String v = System.getenv("VIVARIUM_CACHE");
        if (v != null && !v.isBlank()) {
            return Path.of(v);
        }
        String xdg = System.getenv("XDG_CACHE_HOME");
        if (xdg != null && !xdg.isBlank()) {
            return Path.of(xdg, "vivarium");
        }
        return Path.of(System.getProperty("user.home"), ".cache", "vivarium");
    }

    /** The cache file in {@code dir} for a query over {@code roots} (absolute, normalized): one per set of roots. */
    public static Path fileFor(Path dir, List<Path> roots) {
        StringBuilder key = new StringBuilder();
        for (Path r : roots) {
            key.append(r.toAbsolutePath().normalize()).append('\n');
        }
        // not a cryptographic hash: a name for the set of roots (SHA-256's provider takes ~50 ms to load)
        byte[] k = key.toString().getBytes(StandardCharsets.UTF_8);
        CRC32 a = new CRC32();
        a.update(k);
        java.util.zip.Adler32 b = new java.util.zip.Adler32();
        b.update(k);
        return dir.resolve(String.format("query-%08x%08x.cache", a.getValue(), b.getValue()));
    }

    /** Reads {@code file}; a missing file is an empty cache, and so is one that does not read whole. */
    public static RunCache load(Path file) {
        byte[] b;
        try {
            b = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            return new RunCache(file, new ConcurrentHashMap<>(), false);
        } catch (IOException e) {
            return new RunCache(file, new ConcurrentHashMap<>(), true);
        }
        try {
            return new RunCache(file, parse(b), false);
        } catch (IOException | RuntimeException e) {
            return new RunCache(file, new ConcurrentHashMap<>(), true);
        }
    }

    /** Whether the file was there but did not read (it is rewritten by {@link #save}). */
    public boolean damaged() {
        return damaged;
    }

    /** The number of entries. */
    public int size() {
        return entries.size();
    }

    /** The stamp of run directory {@code dir}'s files now. */
    public static Stamp stamp(Path dir) {
        long[] s = new long[6];
        boolean usable = true;
        String[] names = {"status.json", "config.yaml", "metrics.jsonl"};
        for (int i = 0; i < 3; i++) {
            try {
                BasicFileAttributes a = Files.readAttributes(
                        dir.resolve(names[i]), BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
                usable &= a.isRegularFile();
                s[2 * i] = a.size();
                java.time.Instant t = a.lastModifiedTime().toInstant();
                s[2 * i + 1] = t.getEpochSecond() * 1_000_000_000L + t.getNano();
            } catch (IOException e) {
                usable &= i == 2; // a run without a metric log yet is fine; without status or config it is not
                s[2 * i] = -1;
                s[2 * i + 1] = 0;
            }
        }
        return new Stamp(s[0], s[1], s[2], s[3], s[4], s[5], usable);
    }

    /** The entry of {@code dir} if it was read at {@code stamp}. */
    public Optional<Entry> get(Path dir, Stamp stamp) {
        Entry e = entries.get(key(dir));
        return e != null && stamp.usable() && e.stamp().equals(stamp) ? Optional.of(e) : Optional.empty();
    }

    /** Keeps {@code e} for {@code dir} (with the parts of an entry of the same stamp it lacks). */
    public void put(Path dir, Entry e) {
        if (!e.stamp().usable() || e.state().equals("RUNNING")) {
            return;
        }
        entries.merge(key(dir), e, (old, now) -> old.stamp().equals(now.stamp()) ? now.merge(old) : now);
        changed = true;
    }

    /** Drops the entries of directories not in {@code dirs} (runs gone, or no longer listed). */
    public void retain(Set<Path> dirs) {
        Set<String> keep = new java.util.HashSet<>();
        dirs.forEach(d -> keep.add(key(d)));
        if (entries.keySet().retainAll(keep)) {
            changed = true;
        }
    }

    /** Writes the file (atomically) if anything changed since it was read. */
    public void save() throws IOException {
        if (!changed) {
            return;
        }
        Files.createDirectories(file.toAbsolutePath().getParent());
        byte[] body = format(entries);
        AtomicFiles.writeBytes(file, body);
        changed = false;
    }

    private static String key(Path dir) {
        return dir.toAbsolutePath().normalize().toString();
    }

    // ---------- the file ----------

    private static final int NULL = 0;
    private static final int LONG = 1;
    private static final int DOUBLE = 2;
    private static final int BOOLEAN = 3;
    private static final int STRING = 4;

    static byte[] format(Map<String, Entry> entries) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(1 << 16);
        DataOutputStream o = new DataOutputStream(bytes);
        o.write(MAGIC);
        // every string once, in a table; the entries name them by index (config keys and metric names repeat)
        Map<String, Integer> table = new LinkedHashMap<>();
        ByteArrayOutputStream body = new ByteArrayOutputStream(1 << 16);
        DataOutputStream d = new DataOutputStream(body);
        writeEntries(new Strings(d, table), entries);
        d.flush();
        o.writeInt(table.size());
        for (String t : table.keySet()) {
            byte[] b = t.getBytes(StandardCharsets.UTF_8);
            o.writeInt(b.length);
            o.write(b);
        }
        body.writeTo(o);
        o.flush();
        CRC32 crc = new CRC32();
        crc.update(bytes.toByteArray());
        o.writeLong(crc.getValue());
        o.flush();
        return bytes.toByteArray();
    }

    /** Writes a string as its index in the table, adding it there the first time. */
    private record Strings(DataOutputStream out, Map<String, Integer> table) {
        void put(String s) throws IOException {
            Integer i = table.get(s);
            if (i == null) {
                i = table.size();
                table.put(s, i);
            }
            out.writeInt(i);
        }
    }

    private static void writeEntries(Strings t, Map<String, Entry> entries) throws IOException {
        DataOutputStream o = t.out();
        List<Map.Entry<String, Entry>> sorted = new ArrayList<>(entries.entrySet());
        sorted.sort(Map.Entry.comparingByKey());
        o.writeInt(sorted.size());
        for (Map.Entry<String, Entry> kv : sorted) {
            Entry e = kv.getValue();
            t.put(kv.getKey());
            Stamp s = e.stamp();
            for (long v : new long[] {
                s.statusSize(), s.statusTime(), s.configSize(), s.configTime(), s.metricsSize(), s.metricsTime()
            }) {
                o.writeLong(v);
            }
            t.put(e.recipe());
            t.put(e.state());
            o.writeLong(e.step());
            o.writeLong(e.totalSteps());
            o.writeLong(e.started().getEpochSecond());
            o.writeInt(e.started().getNano());
            o.writeBoolean(e.message().isPresent());
            if (e.message().isPresent()) {
                t.put(e.message().get());
            }
            o.writeBoolean(e.config() != null);
            if (e.config() != null) {
                o.writeInt(e.config().size());
                for (Map.Entry<String, Object> c : e.config().entrySet()) {
                    t.put(c.getKey());
                    Object v = c.getValue();
                    if (v == null) {
                        o.writeByte(NULL);
                    } else if (v instanceof Long) {
                        o.writeByte(LONG);
                        o.writeLong((Long) v);
                    } else if (v instanceof Double) {
                        o.writeByte(DOUBLE);
                        o.writeDouble((Double) v);
                    } else if (v instanceof Boolean) {
                        o.writeByte(BOOLEAN);
                        o.writeBoolean((Boolean) v);
                    } else {
                        o.writeByte(STRING);
                        t.put(String.valueOf(v));
                    }
                }
            }
            o.writeBoolean(e.finalNames() != null);
            if (e.finalNames() != null) {
                o.writeInt(e.finalNames().size());
                for (int i = 0; i < e.finalNames().size(); i++) {
                    t.put(e.finalNames().get(i));
                    o.writeLong(e.finalSteps()[i]);
                    o.writeDouble(e.finalValues()[i]);
                }
            }
        }
    }

    static Map<String, Entry> parse(byte[] b) throws IOException {
        if (b.length < MAGIC.length + 12 || !Arrays.equals(Arrays.copyOf(b, MAGIC.length), MAGIC)) {
            throw new IOException("not a query cache");
        }
        CRC32 crc = new CRC32();
        crc.update(b, 0, b.length - 8);
        DataInputStream in = new DataInputStream(new ByteArrayInputStream(b));
        in.skipNBytes(b.length - 8);
        if (in.readLong() != crc.getValue()) {
            throw new IOException("CRC mismatch");
        }
        in = new DataInputStream(new ByteArrayInputStream(b, MAGIC.length, b.length - 8 - MAGIC.length));
        int strings = in.readInt();
        if (strings < 0 || strings > in.available()) {
            throw new IOException(strings + " strings");
        }
        String[] table = new String[strings];
        for (int i = 0; i < strings; i++) {
            int len = in.readInt();
            if (len < 0 || len > in.available()) {
                throw new IOException("string of " + len + " bytes");
            }
            table[i] = new String(in.readNBytes(len), StandardCharsets.UTF_8);
        }
        int n = in.readInt();
        Map<String, Entry> out = new ConcurrentHashMap<>();
        for (int k = 0; k < n; k++) {
            String dir = table[in.readInt()];
            Stamp s = new Stamp(
                    in.readLong(), in.readLong(), in.readLong(), in.readLong(), in.readLong(), in.readLong(), true);
            String recipe = table[in.readInt()];
            String state = table[in.readInt()];
            long step = in.readLong();
            long total = in.readLong();
            Instant started = Instant.ofEpochSecond(in.readLong(), in.readInt());
            Optional<String> message = in.readBoolean() ? Optional.of(table[in.readInt()]) : Optional.empty();
            Map<String, Object> config = null;
            if (in.readBoolean()) {
                int m = in.readInt();
                config = new LinkedHashMap<>();
                for (int i = 0; i < m; i++) {
                    String key = table[in.readInt()];
                    int type = in.readByte();
                    Object v;
                    switch (type) {
                        case NULL:
                            v = null;
                            break;
                        case LONG:
                            v = in.readLong();
                            break;
                        case DOUBLE:
                            v = in.readDouble();
                            break;
                        case BOOLEAN:
                            v = in.readBoolean();
                            break;
                        case STRING:
                            v = table[in.readInt()];
                            break;
                        default:
                            throw new IOException("config value of type " + type);
                    }
                    config.put(key, v);
                }
            }
            List<String> names = null;
            long[] steps = null;
            double[] values = null;
            if (in.readBoolean()) {
                int m = in.readInt();
                names = new ArrayList<>(m);
                steps = new long[m];
                values = new double[m];
                for (int i = 0; i < m; i++) {
                    names.add(table[in.readInt()]);
                    steps[i] = in.readLong();
                    values[i] = in.readDouble();
                }
            }
            out.put(dir, new Entry(s, recipe, state, step, total, started, message, config, names, steps, values));
        }
        if (in.available() != 0) {
            throw new IOException(in.available() + " bytes after the last entry");
        }
        return out;
    }
}
