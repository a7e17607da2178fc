package dev.vivarium.core.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.vivarium.core.engine.Ops;
import dev.vivarium.store.safetensors.DType;
import dev.vivarium.store.safetensors.Tensor;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * A model's named parameters, in TransformerLens names and shapes, owned by one manager.
 *
 * <p>Trainable parameters require gradients; frozen ones (biases of a model configured without
 * biases) are kept at zero so that a checkpoint still has every tensor TransformerLens expects.
 * Initial values come from Java's generator seeded per parameter name, so they depend on the seed
 * only, not on the engine or the order parameters are made in.
 */
public final class Params implements AutoCloseable {
    private final NDManager manager;
    private final long seed;
    private final Map<String, NDArray> arrays = new LinkedHashMap<>();
    private final Map<String, Boolean> trainable = new LinkedHashMap<>();

    public Params(NDManager parent, long seed) {
        this.manager = parent.newSubManager();
        this.seed = seed;
    }

    /** The manager that owns parameters and model constants. */
    public NDManager manager() {
        return manager;
    }

    /** Adds a trainable parameter drawn from N(0, std^2). */
    public NDArray normal(String name, double std, long... shape) {
        Random random = new Random(seed * 0x9E3779B97F4A7C15L ^ name.hashCode());
        float[] v = new float[Math.toIntExact(new Shape(shape).size())];
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) (random.nextGaussian() * std);
        }
        return add(name, v, shape, true);
    }

    /** Adds a parameter filled with {@code value}; trainable or frozen. */
    public NDArray constant(String name, float value, boolean train, long... shape) {
        float[] v = new float[Math.toIntExact(new Shape(shape).size())];
        Arrays.fill(v, value);
        return add(name, v, shape, train);
    }

    private NDArray add(String name, float[] values, long[] shape, boolean train) {
        if (arrays.containsKey(name)) {
            throw new IllegalArgumentException("parameter " + name + " defined twice");
        }
        NDArray a = Ops.owned(Ops.floats(manager, values, new Shape(shape)));
        a.setName(name);
        if (train) {
            a.setRequiresGradient(true);
        }
        arrays.put(name, a);
        trainable.put(name, train);
        return a;
    }

    public NDArray get(String name) {
        NDArray a = arrays.get(name);
        if (a == null) {
            throw new IllegalArgumentException("no parameter " + name + "; parameters: " + arrays.keySet());
        }
        return a;
    }

    /** All parameter names in definition order. */
    public List<String> names() {
        return List.copyOf(arrays.keySet());
    }

    /** Names of parameters that are trained. */
    public List<String> trainableNames() {
        return trainable.entrySet().stream()
                .filter(Map.Entry::getValue)
                .map(Map.Entry::getKey)
                .toList();
    }

    public boolean isTrainable(String name) {
        return trainable.getOrDefault(name, false);
    }

    /** Total number of trained scalars. */
    public long trainableCount() {
        return trainableNames().stream().mapToLong(n -> arrays.get(n).size()).sum();
    }

    public Map<String, NDArray> asMap() {
        return Collections.unmodifiableMap(arrays);
    }

    /** Copies every parameter out as a float32 safetensors tensor, in definition order. */
    public Map<String, Tensor> toTensors() {
        Map<String, Tensor> out = new LinkedHashMap<>();
        arrays.forEach((n, a) -> out.put(n, toTensor(a)));
        return out;
    }

    /**
     * Replaces every parameter by the values in {@code tensors}; names, dtypes and shapes must match.
     * The arrays are new objects: look parameters up by name, never keep a reference across a load.
     */
    public void load(Map<String, Tensor> tensors, String source) {
        for (Map.Entry<String, NDArray> e : arrays.entrySet()) {
            String n = e.getKey();
            Tensor t = tensors.get(n);
            if (t == null) {
                throw new IllegalArgumentException(source + ": missing tensor " + n);
            }
            long[] shape = e.getValue().getShape().getShape();
            if (t.dtype() != DType.F32 || !Arrays.equals(t.shape(), shape)) {
                throw new IllegalArgumentException(source + ": tensor " + n + " is " + t.dtype()
                        + Arrays.toString(t.shape()) + ", expected F32" + Arrays.toString(shape));
            }
        }
        for (String n : List.copyOf(arrays.keySet())) {
            NDArray old = arrays.get(n);
            NDArray fresh = Ops.owned(Ops.floats(manager, tensors.get(n).toFloats(), old.getShape()));
            fresh.setName(n);
            if (trainable.get(n)) {
                fresh.setRequiresGradient(true);
            }
            arrays.put(n, fresh);
            old.close();
        }
    }

    /** An array's values as a float32 tensor. */
    public static Tensor toTensor(NDArray a) {
        if (a.getDataType() != DataType.FLOAT32) {
            throw new IllegalArgumentException(a.getName() + " is " + a.getDataType() + ", expected float32");
        }
        ByteBuffer bytes = a.toByteBuffer().order(ByteOrder.LITTLE_ENDIAN);
        ByteBuffer copy = ByteBuffer.allocate(bytes.remaining()).order(ByteOrder.LITTLE_ENDIAN);
        copy.put(bytes).flip();
        return new Tensor(DType.F32, a.getShape().getShape(), copy);
    }

    @Override
    public void close() {
        manager.close();
    }
}
