package dev.vivarium.store.safetensors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Truncated, corrupt and malicious files: each gives a SafetensorsException naming file and problem. */
class SafetensorsHostileTest {

    private static final String NAME = "hostile.safetensors";

    @TempDir
    Path dir;

    @Test
    void fileShorterThanEightBytes() throws IOException {
        assertFails(new byte[0], "file has 0 bytes, too short for the 8-byte header length");
        assertFails(new byte[5], "file has 5 bytes, too short");
        assertFileFails(new byte[7], "file has 7 bytes, too short");
    }

    @Test
    void headerLengthPastEndOfFile() throws IOException {
        byte[] f = concat(HandBuilt.u64(100), "{}".getBytes(StandardCharsets.UTF_8));
        assertFileFails(f, "header length 100 bytes runs past the end of the file (10 bytes");
    }

    @Test
    void absurdHeaderLengthIsRejectedBeforeAllocating() throws IOException {
        // a 200 MB, 2^63 - 1 and 2^64 - 1 byte header claimed by a 16-byte file: allocating would fail the test
        assertFileFails(
                concat(HandBuilt.u64(200L << 20), new byte[8]),
                "header length 209715200 bytes (first 8 bytes, little-endian) exceeds the limit of 104857600 bytes");
        assertFileFails(concat(HandBuilt.u64(Long.MAX_VALUE), new byte[8]), "header length 9223372036854775807 bytes");
        assertFileFails(concat(HandBuilt.u64(-1), new byte[8]), "header length 18446744073709551615 bytes");
        assertFails(concat(HandBuilt.u64(Long.MIN_VALUE), new byte[8]), "exceeds the limit of 104857600 bytes");
    }

    @Test
    void headerNotUtf8() {
        byte[] header = concat(
                "{\"a".getBytes(StandardCharsets.UTF_8),
                new byte[] {(byte) 0xff},
                "\":1}".getBytes(StandardCharsets.UTF_8));
        SafetensorsException e = assertFails(HandBuilt.file(header, new byte[0]), "header is not valid UTF-8");
        assertEquals(OptionalLong.of(8 + 3), e.byteOffset());
        assertTrue(e.getMessage().endsWith("(at byte 11)"), e.getMessage());
    }

    @Test
    void headerNotJson() {
        assertFails(HandBuilt.file("{\"a\":", new byte[0]), "header is not valid JSON");
        assertFails(HandBuilt.file("", new byte[0]), "header is empty or blank; expected a JSON object");
        assertFails(HandBuilt.file("        ", new byte[0]), "header is empty or blank");
        assertFails(HandBuilt.file("{} x", new byte[0]), "header is not valid JSON");
        assertFails(HandBuilt.file("{}{}", new byte[0]), "unexpected '{' after the header's JSON object");
    }

    @Test
    void headerNotAnObject() {
        assertFails(HandBuilt.file("[1, 2]", new byte[0]), "header must be a JSON object, found '['");
        assertFails(HandBuilt.file("\"x\"", new byte[0]), "header must be a JSON object");
    }

    @Test
    void entryMissingAField() {
        assertFails(entry("{\"shape\":[1],\"data_offsets\":[0,4]}", 4), "tensor 'w': entry has no dtype");
        assertFails(entry("{\"dtype\":\"F32\",\"data_offsets\":[0,4]}", 4), "tensor 'w': entry has no shape");
        assertFails(entry("{\"dtype\":\"F32\",\"shape\":[1]}", 4), "tensor 'w': entry has no data_offsets");
    }

    @Test
    void entryWithWrongJsonTypes() {
        assertFails(entry("\"F32\"", 4), "tensor 'w': entry must be an object with dtype, shape and data_offsets");
        assertFails(
                entry("{\"dtype\":32,\"shape\":[1],\"data_offsets\":[0,4]}", 4),
                "dtype must be a string, found number");
        assertFails(
                entry("{\"dtype\":\"F32\",\"shape\":\"1\",\"data_offsets\":[0,4]}", 4),
                "shape must be an array of non-negative integers, found string");
        assertFails(
                entry("{\"dtype\":\"F32\",\"shape\":[1.0],\"data_offsets\":[0,4]}", 4),
                "shape must be an array of non-negative integers, found [1.0]");
        assertFails(
                entry("{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0]}", 4),
                "data_offsets must be [begin, end], found 1 numbers");
        assertFails(
                entry("{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,99999999999999999999]}", 4),
                "data_offsets must be an array of non-negative integers");
    }

    @Test
    void unknownDtype() {
        assertFails(
                entry("{\"dtype\":\"F8_E4M3\",\"shape\":[4],\"data_offsets\":[0,4]}", 4),
                "unknown dtype \"F8_E4M3\", allowed: F64, F32, F16, BF16, I64, I32, I16, I8, U8, BOOL");
    }

    @Test
    void negativeOrOverflowingShape() {
        assertFails(
                entry("{\"dtype\":\"F32\",\"shape\":[-1],\"data_offsets\":[0,4]}", 4),
                "shape must be an array of non-negative integers, found [-1]");
        assertFails(
                entry("{\"dtype\":\"F32\",\"shape\":[4294967296,4294967296],\"data_offsets\":[0,4]}", 4),
                "shape [4294967296, 4294967296] has more elements than a 64-bit count can hold");
        assertFails(
                entry("{\"dtype\":\"F64\",\"shape\":[2305843009213693952],\"data_offsets\":[0,4]}", 4),
                "shape [2305843009213693952] F64 has more bytes than a 64-bit count can hold");
    }

    @Test
    void offsetsOutOfOrder() {
        assertFails(
                entry("{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[4,0]}", 4),
                "data_offsets [4, 0] must have begin <= end");
    }

    @Test
    void offsetsPastEndOfBuffer() {
        assertFails(
                entry("{\"dtype\":\"F32\",\"shape\":[4],\"data_offsets\":[0,16]}", 8),
                "tensor 'w': data_offsets [0, 16] run past the end of the data buffer (8 bytes");
    }

    @Test
    void byteLengthDisagreesWithShape() {
        SafetensorsException e = assertFails(
                entry("{\"dtype\":\"F32\",\"shape\":[2,3],\"data_offsets\":[0,20]}", 20),
                "tensor 'w': shape [2, 3] F32 needs 24 bytes, data_offsets [0, 20] give 20");
        assertEquals(Optional.of("w"), e.tensorName());
    }

    @Test
    void overlappingTensors() {
        String header = "{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]},"
                + "\"b\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[4,12]}}";
        assertFails(
                HandBuilt.file(header, new byte[12]), "tensor 'b': data_offsets [4, 12] overlap tensor 'a' at [0, 8]");
    }

    @Test
    void bytesNotCoveredByAnyTensor() {
        String hole = "{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]},"
                + "\"b\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[8,12]}}";
        assertFails(HandBuilt.file(hole, new byte[12]), "bytes [4, 8) of the data buffer belong to no tensor");
        assertFails(
                entry("{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]}", 8),
                "bytes [4, 8) at the end of the data buffer belong to no tensor");
        assertFails(HandBuilt.file("{}", new byte[3]), "bytes [0, 3) at the end of the data buffer");
    }

    @Test
    void metadataValuesMustBeStrings() {
        assertFails(
                HandBuilt.file("{\"__metadata__\":{\"step\":1000}}", new byte[0]),
                "__metadata__ value for key 'step' must be a string, found number 1000");
        assertFails(
                HandBuilt.file("{\"__metadata__\":[\"a\"]}", new byte[0]),
                "__metadata__ must be an object of string values, found array");
    }

    @Test
    void duplicateKeys() {
        String twice = "{\"w\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]},"
                + "\"w\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[4,8]}}";
        assertFails(HandBuilt.file(twice, new byte[8]), "duplicate key 'w' in header (first at byte 9)");
        assertFails(
                HandBuilt.file("{\"__metadata__\":{\"k\":\"1\",\"k\":\"2\"}}", new byte[0]),
                "duplicate key 'k' in header");
    }

    @Test
    void deeplyNestedJsonIsAnErrorNotAStackOverflow() {
        String deep = "{\"w\":" + "[".repeat(100_000) + "]".repeat(100_000) + "}";
        assertFails(HandBuilt.file(deep, new byte[0]), "header is not valid JSON");
    }

    private static byte[] entry(String json, int dataBytes) {
        return HandBuilt.file("{\"w\":" + json + "}", new byte[dataBytes]);
    }

    /** Reads from memory; the message must name the source and contain {@code fragment}. */
    /** A header of more empty tensors than any model has is refused while parsing, quickly. */
    @Test
    void aHeaderOfTooManyTensorsIsRefused() throws IOException {
        StringBuilder h = new StringBuilder("{");
        for (int i = 0; i <= Safetensors.MAX_TENSORS; i++) {
            h.append(i == 0 ? "" : ",")
                    .append("\"t")
                    .append(i)
                    .append("\":{\"dtype\":\"F32\",\"shape\":[0],")
                    .append("\"data_offsets\":[0,0]}");
        }
        byte[] f = HandBuilt.file(h.append('}').toString(), new byte[0]);
        long t0 = System.nanoTime();
        assertFileFails(f, "more than 65536 tensors in the header; no model of this project has that many");
        assertTrue((System.nanoTime() - t0) / 1e9 < 5, "refused in seconds, not 23");
    }

    private static SafetensorsException assertFails(byte[] file, String fragment) {
        SafetensorsException e = assertThrows(SafetensorsException.class, () -> Safetensors.read(file, NAME));
        assertTrue(e.getMessage().startsWith(NAME + ": "), e.getMessage());
        assertTrue(e.getMessage().contains(fragment), () -> "expected \"" + fragment + "\" in: " + e.getMessage());
        return e;
    }

    /** Reads the same bytes from a file: both paths must agree. */
    private SafetensorsException assertFileFails(byte[] content, String fragment) throws IOException {
        Path file = dir.resolve(NAME);
        Files.write(file, content);
        SafetensorsException e = assertThrows(SafetensorsException.class, () -> Safetensors.read(file));
        assertTrue(e.getMessage().startsWith(file + ": "), e.getMessage());
        assertTrue(e.getMessage().contains(fragment), () -> "expected \"" + fragment + "\" in: " + e.getMessage());
        assertFails(content, fragment);
        return e;
    }

    private static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            out.writeBytes(p);
        }
        return out.toByteArray();
    }
}
