package dev.vivarium.store.safetensors;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.Objects;

/**
 * One named array of a safetensors file: a dtype, a shape and its elements as little-endian bytes in
 * row-major order.
 *
 * <p>The tensor keeps a read-only view of the buffer it is given (no copy, so a tensor read from a
 * memory-mapped file stays mapped); {@link #data()} returns a fresh view each call, positioned at 0 and
 * ordered little-endian. Equality is by value: dtype, shape and bytes.
 *
 * @param dtype element type
 * @param shape dimensions, each {@code >= 0}; {@code []} is a scalar with one element
 * @param data exactly {@code numel * dtype.size()} bytes, little-endian, position 0
 */
public record Tensor(DType dtype, long[] shape, ByteBuffer data) {

    /** Validates the shape and that the buffer holds exactly the bytes the shape needs. */
    public Tensor {
        Objects.requireNonNull(dtype, "dtype");
        Objects.requireNonNull(shape, "shape");
        Objects.requireNonNull(data, "data");
        shape = shape.clone();
        int bytes = bufferBytes(dtype, shape);
        if (data.order() != ByteOrder.LITTLE_ENDIAN) {
            throw new IllegalArgumentException(
                    "data must be ordered little-endian: call data.order(ByteOrder.LITTLE_ENDIAN) before writing");
        }
        if (data.position() != 0) {
            throw new IllegalArgumentException(
                    "data must start at position 0, found position " + data.position() + " (forgot flip()?)");
        }
        if (data.remaining() != bytes) {
            throw new IllegalArgumentException("shape " + Arrays.toString(shape) + " " + dtype + " needs " + bytes
                    + " bytes, data has " + data.remaining());
        }
        data = data.slice().asReadOnlyBuffer().order(ByteOrder.LITTLE_ENDIAN);
    }

    /** A copy of the dimensions. */
    @Override
    public long[] shape() {
        return shape.clone();
    }

    /** A read-only little-endian view of the bytes, position 0. */
    @Override
    public ByteBuffer data() {
        return data.duplicate().order(ByteOrder.LITTLE_ENDIAN);
    }

    /** Number of elements: the product of the dimensions, 1 for a scalar. */
    public long numel() {
        return numel(shape);
    }

    /** Tensor of {@code dtype} over a copy of {@code littleEndianBytes}. */
    public static Tensor of(DType dtype, long[] shape, byte[] littleEndianBytes) {
        return new Tensor(
                dtype, shape, ByteBuffer.wrap(littleEndianBytes.clone()).order(ByteOrder.LITTLE_ENDIAN));
    }

    /** F32 tensor holding a copy of {@code v}. */
    public static Tensor ofFloats(long[] shape, float[] v) {
        ByteBuffer b = allocate(DType.F32, shape, v.length);
        b.asFloatBuffer().put(v);
        return new Tensor(DType.F32, shape, b);
    }

    /** F64 tensor holding a copy of {@code v}. */
    public static Tensor ofDoubles(long[] shape, double[] v) {
        ByteBuffer b = allocate(DType.F64, shape, v.length);
        b.asDoubleBuffer().put(v);
        return new Tensor(DType.F64, shape, b);
    }

    /** I64 tensor holding a copy of {@code v}. */
    public static Tensor ofLongs(long[] shape, long[] v) {
        ByteBuffer b = allocate(DType.I64, shape, v.length);
        b.asLongBuffer().put(v);
        return new Tensor(DType.I64, shape, b);
    }

    /** I32 tensor holding a copy of {@code v}. */
    public static Tensor ofInts(long[] shape, int[] v) {
        ByteBuffer b = allocate(DType.I32, shape, v.length);
        b.asIntBuffer().put(v);
        return new Tensor(DType.I32, shape, b);
    }

    /** A copy of the raw little-endian bytes. */
    public byte[] bytes() {
        byte[] out = new byte[data.capacity()];
        data().get(out);
        return out;
    }

    /** The elements of an F32 tensor. */
    public float[] toFloats() {
        expect(DType.F32, "toFloats");
        float[] out = new float[(int) numel()];
        data().asFloatBuffer().get(out);
        return out;
    }

    /** The elements of an F64 tensor. */
    public double[] toDoubles() {
        expect(DType.F64, "toDoubles");
        double[] out = new double[(int) numel()];
        data().asDoubleBuffer().get(out);
        return out;
    }

    /** The elements of an I64 tensor. */
    public long[] toLongs() {
        expect(DType.I64, "toLongs");
        long[] out = new long[(int) numel()];
        data().asLongBuffer().get(out);
        return out;
    }

    /** The elements of an I32 tensor. */
    public int[] toInts() {
        expect(DType.I32, "toInts");
        int[] out = new int[(int) numel()];
        data().asIntBuffer().get(out);
        return out;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Tensor t && dtype == t.dtype && Arrays.equals(shape, t.shape) && data.equals(t.data);
    }

    @Override
    public int hashCode() {
        return Objects.hash(dtype, Arrays.hashCode(shape), data);
    }

    @Override
    public String toString() {
        return "Tensor[" + dtype + " " + Arrays.toString(shape) + ", " + data.capacity() + " bytes]";
    }

    /** Product of the dimensions; throws IllegalArgumentException for a negative or overflowing shape. */
    static long numel(long[] shape) {
        long n = 1;
        for (long d : shape) {
            if (d < 0) {
                throw new IllegalArgumentException("shape " + Arrays.toString(shape) + " has a negative dimension");
            }
        }
        for (long d : shape) {
            if (d == 0) {
                return 0;
            }
        }
        try {
            for (long d : shape) {
                n = Math.multiplyExact(n, d);
            }
        } catch (ArithmeticException overflow) {
            throw new IllegalArgumentException(
                    "shape " + Arrays.toString(shape) + " has more elements than a 64-bit count can hold");
        }
        return n;
    }

    /** {@code numel(shape) * dtype.size()}; throws IllegalArgumentException if that overflows. */
    static long byteCount(DType dtype, long[] shape) {
        try {
            return Math.multiplyExact(numel(shape), (long) dtype.size());
        } catch (ArithmeticException overflow) {
            throw new IllegalArgumentException(
                    "shape " + Arrays.toString(shape) + " " + dtype + " has more bytes than a 64-bit count can hold");
        }
    }

    private static int bufferBytes(DType dtype, long[] shape) {
        long bytes = byteCount(dtype, shape);
        if (bytes > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("shape " + Arrays.toString(shape) + " " + dtype + " needs " + bytes
                    + " bytes, more than one ByteBuffer can hold (2 GB)");
        }
        return (int) bytes;
    }

    private static ByteBuffer allocate(DType dtype, long[] shape, int length) {
        long n = numel(shape);
        if (n != length) {
            throw new IllegalArgumentException(
                    "shape " + Arrays.toString(shape) + " has " + n + " elements, values have " + length);
        }
        return ByteBuffer.allocate(bufferBytes(dtype, shape)).order(ByteOrder.LITTLE_ENDIAN);
    }

    private void expect(DType wanted, String method) {
        if (dtype != wanted) {
            throw new IllegalStateException(method + "() needs a " + wanted + " tensor, this one is " + dtype);
        }
    }
}
