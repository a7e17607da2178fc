package dev.vivarium.lens.sae;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vivarium.core.engine.Ops;
import dev.vivarium.store.safetensors.Safetensors;
import dev.vivarium.store.safetensors.Tensor;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The saved SAE against an independent reader: tools/oracle/lens_sae.py loads {@code sae_weights.safetensors} and
 * {@code cfg.json} by SAELens's names, runs SAELens's forward pass in numpy, and computes L0, FVU and the dead
 * fraction, which must equal {@link SaeMetrics}'s; the reconstruction must equal {@link Sae#reconstruct}'s. Needs
 * numpy in /usr/bin/python3; skipped without it unless VIVARIUM_REQUIRE_TORCH is set (CI sets it).
 */
class SaeFileTest {
    private static final Path PYTHON = Path.of("/usr/bin/python3");
    static NDManager manager;

    @TempDir
    Path dir;

    @BeforeAll
    static void open() {
        manager = NDManager.newBaseManager("PyTorch");
    }

    @AfterAll
    static void close() {
        manager.close();
    }

    @Test
    void lossRecoveredIsZeroAtZeroAblationAndOneAtClean() {
        assertEquals(1.0, SaeMetrics.lossRecovered(2.0, 2.0, 5.0), 1e-15);
        assertEquals(0.0, SaeMetrics.lossRecovered(2.0, 5.0, 5.0), 1e-15);
        assertEquals(0.25, SaeMetrics.lossRecovered(1.0, 2.5, 3.0), 1e-15);
        assertEquals(-0.5, SaeMetrics.lossRecovered(1.0, 4.0, 3.0), 1e-15); // worse than zero-ablation
        assertTrue(Double.isNaN(SaeMetrics.lossRecovered(1.0, 1.0, 1.0)));
    }

    @Test
    void savedWeightsLoadByTheirSaelensNamesAndGiveTheSameMetrics() throws Exception {
        boolean numpy = hasNumpy();
        if (System.getenv("VIVARIUM_REQUIRE_TORCH") == null) {
            Assumptions.assumeTrue(numpy, "/usr/bin/python3 cannot import numpy; apt-get install python3-numpy");
        }
        assertTrue(numpy, "VIVARIUM_REQUIRE_TORCH is set but /usr/bin/python3 cannot import numpy");
        double[][] u = SaeGroundTruthTest.directions(3);
        float[] raw = SaeGroundTruthTest.rows(u, 3);
        for (int i = 0; i < raw.length; i++) {
            raw[i] = raw[i] * 7 + 0.5f; // not unit scale, not centred: the folded scaling and b_dec both matter
        }
        int n = SaeGroundTruthTest.ROWS;
        int d = SaeGroundTruthTest.D;
        NDArray x = Ops.floats(manager, raw, new Shape(n, d));
        Path acts = dir.resolve("acts.safetensors");
        Safetensors.write(acts, Map.of("x", Tensor.ofFloats(new long[] {n, d}, raw)), Map.of());
        for (SaeOptions.Variant v : SaeOptions.Variant.values()) {
            SaeOptions o = new SaeOptions(Optional.empty(), v, 2, 1.0, 3, 150, 3e-3, 256, 1);
            try (Sae sae = SaeTrainer.train(x, o, manager).sae()) {
                Path out = dir.resolve(v.cliName());
                SaeFile.write(out, sae, "blocks.0.mlp.hook_post", 0, "test", 3, Map.of());
                JsonNode theirs = oracle(out, acts);
                SaeMetrics ours = SaeMetrics.of(sae, x);
                assertEquals(List.of("W_dec", "W_enc", "b_dec", "b_enc"), strings(theirs.get("names")));
                JsonNode shapes = theirs.get("shapes");
                int dSae = 2 * d;
                assertEquals(List.of(d, dSae), ints(shapes.get("W_enc")));
                assertEquals(List.of(dSae, d), ints(shapes.get("W_dec")));
                assertEquals(List.of(dSae), ints(shapes.get("b_enc")));
                assertEquals(List.of(d), ints(shapes.get("b_dec")));
                theirs.get("dtypes").forEach(t -> assertEquals("float32", t.asText()));
                assertEquals(d, theirs.get("d_in").asInt());
                assertEquals(dSae, theirs.get("d_sae").asInt());
                assertEquals(theirs.get("l0").asDouble(), ours.l0(), 1e-3 * ours.l0(), v + " L0");
                assertEquals(theirs.get("fvu").asDouble(), ours.fvu(), 1e-3 * ours.fvu(), v + " FVU");
                assertEquals(theirs.get("dead_fraction").asDouble(), ours.deadFraction(), 1e-12, v + " dead");
                assertTrue(ours.fvu() < 0.5 && ours.fvu() > 0, v + " FVU " + ours.fvu() + " is not a trained SAE's");
                float[] mine = sae.reconstruct(x.get("0:8")).toFloatArray();
                try (Sae back = SaeFile.read(out, manager)) {
                    float[] reread = back.reconstruct(x.get("0:8")).toFloatArray();
                    assertArrayEquals(mine, reread, 1e-4f, v + ": read back");
                }
                JsonNode rows = theirs.get("x_hat_first_rows");
                for (int r = 0; r < 8; r++) {
                    for (int j = 0; j < d; j++) {
                        assertEquals(rows.get(r).get(j).asDouble(), mine[r * d + j], 1e-4, v + " x_hat");
                    }
                }
            }
        }
    }

    private JsonNode oracle(Path sae, Path acts) throws Exception {
        Path out = dir.resolve("oracle.json");
        Files.deleteIfExists(out);
        Path script = Path.of("").toAbsolutePath();
        while (!Files.exists(script.resolve("tools/oracle/lens_sae.py"))) {
            script = script.getParent();
        }
        script = script.resolve("tools/oracle/lens_sae.py");
        Process p = new ProcessBuilder(
                        PYTHON.toString(), script.toString(), sae.toString(), acts.toString(), out.toString())
                .redirectErrorStream(true)
                .start();
        String log = new String(p.getInputStream().readAllBytes());
        assertTrue(p.waitFor(120, TimeUnit.SECONDS));
        assertEquals(0, p.exitValue(), log);
        return new ObjectMapper().readTree(out.toFile());
    }

    private static List<String> strings(JsonNode a) {
        List<String> s = new java.util.ArrayList<>();
        a.forEach(e -> s.add(e.asText()));
        return s;
    }

    private static List<Integer> ints(JsonNode a) {
        List<Integer> s = new java.util.ArrayList<>();
        a.forEach(e -> s.add(e.asInt()));
        return s;
    }

    private static boolean hasNumpy() {
        try {
            Process p = new ProcessBuilder(PYTHON.toString(), "-c", "import numpy").start();
            return p.waitFor(60, TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (Exception e) {
            return false;
        }
    }
}
