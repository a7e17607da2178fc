package dev.vivarium.lens.sae;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.vivarium.core.engine.Ops;
import dev.vivarium.store.io.AtomicFiles;
import dev.vivarium.store.safetensors.DType;
import dev.vivarium.store.safetensors.Safetensors;
import dev.vivarium.store.safetensors.SafetensorsFile;
import dev.vivarium.store.safetensors.Tensor;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * An SAE on disk as SAELens saves one: a directory holding {@code sae_weights.safetensors} ({@code W_enc [d_in,
 * d_sae]}, {@code W_dec [d_sae, d_in]}, {@code b_enc [d_sae]}, {@code b_dec [d_in]}, float32, the input scaling
 * folded in) and {@code cfg.json} (architecture {@code standard} or {@code topk}, {@code d_in}, {@code d_sae}, the
 * hook, {@code apply_b_dec_to_input: true}, {@code normalize_activations: none}; a {@code vivarium} block says how it
 * was trained). Both files are written atomically.
 */
public final class SaeFile {
    public static final String WEIGHTS = "sae_weights.safetensors";
    public static final String CFG = "cfg.json";

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private SaeFile() {}

    /**
     * Writes {@code sae} into {@code dir} (created if needed).
     *
     * @param hook the hook point it reads
     * @param layer the layer of that hook point ({@code blocks.L.} or {@code layers.L.}; 0 otherwise)
     * @param model what the activations came from (the run id)
     * @param contextSize tokens per example
     * @param extra written under {@code vivarium} in the cfg
     */
    public static void write(
            Path dir, Sae sae, String hook, int layer, String model, int contextSize, Map<String, Object> extra)
            throws IOException {
        Files.createDirectories(dir);
        Safetensors.write(dir.resolve(WEIGHTS), sae.folded(), Map.of("format", "pt"));
        AtomicFiles.writeBytes(
                dir.resolve(CFG), JSON.writeValueAsBytes(cfg(sae, hook, layer, model, contextSize, extra)));
    }

    /** The cfg.json SAELens reads, with SAELens's field names. */
    static Map<String, Object> cfg(
            Sae sae, String hook, int layer, String model, int contextSize, Map<String, Object> extra) {
        boolean topk = sae.variant() == SaeOptions.Variant.TOPK;
        Map<String, Object> c = new LinkedHashMap<>();
        c.put("architecture", topk ? "topk" : "standard");
        c.put("d_in", sae.dIn());
        c.put("d_sae", sae.dSae());
        c.put("dtype", "float32");
        c.put("device", "cpu");
        if (topk) {
            c.put("k", sae.k());
        }
        c.put("activation_fn_str", topk ? "topk" : "relu");
        c.put("activation_fn_kwargs", topk ? Map.of("k", sae.k()) : Map.of());
        c.put("apply_b_dec_to_input", true);
        c.put("finetuning_scaling_factor", false);
        c.put("normalize_activations", "none");
        c.put("reshape_activations", "none");
        c.put("model_name", model);
        c.put("hook_name", hook);
        c.put("hook_layer", layer);
        c.put("hook_head_index", null);
        c.put("context_size", contextSize);
        c.put("prepend_bos", false);
        Map<String, Object> meta = new LinkedHashMap<>();
        meta.put("model_name", model);
        meta.put("hook_name", hook);
        meta.put("hook_head_index", null);
        meta.put("context_size", contextSize);
        meta.put("prepend_bos", false);
        c.put("metadata", meta);
        Map<String, Object> v = new LinkedHashMap<>();
        v.put("input_scaling_folded_into_weights", sae.scale());
        v.put("decoder_rows_unit_norm_before_folding", true);
        v.putAll(extra);
        c.put("vivarium", v);
        return c;
    }

    /**
     * Reads an SAE written by {@link #write} (or by SAELens, for the {@code standard} and {@code topk}
     * architectures with {@code apply_b_dec_to_input}); errors name the file and the field.
     */
    public static Sae read(Path dir, NDManager manager) throws IOException {
        Path cfgFile = dir.resolve(CFG);
        JsonNode cfg = JSON.readTree(cfgFile.toFile());
        String arch = cfg.path("architecture").asText("standard");
        SaeOptions.Variant variant;
        if (arch.equals("standard")) {
            variant = SaeOptions.Variant.RELU;
        } else if (arch.equals("topk")) {
            variant = SaeOptions.Variant.TOPK;
        } else {
            throw new IllegalArgumentException(cfgFile + ": architecture '" + arch + "': expected standard or topk");
        }
        int dIn = need(cfg, "d_in", cfgFile);
        int dSae = need(cfg, "d_sae", cfgFile);
        int k = variant == SaeOptions.Variant.TOPK
                ? cfg.has("k")
                        ? cfg.get("k").asInt()
                        : cfg.path("activation_fn_kwargs").path("k").asInt(0)
                : 0;
        if (variant == SaeOptions.Variant.TOPK && (k < 1 || k > dSae)) {
            throw new IllegalArgumentException(cfgFile + ": k " + k + ": expected 1 to d_sae = " + dSae);
        }
        if (!cfg.path("apply_b_dec_to_input").asBoolean(true)) {
            throw new IllegalArgumentException(cfgFile + ": apply_b_dec_to_input false: only a tied pre-bias is read");
        }
        Path weights = dir.resolve(WEIGHTS);
        SafetensorsFile f = Safetensors.read(weights);
        Map<String, long[]> shapes = new LinkedHashMap<>();
        shapes.put("W_enc", new long[] {dIn, dSae});
        shapes.put("b_enc", new long[] {dSae});
        shapes.put("W_dec", new long[] {dSae, dIn});
        shapes.put("b_dec", new long[] {dIn});
        Map<String, float[]> values = new LinkedHashMap<>();
        for (Map.Entry<String, long[]> e : shapes.entrySet()) {
            Tensor t = f.tensors().get(e.getKey());
            if (t == null) {
                throw new IllegalArgumentException(weights + ": missing tensor " + e.getKey() + "; it has "
                        + f.tensors().keySet());
            }
            if (t.dtype() != DType.F32 || !Arrays.equals(t.shape(), e.getValue())) {
                throw new IllegalArgumentException(weights + ": tensor " + e.getKey() + " is " + t.dtype()
                        + Arrays.toString(t.shape()) + ", expected F32" + Arrays.toString(e.getValue()));
            }
            values.put(e.getKey(), t.toFloats());
        }
        NDManager m = manager.newSubManager();
        return new Sae(
                variant,
                k,
                1.0,
                m,
                Ops.owned(Ops.floats(m, values.get("W_enc"), new Shape(dIn, dSae))),
                Ops.owned(Ops.floats(m, values.get("b_enc"), new Shape(dSae))),
                Ops.owned(Ops.floats(m, values.get("W_dec"), new Shape(dSae, dIn))),
                Ops.owned(Ops.floats(m, values.get("b_dec"), new Shape(dIn))));
    }

    private static int need(JsonNode cfg, String field, Path file) {
        if (!cfg.has(field)
                || !cfg.get(field).canConvertToInt()
                || cfg.get(field).asInt() < 1) {
            throw new IllegalArgumentException(
                    file + ": " + field + ": expected a positive integer, got " + cfg.get(field));
        }
        return cfg.get(field).asInt();
    }
}
