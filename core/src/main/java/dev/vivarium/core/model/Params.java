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
 *
 * <p>A population of {@code M > 1} members (one seed each) holds every parameter with a leading model axis,
 * {@code [M, ...]}: member {@code m}'s slice has exactly the values a single model of seed {@code seeds[m]}
 * starts with. {@link #memberTensors} cuts one member out in TransformerLens shapes (no model axis), for its
 * own checkpoint; {@link #loadMembers} puts members back. With one seed there is no model axis at all.
 */
public final class Params implements AutoCloseable {
    private final NDManager manager;
    private final long[] seeds;
    private final Map<String, NDArray> arrays = new LinkedHashMap<>();
    private final Map<String, Boolean> trainable = new LinkedHashMap<>();

    public Params(NDManager parent, long seed) {
        this(parent, new long[] {seed});
    }

    /** Parameters of a population, one member per seed (no model axis when there is one seed). */
    public Params(NDManager parent, long[] seeds) {
        if (seeds.length < 1) {
            throw new IllegalArgumentException("a population needs at least one member");
        }
        this.manager = parent.newSubManager();
        this.seeds = seeds.clone();
    }

    /** Members of the population: the length of the leading model axis, or 1 when there is none. */
    public int members() {
        return seeds.length;
    }

    /** {@code shape} with the model axis in front when there are several members. */
    private long[] withModelAxis(long[] shape) {
        if (seeds.length == 1) {
            return shape;
        }
        long[] s = new long[shape.length + 1];
        s[0] = seeds.length;
        System.arraycopy(shape, 0, s, 1, shape.length);
        return s;
    }

    /** The manager that owns parameters and model constants. */
    public NDManager manager() {
        return manager;
    }

    /**
     * Adds a trainable parameter drawn from N(0, std^2), each member's from its own seed; {@code shape} is one
     * member's.
     */
    public NDArray normal(String name, double std, long... shape) {
        int size = Math.toIntExact(new Shape(shape).size());
        float[] v = new float[Math.multiplyExact(size, seeds.length)];
        for (int m = 0; m < seeds.length; m++) {
            Random random = new Random(seeds[m] * 0x9E3779B97F4A7C15L ^ name.hashCode());
            for (int i = 0; i < size; i++) {
                v[m * size + i] = (float) (random.nextGaussian() * std);
            }
        }
        return add(name, v, withModelAxis(shape), true);
    }

    /** Adds a parameter filled with {@code value}; trainable or frozen; {@code shape} is one member's. */
    public NDArray constant(String name, float value, boolean train, long... shape) {
        float[] v = new float[Math.multiplyExact(Math.toIntExact(new Shape(shape).size()), seeds.length)];
        Arrays.fill(v, value);
        return add(name, v, withModelAxis(shape), train);
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

    /** Member {@code m}'s parameters as float32 tensors without the model axis (all of them when M = 1). */
    public Map<String, Tensor> memberTensors(int m) {
        Map<String, Tensor> all = toTensors();
        if (seeds.length == 1) {
            return all;
        }
        Map<String, Tensor> out = new LinkedHashMap<>();
        all.forEach((n, t) -> out.put(n, member(t, m, seeds.length)));
        return out;
    }

    /**
     * Replaces every member's parameters by {@code perMember.get(m)} (tensors in one member's shapes, as
     * {@link #memberTensors} gives them); names, dtypes and shapes must match.
     */
    public void loadMembers(List<Map<String, Tensor>> perMember, String source) {
        if (perMember.size() != seeds.length) {
            throw new IllegalArgumentException(
                    source + ": " + perMember.size() + " members given, the population has " + seeds.length);
        }
        if (seeds.length == 1) {
            load(perMember.get(0), source);
            return;
        }
        Map<String, Tensor> stacked = new LinkedHashMap<>();
        for (String n : arrays.keySet()) {
            List<Tensor> parts = new java.util.ArrayList<>();
            for (Map<String, Tensor> t : perMember) {
                parts.add(t.get(n));
            }
            if (parts.contains(null)) {
                throw new IllegalArgumentException(source + ": missing tensor " + n);
            }
            stacked.put(n, stack(parts));
        }
        load(stacked, source);
    }

    /** Slice {@code m} of the leading axis of a tensor of {@code members} slices, without that axis. */
    public static Tensor member(Tensor t, int m, int members) {
        long[] shape = t.shape();
        if (shape.length == 0 || shape[0] != members) {
            throw new IllegalArgumentException(
                    "tensor of shape " + Arrays.toString(shape) + " has no model axis of " + members + " members");
        }
        int bytes = t.data().remaining() / members;
        ByteBuffer src = t.data().duplicate();
        src.position(src.position() + m * bytes).limit(src.position() + bytes);
        ByteBuffer copy = ByteBuffer.allocate(bytes).order(ByteOrder.LITTLE_ENDIAN);
        copy.put(src).flip();
        return new Tensor(t.dtype(), Arrays.copyOfRange(shape, 1, shape.length), copy);
    }

    /** Tensors of one shape and dtype stacked along a new leading axis. */
    public static Tensor stack(List<Tensor> parts) {
        Tensor first = parts.get(0);
        int bytes = first.data().remaining();
        ByteBuffer out =
                ByteBuffer.allocate(Math.multiplyExact(bytes, parts.size())).order(ByteOrder.LITTLE_ENDIAN);
        for (Tensor t : parts) {
            if (t.dtype() != first.dtype() || !Arrays.equals(t.shape(), first.shape())) {
                throw new IllegalArgumentException("cannot stack " + t.dtype() + Arrays.toString(t.shape()) + " onto "
                        + first.dtype() + Arrays.toString(first.shape()));
            }
            out.put(t.data().duplicate());
        }
        out.flip();
        long[] shape = new long[first.shape().length + 1];
        shape[0] = parts.size();
        System.arraycopy(first.shape(), 0, shape, 1, first.shape().length);
        return new Tensor(first.dtype(), shape, out);
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
