package dev.vivarium.lens.attribution;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.vivarium.core.engine.Ops;
import dev.vivarium.core.engine.StepScope;
import dev.vivarium.core.model.Model;
import dev.vivarium.core.model.TransformerConfig;
import dev.vivarium.lens.cache.Activations;
import dev.vivarium.lens.numeric.Tensors;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Direct logit attribution: the final residual stream at one position is a sum of components
 * (token and position embeddings, each head's {@code z_h @ W_O[h]}, each attention bias, each MLP's
 * output); with {@code ln_final} each is centred and divided by the cached final scale, so the
 * logits along a direction are exactly the sum of the components' contributions plus a bias term
 * ({@code ln_final.b} and {@code b_U}).
 *
 * <p>Needs the cache to hold {@code hook_embed}, {@code hook_pos_embed}, every {@code attn.hook_z},
 * every {@code hook_mlp_out} and, with LayerNorm, {@code ln_final.hook_scale}.
 */
public final class DirectLogitAttribution {
    private DirectLogitAttribution() {}

    /**
     * Contributions by component.
     *
     * @param perExample {@code component -> [example]} contribution to the logit direction
     */
    public record Result(Map<String, double[]> perExample) {
        /** Mean over examples of each component's contribution. */
        public Map<String, Double> mean() {
            Map<String, Double> m = new LinkedHashMap<>();
            perExample.forEach(
                    (k, v) -> m.put(k, java.util.Arrays.stream(v).average().orElse(Double.NaN)));
            return m;
        }

        /** Per example, the sum over components (equals the logit direction's value). */
        public double[] total() {
            double[] t = null;
            for (double[] v : perExample.values()) {
                if (t == null) {
                    t = new double[v.length];
                }
                for (int i = 0; i < v.length; i++) {
                    t[i] += v[i];
                }
            }
            return t;
        }
    }

    /** Attribution to each example's logit of {@code targets[b]}. */
    public static Result toLogit(Model model, Activations cache, int position, long[] targets) {
        int vocab = Unembedding.config(model).dVocabOut();
        double[][] dir = new double[targets.length][vocab];
        for (int b = 0; b < targets.length; b++) {
            dir[b][(int) targets[b]] = 1;
        }
        return toDirection(model, cache, position, dir);
    }

    /** Attribution to each example's {@code logit[a[b]] - logit[b[b]]}. */
    public static Result toLogitDifference(Model model, Activations cache, int position, long[] a, long[] b) {
        int vocab = Unembedding.config(model).dVocabOut();
        double[][] dir = new double[a.length][vocab];
        for (int i = 0; i < a.length; i++) {
            dir[i][(int) a[i]] += 1;
            dir[i][(int) b[i]] -= 1;
        }
        return toDirection(model, cache, position, dir);
    }

    /** Attribution to {@code logits[b] . direction[b]} for each example {@code b}. */
    public static Result toDirection(Model model, Activations cache, int position, double[][] direction) {
        Unembedding u = new Unembedding(model);
        TransformerConfig cfg = u.cfg();
        Map<String, double[]> out = new LinkedHashMap<>();
        try (StepScope s = new StepScope()) {
            NDManager m = cache.manager();
            int batch = direction.length;
            NDArray dir =
                    Ops.doubles(m, Tensors.flatten(direction), new Shape(batch, cfg.dVocabOut())); // [batch, vocab]
            NDArray wU = u.param64("unembed.W_U"); // [dModel, vocab]
            NDArray dirResid = Ops.matmul(dir, wU.transpose()); // [batch, dModel]
            NDArray scale =
                    cfg.layerNorm() ? Unembedding.at(cache.get("ln_final.hook_scale"), position) : null; // [batch, 1]
            NDArray lnW = cfg.layerNorm() ? u.param64("ln_final.w") : null;
            for (Map.Entry<String, NDArray> c : components(cache, u, position).entrySet()) {
                NDArray x = c.getValue().broadcast(batch, cfg.dModel());
                if (cfg.layerNorm()) {
                    x = x.sub(x.mean(new int[] {-1}, true)).div(scale).mul(lnW);
                }
                out.put(c.getKey(), Tensors.doubles(x.mul(dirResid).sum(new int[] {-1}))); // [batch]
            }
            NDArray bias = u.param64("unembed.b_U")
                    .broadcast(batch, cfg.dVocabOut())
                    .mul(dir)
                    .sum(new int[] {-1});
            if (cfg.layerNorm()) {
                bias = bias.add(u.param64("ln_final.b")
                        .broadcast(batch, cfg.dModel())
                        .mul(dirResid)
                        .sum(new int[] {-1}));
            }
            out.put("bias", Tensors.doubles(bias));
        }
        return new Result(out);
    }

    /** The residual stream's components at {@code position}, float64 {@code [batch or 1, dModel]}, in order. */
    static Map<String, NDArray> components(Activations cache, Unembedding u, int position) {
        TransformerConfig cfg = u.cfg();
        Map<String, NDArray> c = new LinkedHashMap<>();
        c.put("embed", Unembedding.at(cache.get("hook_embed"), position));
        c.put("pos_embed", Unembedding.at(cache.get("hook_pos_embed"), position));
        for (int l = 0; l < cfg.nLayers(); l++) {
            String b = "blocks." + l + ".";
            NDArray z = Unembedding.at(cache.get(b + "attn.hook_z"), position); // [batch, head, dHead]
            NDArray wO = u.param64(b + "attn.W_O"); // [head, dHead, dModel]
            for (int h = 0; h < cfg.nHeads(); h++) {
                c.put("L" + l + "H" + h, Ops.matmul(z.get(":, " + h + ", :"), wO.get(h))); // [batch, dModel]
            }
            if (cfg.bias()) {
                c.put("L" + l + " attn bias", u.param64(b + "attn.b_O").reshape(1, cfg.dModel()));
            }
            if (!cfg.attnOnly()) {
                c.put("L" + l + " mlp", Unembedding.at(cache.get(b + "hook_mlp_out"), position));
            }
        }
        return c;
    }

    /** The component names for a config, in the order {@link Result#perExample} lists them. */
    public static List<String> componentNames(TransformerConfig cfg) {
        List<String> n = new ArrayList<>(List.of("embed", "pos_embed"));
        for (int l = 0; l < cfg.nLayers(); l++) {
            for (int h = 0; h < cfg.nHeads(); h++) {
                n.add("L" + l + "H" + h);
            }
            if (cfg.bias()) {
                n.add("L" + l + " attn bias");
            }
            if (!cfg.attnOnly()) {
                n.add("L" + l + " mlp");
            }
        }
        n.add("bias");
        return n;
    }
}
