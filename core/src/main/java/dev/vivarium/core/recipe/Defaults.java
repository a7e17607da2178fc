package dev.vivarium.core.recipe;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vivarium.core.model.MlpConfig;
import dev.vivarium.core.model.TransformerConfig;
import dev.vivarium.core.task.Addition;
import dev.vivarium.core.task.Induction;
import dev.vivarium.core.task.SparseFeatures;
import dev.vivarium.core.task.SparseParity;
import dev.vivarium.core.task.TaskConfig;
import dev.vivarium.core.task.Teacher;
import dev.vivarium.core.train.TrainConfig;
import java.util.Set;

/**
 * Fills in what a recipe may leave out, section by section, with the defaults that live beside each
 * section's record ({@code TrainConfig.fillDefaults}, {@code TransformerConfig.fillDefaults}, ...), and the
 * model sizes its task dictates. Applied to the YAML tree so that the resolved config a run records states
 * every value explicitly.
 */
final class Defaults {
    private static final Set<String> SECTIONS = Set.of("task", "model", "train");

    private Defaults() {}

    static void apply(ObjectNode root, String source) {
        for (String s : SECTIONS) {
            JsonNode n = root.get(s);
            if (n == null || n.isNull()) {
                throw new RecipeException(
                        source + ": missing section '" + s + "' (a recipe has name, task, model and train)");
            }
            if (!n.isObject()) {
                throw new RecipeException(source + ": '" + s + "' must be a mapping, got "
                        + n.getNodeType().toString().toLowerCase());
            }
        }
        def(root, "description", "");
        root.putIfAbsent("seed", root.numberNode(0));
        root.putIfAbsent(
                "threads", root.numberNode(Math.min(Runtime.getRuntime().availableProcessors(), 2)));
        kind((ObjectNode) root.get("task"), "task", source, "modular, parity, addition, teacher, induction");
        kind((ObjectNode) root.get("model"), "model", source, "transformer, mlp");
        task((ObjectNode) root.get("task"));
        model((ObjectNode) root.get("model"), source);
        train((ObjectNode) root.get("train"));
        init(root, source);
    }

    /** An {@code init:} block is a mapping; weights only unless it says {@code optimizer: true}. */
    private static void init(ObjectNode root, String source) {
        JsonNode n = root.get("init");
        if (n == null || n.isNull()) {
            root.remove("init");
            return;
        }
        if (!n.isObject()) {
            throw new RecipeException(source + ": 'init' must be a mapping like {run: RUN, step: STEP}, got "
                    + n.getNodeType().toString().toLowerCase());
        }
        ObjectNode i = (ObjectNode) n;
        i.putIfAbsent("step", i.nullNode());
        i.putIfAbsent("optimizer", i.booleanNode(false));
    }

    private static void kind(ObjectNode n, String section, String source, String allowed) {
        if (!n.hasNonNull("kind")) {
            throw new RecipeException(source + ": " + section + ".kind: missing; allowed: " + allowed);
        }
    }

    private static void task(ObjectNode t) {
        switch (t.get("kind").asText()) {
            case "parity" -> SparseParity.fillDefaults(t);
            case "addition" -> Addition.fillDefaults(t);
            case "teacher" -> Teacher.fillDefaults(t);
            case "induction" -> Induction.fillDefaults(t);
            case "sparse-features" -> SparseFeatures.fillDefaults(t);
            default -> {}
        }
    }

    private static void model(ObjectNode m, String source) {
        try {
            switch (m.get("kind").asText()) {
                case "transformer" -> TransformerConfig.fillDefaults(m);
                case "mlp" -> MlpConfig.fillDefaults(m);
                default -> {}
            }
        } catch (IllegalArgumentException e) {
            throw new RecipeException(source + ": model." + e.getMessage(), e);
        }
    }

    private static void train(ObjectNode t) {
        TrainConfig.fillDefaults(t);
    }

    /**
     * Fills the model's vocabulary and context sizes from the task; a conflicting value is an error, and so is
     * a model whose input does not match the task's (real features need an MLP with {@code input: dense}).
     */
    static void derive(ObjectNode model, TaskConfig task, String source) {
        String kind = model.get("kind").asText();
        if ("superposition".equals(kind)) {
            if (!task.regression() || task.seqLen() != task.dVocabOut()) {
                throw new RecipeException(source + ": model.kind: 'superposition' reconstructs its real-valued"
                        + " input features, which the sparse-features task has; this task "
                        + (task.regression()
                                ? "predicts " + task.dVocabOut() + " outputs from " + task.seqLen() + " features"
                                : "has tokens"));
            }
            size(model, "n", task.seqLen(), source);
            return;
        }
        boolean dense = "mlp".equals(kind)
                && "dense".equalsIgnoreCase(model.path("input").asText());
        if (task.regression() && !"mlp".equals(kind)) {
            throw new RecipeException(source + ": model.kind: '" + kind
                    + "' reads tokens, but this task's inputs are real-valued features; use kind: mlp with"
                    + " input: dense (or, for sparse-features, kind: superposition)");
        }
        if (task.regression() && "mlp".equals(kind) && !dense) {
            throw new RecipeException(
                    source + ": model.input: '" + model.path("input").asText()
                            + "' reads tokens, but this task's inputs are real-valued features; use input: dense");
        }
        if (!task.regression() && dense) {
            throw new RecipeException(source + ": model.input: 'dense' reads real-valued features, which only the"
                    + " teacher and sparse-features tasks have; this task has tokens: use onehot or embed");
        }
        switch (kind) {
            case "transformer" -> {
                size(model, "dVocab", task.dVocab(), source);
                size(model, "dVocabOut", task.dVocabOut(), source);
                size(model, "nCtx", task.seqLen(), source);
            }
            case "mlp" -> {
                size(model, "nInputs", task.seqLen(), source);
                size(model, "dVocab", task.dVocab(), source);
                size(model, "dOut", task.dVocabOut(), source);
            }
            default -> {}
        }
    }

    private static void size(ObjectNode m, String field, int value, String source) {
        JsonNode given = m.get(field);
        if (given != null && !given.isNull() && given.asInt() != value) {
            throw new RecipeException(
                    source + ": model." + field + ": " + given.asText() + " conflicts with the task, which needs "
                            + value + " (leave it out to have it set from the task)");
        }
        m.put(field, value);
    }

    private static void def(ObjectNode n, String field, String value) {
        n.putIfAbsent(field, n.textNode(value));
    }
}
