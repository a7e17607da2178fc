package dev.vivarium.core.recipe;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vivarium.core.task.TaskConfig;
import java.util.Set;

/**
 * The values a recipe may leave out, and the model sizes its task dictates. Applied to the YAML
 * tree so that the resolved config a run records states every value explicitly.
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
        kind((ObjectNode) root.get("task"), "task", source, "modular, parity, addition");
        kind((ObjectNode) root.get("model"), "model", source, "transformer, mlp");
        task((ObjectNode) root.get("task"));
        model((ObjectNode) root.get("model"), source);
        train((ObjectNode) root.get("train"));
    }

    private static void kind(ObjectNode n, String section, String source, String allowed) {
        if (!n.hasNonNull("kind")) {
            throw new RecipeException(source + ": " + section + ".kind: missing; allowed: " + allowed);
        }
    }

    private static void task(ObjectNode t) {
        switch (t.get("kind").asText()) {
            case "parity" -> t.putIfAbsent("testSamples", t.numberNode(10_000));
            case "addition" -> {
                t.putIfAbsent("samples", t.numberNode(10_000));
                t.putIfAbsent("trainFraction", t.numberNode(0.8));
            }
            default -> {}
        }
    }

    private static void model(ObjectNode m, String source) {
        switch (m.get("kind").asText()) {
            case "transformer" -> {
                def(m, "act", "relu");
                m.putIfAbsent("layerNorm", m.booleanNode(false));
                m.putIfAbsent("attnOnly", m.booleanNode(false));
                m.putIfAbsent("bias", m.booleanNode(true));
                if (m.hasNonNull("dModel") && m.hasNonNull("nHeads") && !m.hasNonNull("dHead")) {
                    int d = m.get("dModel").asInt();
                    int h = m.get("nHeads").asInt();
                    if (h <= 0 || d % h != 0) {
                        throw new RecipeException(source + ": model.dHead: not given and dModel " + d
                                + " is not divisible by nHeads " + h + "; set dHead");
                    }
                    m.put("dHead", d / h);
                }
                if (m.hasNonNull("dModel") && !m.hasNonNull("dMlp")) {
                    m.put(
                            "dMlp",
                            m.path("attnOnly").asBoolean()
                                    ? 0
                                    : 4 * m.get("dModel").asInt());
                }
            }
            case "mlp" -> {
                def(m, "input", "onehot");
                def(m, "act", "relu");
                m.putIfAbsent("depth", m.numberNode(1));
                m.putIfAbsent("dEmbed", m.numberNode(0));
                m.putIfAbsent("bias", m.booleanNode(true));
            }
            default -> {}
        }
    }

    private static void train(ObjectNode t) {
        def(t, "optimizer", "adamw");
        t.putIfAbsent("lr", t.numberNode(1e-3));
        t.putIfAbsent("weightDecay", t.numberNode(0.0));
        if (!t.has("betas")) {
            t.putArray("betas").add(0.9).add(0.999);
        }
        t.putIfAbsent("eps", t.numberNode(1e-8));
        t.putIfAbsent("momentum", t.numberNode(0.0));
        t.putIfAbsent("warmupSteps", t.numberNode(0));
        t.putIfAbsent("batchSize", t.nullNode());
        t.putIfAbsent("logEvery", t.numberNode(100));
        t.putIfAbsent("checkpoints", t.numberNode(20));
        t.putIfAbsent("evalBatch", t.numberNode(65_536));
        t.putIfAbsent("stopAtTestAcc", t.nullNode());
    }

    /** Fills the model's vocabulary and context sizes from the task; a conflicting value is an error. */
    static void derive(ObjectNode model, TaskConfig task, String source) {
        switch (model.get("kind").asText()) {
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
