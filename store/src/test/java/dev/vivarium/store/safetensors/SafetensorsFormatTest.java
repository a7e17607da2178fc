package dev.vivarium.store.safetensors;

import static dev.vivarium.store.safetensors.HandBuilt.hex;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The byte layout against the format description and against files written by the reference library. */
class SafetensorsFormatTest {

    @Test
    void readsHandBuiltFile() throws IOException {
        String header = "{\"__metadata__\":{\"format\":\"pt\"},"
                + "\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]},"
                + "\"b\":{\"dtype\":\"I64\",\"shape\":[],\"data_offsets\":[8,16]}}";
        // 1.5f = 0x3fc00000, -2.0f = 0xc0000000, 7L; all little-endian
        byte[] data = hex("0000c03f 000000c0 0700000000000000");
        SafetensorsFile f = Safetensors.read(HandBuilt.file(header, data), "hand.safetensors");

        assertEquals(Map.of("format", "pt"), f.metadata());
        assertEquals(List.of("a", "b"), List.copyOf(f.tensors().keySet()));
        assertArrayEquals(new float[] {1.5f, -2.0f}, f.get("a").toFloats());
        assertArrayEquals(new long[] {2}, f.get("a").shape());
        assertArrayEquals(new long[] {7}, f.get("b").toLongs());
        assertArrayEquals(new long[] {}, f.get("b").shape());
        assertEquals(1, f.get("b").numel());
    }

    @Test
    void writesTheLayoutTheFormatDescribes() {
        Map<String, Tensor> tensors = new LinkedHashMap<>();
        tensors.put("w", Tensor.ofFloats(new long[] {2}, new float[] {1.5f, -2.0f}));
        tensors.put("n", Tensor.ofInts(new long[] {1}, new int[] {258}));
        byte[] bytes = Safetensors.toBytes(tensors, Map.of("step", "10"));

        String json = "{\"__metadata__\":{\"step\":\"10\"},"
                + "\"w\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]},"
                + "\"n\":{\"dtype\":\"I32\",\"shape\":[1],\"data_offsets\":[8,12]}}";
        int padded = (json.length() + 7) / 8 * 8;
        ByteArrayOutputStream expected = new ByteArrayOutputStream();
        expected.writeBytes(HandBuilt.u64(padded));
        expected.writeBytes((json + " ".repeat(padded - json.length())).getBytes(StandardCharsets.UTF_8));
        expected.writeBytes(hex("0000c03f 000000c0 02010000"));

        assertArrayEquals(expected.toByteArray(), bytes);
        long n = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).getLong();
        assertEquals(0, (8 + n) % 8, "data must start 8-byte aligned");
    }

    @Test
    void headerWithoutMetadataOmitsIt() {
        byte[] bytes = Safetensors.toBytes(Map.of("x", Tensor.ofInts(new long[] {1}, new int[] {1})), Map.of());
        long n = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).getLong();
        String json = "{\"x\":{\"dtype\":\"I32\",\"shape\":[1],\"data_offsets\":[0,4]}}"; // 54 bytes
        assertEquals(json + "  ", new String(bytes, 8, (int) n, StandardCharsets.UTF_8));
    }

    /**
     * A file written by the reference implementation (Python {@code safetensors} 0.8.0, {@code
     * safetensors.numpy.save_file}) with these arrays:
     *
     * <pre>
     * "embed.W_E": float32 [[0.1, -2.5, 3.0], [1e-30, inf, -0.0]],  "f64": float64 [0.1 + 0.2, -1e300],
     * "f16": float16 [1.0, -0.5, 65504.0],  "i64": int64 [-2**63, 2**63 - 1],  "i32": int32 [[1, -2], [3, 2**31 - 1]],
     * "i16": int16 [-32768, 7],  "i8": int8 [-128, 127, 0],  "u8": uint8 [255, 0],  "mask": bool [True, False, True],
     * "scalar": float32 42.0 (shape []),  "empty": float32 zeros((0, 4));  metadata {"format": "np", "step": "1000"}
     * </pre>
     */
    @Test
    void readsFileFromReferenceImplementation() throws IOException, URISyntaxException {
        Path golden = Path.of(
                getClass().getResource("/safetensors/reference.safetensors").toURI());
        SafetensorsFile f = Safetensors.read(golden);

        assertEquals(Map.of("format", "np", "step", "1000"), f.metadata());
        assertEquals(
                List.of("i64", "f64", "embed.W_E", "empty", "scalar", "i32", "f16", "i16", "i8", "u8", "mask"),
                List.copyOf(f.tensors().keySet()),
                "header order of the reference writer");
        assertArrayEquals(new long[] {2, 3}, f.get("embed.W_E").shape());
        assertArrayEquals(
                new float[] {0.1f, -2.5f, 3.0f, 1e-30f, Float.POSITIVE_INFINITY, -0.0f},
                f.get("embed.W_E").toFloats());
        assertArrayEquals(new double[] {0.1 + 0.2, -1e300}, f.get("f64").toDoubles());
        assertArrayEquals(
                new long[] {Long.MIN_VALUE, Long.MAX_VALUE}, f.get("i64").toLongs());
        assertArrayEquals(new int[] {1, -2, 3, Integer.MAX_VALUE}, f.get("i32").toInts());
        assertArrayEquals(hex("003c 00b8 ff7b"), f.get("f16").bytes(), "IEEE half 1.0, -0.5, 65504");
        assertArrayEquals(hex("0080 0700"), f.get("i16").bytes());
        assertArrayEquals(hex("80 7f 00"), f.get("i8").bytes());
        assertArrayEquals(hex("ff 00"), f.get("u8").bytes());
        assertArrayEquals(hex("01 00 01"), f.get("mask").bytes());
        assertEquals(DType.BOOL, f.get("mask").dtype());
        assertArrayEquals(new float[] {42f}, f.get("scalar").toFloats());
        assertArrayEquals(new long[] {0, 4}, f.get("empty").shape());
        assertEquals(0, f.get("empty").numel());
    }

    @Test
    void rewritingTheReferenceFileReadsBackEqual(@TempDir Path dir) throws IOException, URISyntaxException {
        Path golden = Path.of(
                getClass().getResource("/safetensors/reference.safetensors").toURI());
        SafetensorsFile f = Safetensors.read(golden);
        Path copy = dir.resolve("copy.safetensors");
        Safetensors.write(copy, f.tensors(), f.metadata());
        SafetensorsFile again = Safetensors.read(copy);
        assertEquals(f.tensors(), again.tensors());
        assertEquals(
                List.copyOf(f.tensors().keySet()), List.copyOf(again.tensors().keySet()));
        assertEquals(f.metadata(), again.metadata());
    }
}
