package dev.vivarium.app.export;

import java.io.ByteArrayOutputStream;

/** The protobuf wire format's few pieces the exports write: a field's key, varints, fixed 64/32 bits, bytes. */
final class Proto {
    static final int VARINT = 0;
    static final int FIXED64 = 1;
    static final int BYTES = 2;
    static final int FIXED32 = 5;

    private Proto() {}

    static void tag(ByteArrayOutputStream b, int field, int wireType) {
        rawVarint(b, ((long) field << 3) | wireType);
    }

    static void varint(ByteArrayOutputStream b, int field, long v) {
        tag(b, field, VARINT);
        rawVarint(b, v);
    }

    static void fixed64(ByteArrayOutputStream b, int field, long v) {
        tag(b, field, FIXED64);
        for (int i = 0; i < 8; i++) {
            b.write((int) (v >>> (8 * i)) & 0xff);
        }
    }

    static void double64(ByteArrayOutputStream b, int field, double v) {
        fixed64(b, field, Double.doubleToRawLongBits(v));
    }

    static void fixed32(ByteArrayOutputStream b, int field, int v) {
        tag(b, field, FIXED32);
        for (int i = 0; i < 4; i++) {
            b.write((v >>> (8 * i)) & 0xff);
        }
    }

    static void bytes(ByteArrayOutputStream b, int field, byte[] data) {
        tag(b, field, BYTES);
        rawVarint(b, data.length);
        b.write(data, 0, data.length);
    }

    /** Base-128, low groups first; a negative int64 takes ten bytes, as protobuf writes it. */
    static void rawVarint(ByteArrayOutputStream b, long v) {
        while ((v & ~0x7FL) != 0) {
            b.write((int) ((v & 0x7F) | 0x80));
            v >>>= 7;
        }
        b.write((int) v);
    }
}
