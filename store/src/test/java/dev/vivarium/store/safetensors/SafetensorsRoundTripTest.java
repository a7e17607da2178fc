package dev.vivarium.store.safetensors;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class SafetensorsRoundTripTest {

    @TempDir
    Path dir;

    @ParameterizedTest
    @EnumSource(DType.class)
    void everyDtypeRoundTripsThroughAFile(DType dtype) throws IOException {
        Random random = new Random(dtype.ordinal());
        Map<String, Tensor> tensors = new LinkedHashMap<>();
        tensors.put("blocks.0.mlp.W_in", randomTensor(random, dtype, 3, 5));
        tensors.put("scalar", randomTensor(random, dtype));
        tensors.put("empty", randomTensor(random, dtype, 0, 7));
        tensors.put("odd", randomTensor(random, dtype, 3));
        Map<String, String> metadata = Map.of("dtype", dtype.name(), "note", "ünïcödé \"quoted\"");
        Path file = dir.resolve(dtype + ".safetensors");

        Safetensors.write(file, tensors, metadata);
        SafetensorsFile back = Safetensors.read(file);

        assertEquals(tensors, back.tensors());
        assertEquals(List.copyOf(tensors.keySet()), List.copyOf(back.tensors().keySet()));
        assertEquals(metadata, back.metadata());
        assertArrayEquals(Files.readAllBytes(file), Safetensors.toBytes(tensors, metadata));
        assertEquals(
                tensors,
                Safetensors.read(Safetensors.toBytes(tensors, metadata), "mem").tensors());
    }

    @Test
    void typedArraysRoundTrip() throws IOException {
        Map<String, Tensor> tensors = new LinkedHashMap<>();
        tensors.put("f", Tensor.ofFloats(new long[] {2, 2}, new float[] {Float.NaN, -0f, Float.MIN_VALUE, 1e38f}));
        tensors.put("d", Tensor.ofDoubles(new long[] {3}, new double[] {0.1 + 0.2, Double.MIN_VALUE, -1e308}));
        tensors.put("l", Tensor.ofLongs(new long[] {2}, new long[] {Long.MIN_VALUE, 1L << 53}));
        tensors.put("i", Tensor.ofInts(new long[] {1, 1, 1}, new int[] {-7}));
        SafetensorsFile back = Safetensors.read(Safetensors.toBytes(tensors, Map.of()), "mem");

        assertArrayEquals(
                new float[] {Float.NaN, -0f, Float.MIN_VALUE, 1e38f},
                back.get("f").toFloats());
        assertArrayEquals(
                new double[] {0.1 + 0.2, Double.MIN_VALUE, -1e308},
                back.get("d").toDoubles());
        assertArrayEquals(new long[] {Long.MIN_VALUE, 1L << 53}, back.get("l").toLongs());
        assertArrayEquals(new int[] {-7}, back.get("i").toInts());
        assertEquals(Map.of(), back.metadata());
    }

    @Test
    void overwritingAFileThatIsStillMappedKeepsOldTensorsIntact() throws IOException {
        Path file = dir.resolve("ckpt.safetensors");
        Safetensors.write(file, Map.of("w", Tensor.ofFloats(new long[] {1}, new float[] {1f})), Map.of());
        SafetensorsFile old = Safetensors.read(file);
        Safetensors.write(file, Map.of("w", Tensor.ofFloats(new long[] {1}, new float[] {2f})), Map.of());
        assertArrayEquals(new float[] {1f}, old.get("w").toFloats());
        assertArrayEquals(new float[] {2f}, Safetensors.read(file).get("w").toFloats());
    }

    @Test
    void emptyFileOfNoTensorsRoundTrips() throws IOException {
        SafetensorsFile back = Safetensors.read(Safetensors.toBytes(Map.of(), Map.of()), "mem");
        assertEquals(Map.of(), back.tensors());
    }

    @Test
    void metadataKeyCannotNameATensor() {
        IllegalArgumentException e = assertThrows(
                IllegalArgumentException.class,
                () -> Safetensors.toBytes(
                        Map.of("__metadata__", Tensor.ofInts(new long[] {1}, new int[] {1})), Map.of()));
        assertEquals("__metadata__ is reserved and cannot name a tensor", e.getMessage());
    }

    @Test
    void missingTensorNamesWhatExists() throws IOException {
        SafetensorsFile f = Safetensors.read(
                Safetensors.toBytes(Map.of("embed.W_E", Tensor.ofInts(new long[] {1}, new int[] {1})), Map.of()),
                "mem");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> f.get("unembed.W_U"));
        assertEquals("no tensor \"unembed.W_U\"; the file has: embed.W_E", e.getMessage());
    }

    private static Tensor randomTensor(Random random, DType dtype, long... shape) {
        byte[] bytes = new byte[(int) (Tensor.numel(shape) * dtype.size())];
        random.nextBytes(bytes);
        if (dtype == DType.BOOL) {
            for (int i = 0; i < bytes.length; i++) {
                bytes[i] &= 1;
            }
        }
        return Tensor.of(dtype, shape, bytes);
    }
}
