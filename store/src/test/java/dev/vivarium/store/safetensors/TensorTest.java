package dev.vivarium.store.safetensors;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.ReadOnlyBufferException;
import org.junit.jupiter.api.Test;

class TensorTest {

    @Test
    void byteCountMustMatchShape() {
        ByteBuffer twenty = ByteBuffer.allocate(20).order(ByteOrder.LITTLE_ENDIAN);
        IllegalArgumentException e =
                assertThrows(IllegalArgumentException.class, () -> new Tensor(DType.F32, new long[] {2, 3}, twenty));
        assertEquals("shape [2, 3] F32 needs 24 bytes, data has 20", e.getMessage());
    }

    @Test
    void bigEndianBufferIsRejected() {
        ByteBuffer big = ByteBuffer.allocate(4);
        IllegalArgumentException e =
                assertThrows(IllegalArgumentException.class, () -> new Tensor(DType.F32, new long[] {1}, big));
        assertEquals(
                "data must be ordered little-endian: call data.order(ByteOrder.LITTLE_ENDIAN) before writing",
                e.getMessage());
    }

    @Test
    void unflippedBufferIsRejected() {
        ByteBuffer b = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putFloat(1f);
        IllegalArgumentException e =
                assertThrows(IllegalArgumentException.class, () -> new Tensor(DType.F32, new long[] {2}, b));
        assertEquals("data must start at position 0, found position 4 (forgot flip()?)", e.getMessage());
    }

    @Test
    void negativeDimensionIsRejected() {
        assertThrows(IllegalArgumentException.class, () -> Tensor.ofFloats(new long[] {-1}, new float[0]));
    }

    @Test
    void valueCountMustMatchShape() {
        IllegalArgumentException e =
                assertThrows(IllegalArgumentException.class, () -> Tensor.ofInts(new long[] {2, 2}, new int[3]));
        assertEquals("shape [2, 2] has 4 elements, values have 3", e.getMessage());
    }

    @Test
    void typedAccessorChecksDtype() {
        Tensor t = Tensor.ofInts(new long[] {1}, new int[] {1});
        IllegalStateException e = assertThrows(IllegalStateException.class, t::toFloats);
        assertEquals("toFloats() needs a F32 tensor, this one is I32", e.getMessage());
        assertThrows(IllegalStateException.class, t::toLongs);
        assertThrows(IllegalStateException.class, t::toDoubles);
        assertArrayEquals(new int[] {1}, t.toInts());
    }

    @Test
    void littleEndianBytesAreWhatTheFormatSays() {
        assertArrayEquals(
                HandBuilt.hex("0000803f"),
                Tensor.ofFloats(new long[] {1}, new float[] {1f}).bytes());
        assertArrayEquals(
                HandBuilt.hex("0201000000000000"),
                Tensor.ofLongs(new long[] {1}, new long[] {258}).bytes());
    }

    @Test
    void equalityIsByValue() {
        Tensor a = Tensor.ofFloats(new long[] {2}, new float[] {1f, 2f});
        Tensor b = Tensor.ofFloats(new long[] {2}, new float[] {1f, 2f});
        assertEquals(a, b);
        assertEquals(a.hashCode(), b.hashCode());
        assertNotEquals(a, Tensor.ofFloats(new long[] {1, 2}, new float[] {1f, 2f}));
        assertNotEquals(a, Tensor.ofFloats(new long[] {2}, new float[] {1f, 3f}));
        assertNotEquals(a, Tensor.ofInts(new long[] {2}, new int[] {0x3f800000, 0x40000000}));
    }

    @Test
    void tensorIsNotChangedThroughItsAccessors() {
        Tensor t = Tensor.ofFloats(new long[] {2}, new float[] {1f, 2f});
        t.shape()[0] = 99;
        ByteBuffer view = t.data();
        view.position(8);
        assertArrayEquals(new long[] {2}, t.shape());
        assertEquals(0, t.data().position());
        assertEquals(ByteOrder.LITTLE_ENDIAN, t.data().order());
        assertThrows(ReadOnlyBufferException.class, () -> t.data().put(0, (byte) 1));
    }
}
