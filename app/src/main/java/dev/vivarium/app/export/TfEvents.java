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
 * Summary.Value}, with the HParams plugin's data ({@link HParams}) as a summary's content) use a few dozen
 * fields of three wire types ({@link Proto}), a few dozen lines here,
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

    private TfEvents() {}

    /** The first event of a file: its wall time and the file version. */
    public static byte[] fileVersionEvent(double wallTime) {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        Proto.fixed64(b, 1, Double.doubleToRawLongBits(wallTime));
        Proto.bytes(b, 3, FILE_VERSION.getBytes(StandardCharsets.UTF_8));
        return b.toByteArray();
    }

    /** An event holding one scalar, {@code tag} = {@code value} at {@code step}. */
    public static byte[] scalarEvent(double wallTime, long step, String tag, float value) {
        ByteArrayOutputStream v = new ByteArrayOutputStream();
        Proto.bytes(v, 1, tag.getBytes(StandardCharsets.UTF_8));
        Proto.fixed32(v, 2, Float.floatToRawIntBits(value));
        ByteArrayOutputStream summary = new ByteArrayOutputStream();
        Proto.bytes(summary, 1, v.toByteArray());
        ByteArrayOutputStream e = new ByteArrayOutputStream();
        Proto.fixed64(e, 1, Double.doubleToRawLongBits(wallTime));
        Proto.varint(e, 2, step);
        Proto.bytes(e, 5, summary.toByteArray());
        return e.toByteArray();
    }

    /**
     * An event at {@code step} holding one summary value for a plugin: {@code Value.tag} (1), {@code
     * Value.metadata} (9: {@code SummaryMetadata.plugin_data} 1 = {@code PluginData{plugin_name 1, content 2}},
     * {@code data_class} 4 = tensor, 3) and {@code Value.tensor} (8), a length-0 float vector ({@code
     * TensorProto.dtype} 1 = DT_FLOAT, {@code tensor_shape} 2 = one dimension of size 0), as the plugins' own
     * summaries carry.
     */
    public static byte[] pluginEvent(double wallTime, long step, String tag, String plugin, byte[] content) {
        ByteArrayOutputStream pluginData = new ByteArrayOutputStream();
        Proto.bytes(pluginData, 1, plugin.getBytes(StandardCharsets.UTF_8));
        Proto.bytes(pluginData, 2, content);
        ByteArrayOutputStream metadata = new ByteArrayOutputStream();
        Proto.bytes(metadata, 1, pluginData.toByteArray());
        Proto.varint(metadata, 4, 3);
        ByteArrayOutputStream dim = new ByteArrayOutputStream(); // size 0: nothing written
        ByteArrayOutputStream shape = new ByteArrayOutputStream();
        Proto.bytes(shape, 2, dim.toByteArray());
        ByteArrayOutputStream tensor = new ByteArrayOutputStream();
        Proto.varint(tensor, 1, 1);
        Proto.bytes(tensor, 2, shape.toByteArray());
        ByteArrayOutputStream v = new ByteArrayOutputStream();
        Proto.bytes(v, 1, tag.getBytes(StandardCharsets.UTF_8));
        Proto.bytes(v, 9, metadata.toByteArray());
        Proto.bytes(v, 8, tensor.toByteArray());
        ByteArrayOutputStream summary = new ByteArrayOutputStream();
        Proto.bytes(summary, 1, v.toByteArray());
        ByteArrayOutputStream e = new ByteArrayOutputStream();
        Proto.fixed64(e, 1, Double.doubleToRawLongBits(wallTime));
        Proto.varint(e, 2, step);
        Proto.bytes(e, 5, summary.toByteArray());
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
}
