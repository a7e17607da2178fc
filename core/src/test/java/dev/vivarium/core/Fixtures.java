package dev.vivarium.core;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vivarium.core.engine.Ops;
import dev.vivarium.core.model.MlpConfig;
import dev.vivarium.core.model.Model;
import dev.vivarium.core.model.ModelConfig;
import dev.vivarium.store.safetensors.DType;
import dev.vivarium.store.safetensors.Safetensors;
import dev.vivarium.store.safetensors.SafetensorsFile;
import dev.vivarium.store.safetensors.Tensor;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * The PyTorch oracle fixtures of {@code tools/oracle/make_fixtures.py}: each holds a model config,
 * its weights under TransformerLens names, an input batch, and what PyTorch computed from them
 * (logits, float64 loss, gradients, hook activations).
 */
public final class Fixtures {
    public static final List<String> TRANSFORMERS =
            List.of("transformer_small", "transformer_nanda", "transformer_attnonly");
    public static final List<String> MLPS = List.of("mlp_onehot", "mlp_embed");

    private static final ObjectMapper JSON = new ObjectMapper();

    private Fixtures() {}

    /** One fixture file, read from the test class path ({@code fixtures/NAME.safetensors}). */
    public record Fixture(String name, String kind, ModelConfig config, Map<String, Tensor> tensors) {
        public Tensor get(String tensor) {
            Tensor t = tensors.get(tensor);
            if (t == null) {
                throw new IllegalArgumentException(name + ": no tensor " + tensor);
            }
            return t;
        }

        public boolean isTransformer() {
            return kind.equals("transformer");
        }

        /** A model with this fixture's config and weights. */
        public Model build(NDManager manager) {
            Model model = config.build(manager, 0);
            model.params().load(tensors, name);
            return model;
        }

        /** {@code input.tokens} as an int64 array. */
        public NDArray tokens(NDManager manager) {
            Tensor t = get("input.tokens");
            return Ops.longs(manager, t.toLongs(), new Shape(t.shape()));
        }

        /** {@code input.targets} as {@code [batch, scored]} (an MLP's {@code [batch]} gains an axis). */
        public NDArray targets(NDManager manager) {
            Tensor t = get("input.targets");
            long[] shape = isTransformer() ? t.shape() : new long[] {t.shape()[0], 1};
            return Ops.longs(manager, t.toLongs(), new Shape(shape));
        }

        /** The scored positions; an MLP makes its one prediction after its last input. */
        public int[] scored() {
            if (!isTransformer()) {
                return new int[] {((MlpConfig) config).nInputs() - 1};
            }
            return Arrays.stream(get("input.scored_positions").toLongs())
                    .mapToInt(Math::toIntExact)
                    .toArray();
        }

        public double expectedLoss() {
            return get("expected.loss").toDoubles()[0];
        }
    }

    public static Fixture load(String name) {
        URL url = Fixtures.class.getResource("/fixtures/" + name + ".safetensors");
        if (url == null) {
            throw new IllegalArgumentException("no fixture " + name + " on the test class path");
        }
        try {
            SafetensorsFile file = Safetensors.read(Path.of(url.toURI()));
            String kind = file.metadata().get("kind");
            ObjectNode cfg = (ObjectNode) JSON.readTree(file.metadata().get("config"));
            cfg.put("kind", kind);
            ModelConfig config = JSON.treeToValue(cfg, ModelConfig.class);
            return new Fixture(name, kind, config, file.tensors());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    /** An array's values as floats, in row-major order of its shape. */
    /** The model's full-forward logits on the fixture's tokens, computed inside a step scope. */
    public static float[] forwardAll(dev.vivarium.core.model.Model model, Fixture f, ai.djl.ndarray.NDManager manager) {
        try (dev.vivarium.core.engine.StepScope s = new dev.vivarium.core.engine.StepScope()) {
            return floats(model.forwardAll(f.tokens(manager)));
        }
    }

    public static float[] floats(NDArray a) {
        return a.toType(DataType.FLOAT32, false).toFloatArray();
    }

    /** A float32 fixture tensor's values, checking its dtype. */
    public static float[] floats(Tensor t) {
        if (t.dtype() != DType.F32) {
            throw new IllegalArgumentException("expected F32, got " + t.dtype());
        }
        return t.toFloats();
    }

    /**
     * Relative error of a whole tensor: {@code max|a - b| / max(max|b|, floor)}. The floor keeps a
     * tensor that is zero in exact arithmetic (float32 noise in the oracle) from dividing by noise.
     */
    public static double relErr(float[] actual, float[] expected, double floor) {
        if (actual.length != expected.length) {
            throw new IllegalArgumentException("lengths differ: " + actual.length + " vs " + expected.length);
        }
        double maxDiff = 0;
        double maxRef = 0;
        for (int i = 0; i < actual.length; i++) {
            double d = Math.abs((double) actual[i] - expected[i]);
            if (Double.isNaN(d)) {
                return Double.POSITIVE_INFINITY;
            }
            maxDiff = Math.max(maxDiff, d);
            maxRef = Math.max(maxRef, Math.abs(expected[i]));
        }
        return maxDiff / Math.max(maxRef, floor);
    }

    /** The largest absolute value of a tensor. */
    public static double maxAbs(float[] v) {
        double m = 0;
        for (float x : v) {
            m = Math.max(m, Math.abs(x));
        }
        return m;
    }
}
