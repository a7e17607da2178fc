package dev.vivarium.app.export;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.zip.CRC32C;

/**
 * TensorBoard's event file format, written by hand: a sequence of TFRecords, each an {@code Event} protocol
 * buffer.
 *
 * <p>Why no protobuf library: the four messages involved ({@code Event}, {@code Summary}, {@code
 * Summary.Value} and nothing else of them) use six fields of three wire types, a few dozen lines here,
 * against a 2 MB dependency and either {@code protoc} at build time or hand-built descriptors.
 *
 * <p>A TFRecord is: the data's length as a little-endian uint64, the masked CRC-32C of those 8 bytes
 * (little-endian uint32), the data, the masked CRC-32C of the data. The mask is {@code ((crc >>> 15) | (crc
 * << 17)) + 0xa282ead8}. The fields written (numbers from tensorflow/core/util/event.proto and
 * summary.proto): {@code Event.wall_time} (1, double), {@code Event.step} (2, int64), {@code
 * Event.file_version} (3, string), {@code Event.summary} (5, message); {@code Summary.value} (1, repeated
 * message); {@code Value.tag} (1, string), {@code Value.simple_value} (2, float).
 */
public final class TfEvents {
    /** What the first event of every file says. */
    public static final String FILE_VERSION = "brain.Event:2";

    private static final int VARINT = 0;
    private static final int FIXED64 = 1;
    private static final int BYTES = 2;
    private static final int FIXED32 = 5;

    private TfEvents() {}

    /** The first event of a file: its wall time and the file version. */
    public static byte[] fileVersionEvent(double wallTime) {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        fixed64(b, 1, Double.doubleToRawLongBits(wallTime));
        bytes(b, 3, FILE_VERSION.getBytes(StandardCharsets.UTF_8));
        return b.toByteArray();
    }

    /** An event holding one scalar, {@code tag} = {@code value} at {@code step}. */
    public static byte[] scalarEvent(double wallTime, long step, String tag, float value) {
        ByteArrayOutputStream v = new ByteArrayOutputStream();
        bytes(v, 1, tag.getBytes(StandardCharsets.UTF_8));
        fixed32(v, 2, Float.floatToRawIntBits(value));
        ByteArrayOutputStream summary = new ByteArrayOutputStream();
        bytes(summary, 1, v.toByteArray());
        ByteArrayOutputStream e = new ByteArrayOutputStream();
        fixed64(e, 1, Double.doubleToRawLongBits(wallTime));
        varint(e, 2, step);
        bytes(e, 5, summary.toByteArray());
        return e.toByteArray();
    }

    /** Writes {@code data} as one TFRecord. */
    public static void writeRecord(OutputStream out, byte[] data) throws IOException {
        byte[] length = ByteBuffer.allocate(8)
                .order(ByteOrder.LITTLE_ENDIAN)
                .putLong(data.length)
                .array();
        out.write(length);
        out.write(le32(maskedCrc(length)));
        out.write(data);
        out.write(le32(maskedCrc(data)));
    }

    /** The CRC-32C of {@code data}, masked as TFRecord stores it. */
    public static int maskedCrc(byte[] data) {
        CRC32C crc = new CRC32C();
        crc.update(data);
        int c = (int) crc.getValue();
        return ((c >>> 15) | (c << 17)) + 0xa282ead8;
    }

    private static byte[] le32(int v) {
        return ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(v).array();
    }

    private static void tag(ByteArrayOutputStream b, int field, int wireType) {
        rawVarint(b, ((long) field << 3) | wireType);
    }

    private static void varint(ByteArrayOutputStream b, int field, long v) {
        tag(b, field, VARINT);
        rawVarint(b, v);
    }

    private static void fixed64(ByteArrayOutputStream b, int field, long v) {
        tag(b, field, FIXED64);
        for (int i = 0; i < 8; i++) {
            b.write((int) (v >>> (8 * i)) & 0xff);
        }
    }

    private static void fixed32(ByteArrayOutputStream b, int field, int v) {
        tag(b, field, FIXED32);
        for (int i = 0; i < 4; i++) {
            b.write((v >>> (8 * i)) & 0xff);
        }
    }

    private static void bytes(ByteArrayOutputStream b, int field, byte[] data) {
        tag(b, field, BYTES);
        rawVarint(b, data.length);
        b.write(data, 0, data.length);
    }

    /** Base-128, low groups first; a negative int64 takes ten bytes, as protobuf writes it. */
    private static void rawVarint(ByteArrayOutputStream b, long v) {
        while ((v & ~0x7FL) != 0) {
            b.write((int) ((v & 0x7F) | 0x80));
            v >>>= 7;
        }
        b.write((int) v);
    }
}
