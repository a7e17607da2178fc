package dev.vivarium.lens.sharpness;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import com.fasterxml.jackson.databind.JsonNode;
import dev.vivarium.core.engine.Ops;
import dev.vivarium.core.model.Activation;
import dev.vivarium.core.model.Transformer;
import dev.vivarium.core.model.TransformerConfig;
import dev.vivarium.core.run.Checkpoints;
import dev.vivarium.lens.Oracle;
import dev.vivarium.lens.TestModels;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class SharpnessTest {
    @Test
    void equalsTheTopEigenvalueOfTheExplicitHessianFromPyTorch() throws Exception {
        JsonNode want = Oracle.json("sharpness.json");
        TestModels.engine();
        TransformerConfig cfg = new TransformerConfig(1, 8, 2, 4, 16, Activation.GELU, false, false, false, 8, 7, 3);
        try (NDManager m = NDManager.newBaseManager();
                Transformer model = cfg.build(m, 0)) {
            Checkpoints.loadWeights(
                    Path.of(getClass()
                            .getResource("/oracle/sharpness_model.safetensors")
                            .toURI()),
                    model);
            assertEquals(
                    Oracle.json("sharpness.json").get("parameters").size(),
                    model.params().trainableNames().size());
            NDArray tokens = longs(m, want.get("tokens"));
            NDArray targets = longs(m, want.get("targets"));
            Sharpness.Result r = Sharpness.topEigenvalue(model, tokens, targets, new int[] {2}, 300, 1e-9, 1);
            double top = want.get("top_eigenvalue").asDouble();
            assertEquals(
                    want.get("loss").asDouble(),
                    r.loss(),
                    1e-5 * want.get("loss").asDouble());
            assertTrue(r.converged(), r.toString());
            assertEquals(top, r.eigenvalue(), 0.01 * Math.abs(top), "within 1% of torch's explicit Hessian: " + r);
            assertEquals(top, r.eigenvalue(), 1e-4 * Math.abs(top), "and in fact within float32 rounding: " + r);
            System.out.println("sharpness " + r.eigenvalue() + " vs explicit Hessian " + top + " (" + r.iterations()
                    + " products)");
            assertEquals(
                    0,
                    model.params().asMap().values().stream()
                            .filter(p -> {
                                try {
                                    return p.getGradient().sum().getFloat() != 0;
                                } catch (RuntimeException e) {
                                    return false;
                                }
                            })
                            .count(),
                    "no parameter's .grad was written");
        }
    }

    @Test
    void nativeMemoryStaysFlatAcrossHessianVectorProducts() throws Exception {
        TestModels.engine();
        // big enough that one leaked graph per product would show: ~10 MB of activations per pass
        // (1024 examples x 3 positions x ~1000 float32 activations each)
        TransformerConfig cfg =
                new TransformerConfig(1, 64, 4, 16, 256, Activation.RELU, false, false, false, 24, 23, 3);
        try (NDManager m = NDManager.newBaseManager();
                Transformer model = cfg.build(m, 3)) {
            NDArray tokens = TestModels.tokens(m, 1024, 3, 23, 1);
            NDArray targets = TestModels.tokens(m, 1024, 1, 23, 2);
            try (HessianVectorProducts hvp = new HessianVectorProducts(model, tokens, targets, new int[] {2})) {
                List<float[]> v = new ArrayList<>();
                for (long[] s : hvp.shapes()) {
                    float[] part = new float[(int) java.util.Arrays.stream(s).reduce(1, (a, b) -> a * b)];
                    java.util.Arrays.fill(part, 1e-3f);
                    v.add(part);
                }
                for (int i = 0; i < 30; i++) { // let the JIT and the allocators settle
                    v = hvp.apply(v);
                    scale(v);
                }
                System.gc();
                long before = nativeKb();
                long worst = 0;
                for (int w = 0; w < 3; w++) {
                    for (int i = 0; i < 100; i++) {
                        v = hvp.apply(v);
                        scale(v);
                    }
                    System.gc();
                    long now = nativeKb();
                    worst = Math.max(worst, now - before);
                    System.out.println("after " + (w + 1) * 100 + " products: resident memory outside the Java heap "
                            + now + " kB (" + (now - before) + " kB from the start)");
                }
                // Measured: a drift of tens of kB per product with +-15 MB of noise between windows (allocator
                // and JIT); a graph kept per product would add ~10 MB each, 3 GB over these 300 products.
                assertTrue(worst < 60_000, "native memory grew by " + worst + " kB over 300 products");
            }
        }
    }

    private static void scale(List<float[]> v) {
        double sq = 0;
        for (float[] p : v) {
            for (float x : p) {
                sq += x * x;
            }
        }
        float s = (float) (1 / Math.sqrt(sq));
        for (float[] p : v) {
            for (int i = 0; i < p.length; i++) {
                p[i] *= s;
            }
        }
    }

    /** Resident memory outside the Java heap: what libtorch holds, plus the JVM's own fixed areas. */
    static long nativeKb() throws Exception {
        return rssKb() - Runtime.getRuntime().totalMemory() / 1024;
    }

    static long rssKb() throws Exception {
        for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("[^0-9]", ""));
            }
        }
        throw new IllegalStateException("no VmRSS in /proc/self/status");
    }

    static NDArray longs(NDManager m, JsonNode rows) {
        int n = rows.size();
        int k = rows.get(0).size();
        long[] v = new long[n * k];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < k; j++) {
                v[i * k + j] = rows.get(i).get(j).asLong();
            }
        }
        return Ops.owned(Ops.longs(m, v, new Shape(n, k)));
    }
}
