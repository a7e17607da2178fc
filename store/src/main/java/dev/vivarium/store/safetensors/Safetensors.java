package dev.vivarium.store.safetensors;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import dev.vivarium.store.io.AtomicFiles;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * Reads and writes safetensors files: an 8-byte little-endian header length {@code N}, {@code N} bytes
 * of UTF-8 JSON ({@code {"__metadata__": {...}, "name": {"dtype", "shape", "data_offsets"}, ...}}), then
 * the byte buffer the offsets point into.
 *
 * <p>Reading validates everything before trusting it, so a truncated or hostile file gives a {@link
 * SafetensorsException} naming the file, the tensor and the byte offset, never a crash or a huge
 * allocation. A file is memory-mapped, so its tensors cost no heap until read. Writing pads the header
 * with spaces so the data starts 8-byte aligned, and goes through {@link AtomicFiles}.
 */
public final class Safetensors {

    /** Largest header accepted, checked before any allocation. */
    public static final long MAX_HEADER_BYTES = 100L * 1024 * 1024;

    /**
     * The most tensors a file may hold (a 100-layer transformer has about 1,500): a header of a million
     * empty tensors passes the size limit but would cost seconds and gigabytes to index.
     */
    public static final int MAX_TENSORS = 65_536;

    private static final JsonFactory JSON = new JsonFactory();
    private static final int COPY_CHUNK = 1 << 16;

    private Safetensors() {}

    /** Reads and validates {@code file}; tensors view a read-only memory map of it. */
    public static SafetensorsFile read(Path file) throws IOException {
        String source = file.toString();
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            long size = ch.size();
            checkMinimumSize(source, size);
            ByteBuffer prefix = ByteBuffer.allocate(HeaderParser.HEADER_START).order(ByteOrder.LITTLE_ENDIAN);
            readFully(ch, prefix, 0);
            int n = headerLength(source, prefix.getLong(0), size);
            byte[] header = new byte[n];
            readFully(ch, ByteBuffer.wrap(header), HeaderParser.HEADER_START);
            long dataStart = HeaderParser.HEADER_START + (long) n;
            long dataLength = size - dataStart;
            HeaderParser.Header h = HeaderParser.parse(source, header, dataLength);
            if (dataLength > Integer.MAX_VALUE) {
                throw new SafetensorsException(
                        source, "data buffer of " + dataLength + " bytes is over 2 GB, more than this reader supports");
            }
            ByteBuffer data = dataLength == 0
                    ? ByteBuffer.allocate(0)
                    : ch.map(FileChannel.MapMode.READ_ONLY, dataStart, dataLength);
            return assemble(h, data);
        }
    }

    /**
     * Reads and validates a file held in memory, with the same checks as {@link #read(Path)}; {@code
     * sourceName} names it in error messages. Tensors view {@code bytes} without copying.
     */
    public static SafetensorsFile read(byte[] bytes, String sourceName) throws IOException {
        Objects.requireNonNull(sourceName, "sourceName");
        checkMinimumSize(sourceName, bytes.length);
        long raw = ByteBuffer.wrap(bytes, 0, HeaderParser.HEADER_START)
                .order(ByteOrder.LITTLE_ENDIAN)
                .getLong();
        int n = headerLength(sourceName, raw, bytes.length);
        int dataStart = HeaderParser.HEADER_START + n;
        byte[] header = Arrays.copyOfRange(bytes, HeaderParser.HEADER_START, dataStart);
        HeaderParser.Header h = HeaderParser.parse(sourceName, header, bytes.length - dataStart);
        return assemble(
                h, ByteBuffer.wrap(bytes, dataStart, bytes.length - dataStart).slice());
    }

    /**
     * Writes {@code tensors} (in the map's iteration order) and {@code metadata} to {@code file},
     * atomically: a reader sees the old file or the whole new one.
     */
    public static void write(Path file, Map<String, Tensor> tensors, Map<String, String> metadata) throws IOException {
        byte[] header = header(tensors, metadata);
        AtomicFiles.write(file, out -> writeTo(out, header, tensors));
    }

    /** The bytes {@link #write} would put in a file. */
    public static byte[] toBytes(Map<String, Tensor> tensors, Map<String, String> metadata) {
        byte[] header = header(tensors, metadata);
        long total = HeaderParser.HEADER_START + (long) header.length;
        for (Tensor t : tensors.values()) {
            total += t.data().remaining();
        }
        if (total > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException(total + " bytes do not fit in a byte array; write to a file instead");
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream((int) total);
        try {
            writeTo(out, header, tensors);
        } catch (IOException e) {
            throw new UncheckedIOException(e); // a ByteArrayOutputStream does not fail
        }
        return out.toByteArray();
    }

    private static void writeTo(OutputStream out, byte[] header, Map<String, Tensor> tensors) throws IOException {
        byte[] length = ByteBuffer.allocate(HeaderParser.HEADER_START)
                .order(ByteOrder.LITTLE_ENDIAN)
                .putLong(header.length)
                .array();
        out.write(length);
        out.write(header);
        byte[] chunk = new byte[COPY_CHUNK];
        for (Tensor t : tensors.values()) {
            ByteBuffer data = t.data();
            while (data.hasRemaining()) {
                int k = Math.min(chunk.length, data.remaining());
                data.get(chunk, 0, k);
                out.write(chunk, 0, k);
            }
        }
    }

    /** The JSON header, padded with spaces to a multiple of 8 bytes so the data starts aligned. */
    private static byte[] header(Map<String, Tensor> tensors, Map<String, String> metadata) {
        Objects.requireNonNull(tensors, "tensors");
        Objects.requireNonNull(metadata, "metadata");
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        try (JsonGenerator g = JSON.createGenerator(buf)) {
            g.writeStartObject();
            if (!metadata.isEmpty()) {
                g.writeObjectFieldStart(HeaderParser.METADATA_KEY);
                for (Map.Entry<String, String> e : metadata.entrySet()) {
                    g.writeStringField(
                            Objects.requireNonNull(e.getKey(), "metadata key"),
                            Objects.requireNonNull(e.getValue(), () -> "metadata value for " + e.getKey()));
                }
                g.writeEndObject();
            }
            long offset = 0;
            for (Map.Entry<String, Tensor> e : tensors.entrySet()) {
                String name = Objects.requireNonNull(e.getKey(), "tensor name");
                Tensor t = Objects.requireNonNull(e.getValue(), () -> "tensor " + name);
                if (name.equals(HeaderParser.METADATA_KEY)) {
                    throw new IllegalArgumentException(
                            HeaderParser.METADATA_KEY + " is reserved and cannot name a tensor");
                }
                long end = offset + t.data().remaining();
                g.writeObjectFieldStart(name);
                g.writeStringField("dtype", t.dtype().name());
                g.writeFieldName("shape");
                g.writeArray(t.shape(), 0, t.shape().length);
                g.writeFieldName("data_offsets");
                g.writeArray(new long[] {offset, end}, 0, 2);
                g.writeEndObject();
                offset = end;
            }
            g.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e); // a ByteArrayOutputStream does not fail
        }
        int pad = (8 - buf.size() % 8) % 8;
        for (int i = 0; i < pad; i++) {
            buf.write(' ');
        }
        return buf.toByteArray();
    }

    private static SafetensorsFile assemble(HeaderParser.Header h, ByteBuffer data) {
        Map<String, Tensor> tensors = new LinkedHashMap<>();
        for (HeaderParser.Entry e : h.entries()) {
            ByteBuffer slice =
                    data.slice((int) e.begin(), (int) (e.end() - e.begin())).order(ByteOrder.LITTLE_ENDIAN);
            tensors.put(e.name(), new Tensor(e.dtype(), e.shape(), slice));
        }
        return new SafetensorsFile(tensors, h.metadata());
    }

    private static void checkMinimumSize(String source, long size) throws SafetensorsException {
        if (size < HeaderParser.HEADER_START) {
            throw new SafetensorsException(
                    source,
                    "file has " + size
                            + " bytes, too short for the 8-byte header length a safetensors file starts with");
        }
    }

    /** Validates the header length read from the first 8 bytes against the limit and the file size. */
    private static int headerLength(String source, long raw, long fileSize) throws SafetensorsException {
        if (raw < 0 || raw > MAX_HEADER_BYTES) {
            throw new SafetensorsException(
                    source,
                    "header length " + Long.toUnsignedString(raw)
                            + " bytes (first 8 bytes, little-endian) exceeds the limit of " + MAX_HEADER_BYTES
                            + " bytes (100 MB); is this a safetensors file?");
        }
        if (HeaderParser.HEADER_START + raw > fileSize) {
            throw new SafetensorsException(
                    source,
                    "header length " + raw + " bytes runs past the end of the file (" + fileSize
                            + " bytes; the header would end at byte " + (HeaderParser.HEADER_START + raw) + ")");
        }
        return (int) raw;
    }

    private static void readFully(FileChannel ch, ByteBuffer into, long position) throws IOException {
        long p = position;
        while (into.hasRemaining()) {
            int k = ch.read(into, p);
            if (k < 0) {
                throw new IOException("file shrank while being read");
            }
            p += k;
        }
    }
}
