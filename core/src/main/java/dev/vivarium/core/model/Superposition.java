package dev.vivarium.core.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import dev.vivarium.core.engine.Ops;
import dev.vivarium.core.hook.HookPoints;
import java.util.List;

/**
 * The toy model of superposition (Elhage et al. 2022, section "Demonstrating Superposition"): {@code h = W x},
 * {@code x' = ReLU(W^T h + b)}, with {@code W} an {@code [m, n]} matrix whose column {@code W_i} is feature
 * {@code i}'s direction in the hidden space, and {@code b} an {@code [n]} bias. Parameters {@code W} and
 * {@code b_final} (the reference code's names; its {@code W} is stored transposed, {@code [n, m]}). Hook points:
 * {@code hook_hidden} ({@code h}, {@code [batch, m]}) and {@code hook_out} ({@code x'}, {@code [batch, n]}).
 *
 * <p>Initial {@code W} is Xavier-normal, N(0, 2 / (n + m)) — the reference code's {@code xavier_normal_} for one
 * model (on its stacked {@code [instances, n, m]} tensor PyTorch would count the instances in the fan-out; here
 * a member is initialised as it would be alone); {@code b} starts at zero.
 *
 * <p>A population ({@code M > 1} seeds) holds {@code W} as {@code [M, m, n]} and {@code b_final} as {@code [M,
 * n]}, takes features {@code [M, batch, n]} and gives {@code [M, batch, 1, n]}; both products are batched over
 * the members.
 */
public final class Superposition implements Model {
    private final SuperpositionConfig cfg;
    private final Params params;
    private final HookPoints hooks;
    private final int members;

    Superposition(SuperpositionConfig cfg, NDManager manager, long[] seeds) {
        this.cfg = cfg;
        this.params = new Params(manager, seeds);
        this.members = seeds.length;
        params.normal("W", Math.sqrt(2.0 / (cfg.n() + cfg.m())), cfg.m(), cfg.n());
        params.constant("b_final", 0f, true, cfg.n());
        this.hooks = new HookPoints(hookNames());
    }

    /** The hook points, in forward order. */
    public static List<String> hookNames() {
        return List.of("hook_hidden", "hook_out");
    }

    @Override
    public SuperpositionConfig config() {
        return cfg;
    }

    @Override
    public Params params() {
        return params;
    }

    @Override
    public HookPoints hooks() {
        return hooks;
    }

    /** One prediction (the reconstruction) per example; {@code scored} must be a single position. */
    @Override
    public NDArray logits(NDArray features, int[] scored) {
        if (scored.length != 1) {
            throw new IllegalArgumentException(
                    "a superposition model makes one prediction per example, got " + scored.length + " positions");
        }
        return forwardAll(features);
    }

    /** The reconstruction {@code [batch, 1, n]} of float32 features {@code [batch, n]} (with the model axis first). */
    @Override
    public NDArray forwardAll(NDArray features) {
        boolean pop = members > 1;
        long[] dims = features.getShape().getShape();
        if (dims.length != (pop ? 3 : 2) || dims[dims.length - 1] != cfg.n() || (pop && dims[0] != members)) {
            throw new IllegalArgumentException("features of shape " + features.getShape() + "; this model takes "
                    + (pop ? "[" + members + ", batch, " + cfg.n() + "]" : "[batch, " + cfg.n() + "]"));
        }
        if (features.getDataType() != DataType.FLOAT32) {
            throw new IllegalArgumentException(
                    "a superposition model takes float32 features, got " + features.getDataType());
        }
        NDArray w = params.get("W"); // [M, m, n]
        NDArray wt = pop ? Ops.permute(w, 0, 2, 1) : Ops.permute(w, 1, 0); // [M, n, m]
        NDArray h = hooks.at("hook_hidden", Ops.matmul(features, wt)); // [M, batch, m]
        NDArray b = params.get("b_final");
        NDArray out = Ops.relu(Ops.matmul(h, w).add(pop ? b.expandDims(1) : b)); // [M, batch, n]
        return hooks.at("hook_out", out).expandDims(-2);
    }

    /** {@code 2 n m} for each of the two products. */
    @Override
    public double forwardFlops(int seqLen, int[] scored) {
        return 4.0 * cfg.n() * cfg.m();
    }

    @Override
    public double plainForwardFlops(int seqLen) {
        return forwardFlops(seqLen, new int[] {0});
    }
}
