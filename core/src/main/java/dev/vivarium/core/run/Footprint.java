package dev.vivarium.core.run;

import dev.vivarium.core.model.MlpConfig;
import dev.vivarium.core.model.ModelConfig;
import dev.vivarium.core.model.SuperpositionConfig;
import dev.vivarium.core.model.TransformerConfig;
import dev.vivarium.core.recipe.Recipe;
import dev.vivarium.core.task.Addition;
import dev.vivarium.core.task.Backdoor;
import dev.vivarium.core.task.Induction;
import dev.vivarium.core.task.ModularArithmetic;
import dev.vivarium.core.task.SparseFeatures;
import dev.vivarium.core.task.SparseParity;
import dev.vivarium.core.task.TaskConfig;
import dev.vivarium.core.task.Teacher;
import java.lang.management.ManagementFactory;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The memory a recipe implies, estimated from its sizes alone before anything is allocated, so that a recipe
 * that cannot run (two billion samples, a vocabulary of 10,000², a hundred thousand layers) is refused with
 * the estimate and the field to change instead of exhausting the machine. Counted in doubles, so no size
 * overflows: parameters with their gradient and two optimizer slots (float32); the examples twice on the Java
 * heap and once as tensors (int64 tokens and targets; float32 features and values for a regression); the
 * activations of one training batch and of one
 * evaluation chunk, forward and backward (backward too for a chunk under a {@code train.adversarial} attack), and a
 * REINFORCE objective's reference model. The estimate errs high by design (a factor of about 2).
 *
 * @param parameters trainable parameters
 * @param examples examples the task generates
 * @param bytes the estimated peak bytes
 * @param biggest the parts of the estimate, largest first, each with the recipe fields that size it
 */
public record Footprint(double parameters, double examples, double bytes, String biggest) {

    /** What the engine itself takes, counted once in every estimate (once for a whole population). */
    public static final double ENGINE_BYTES = 64e6;

    /** The estimate for {@code recipe}. */
    public static Footprint of(Recipe recipe) {
        TaskConfig task = recipe.task();
        double examples = examples(task);
        double seq = task.seqLen();
        ModelConfig model = recipe.model();
        double params = parameters(model);
        double train = trainExamples(task, examples);
        double batch = Math.min(recipe.train().batchSize().map(b -> (double) b).orElse(train), train);
        double chunk = Math.min(recipe.train().evalBatch(), examples);
        double perExample = activationFloats(model, seq);
        double paramBytes = params * 4 * 4 // weights, gradients, two optimizer slots
                + (recipe.train().objective().isPresent() ? params * 4 : 0); // a REINFORCE reference model
        double dataBytes = task.regression()
                ? examples * (seq + task.dVocabOut()) * 4 * 3 // features and values: Java arrays twice, tensors once
                : examples * seq * 8 * 2 * 3; // tokens and targets: Java arrays twice, tensors once
        double chunkPasses = recipe.train().adversarial().isPresent() ? 3 : 2; // the attack differentiates evaluation
        double activationBytes =
                (batch * 3 + chunk * chunkPasses) * perExample * 4; // training: forward, backward, temporaries
        // what sizes each part: the fields to change
        String modelField = modelField(model);
        String taskField = taskField(task);
        String batchField = recipe.train().batchSize().isPresent() ? "train.batchSize" : taskField;
        boolean logitsDominate = seq * outputs(model) > perExample / 2;
        String activationFields = String.join(
                ", ",
                new java.util.LinkedHashSet<>(List.of(
                        chunk * 2 > batch * 3 ? "train.evalBatch" : batchField,
                        logitsDominate ? taskField : modelField)));
        Map<String, Double> parts = new LinkedHashMap<>();
        parts.put("activations (" + activationFields + ")", activationBytes);
        parts.put("parameters and optimizer state (" + modelField + ")", paramBytes);
        parts.put("examples (" + taskField + ")", dataBytes);
        double total = paramBytes + dataBytes + activationBytes + ENGINE_BYTES;
        String biggest = parts.entrySet().stream()
                .sorted(Map.Entry.<String, Double>comparingByValue().reversed())
                .map(e -> e.getKey() + " " + human(e.getValue()))
                .collect(Collectors.joining(", "));
        return new Footprint(params, examples, total, biggest);
    }

    private static double outputs(ModelConfig model) {
        if (model instanceof SuperpositionConfig s) {
            return s.n();
        }
        return model instanceof TransformerConfig t ? t.dVocabOut() : ((MlpConfig) model).dOut();
    }

    /** The physical memory of this machine, in bytes (or the JVM's maximum heap if that is unknown). */
    public static double machineBytes() {
        if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os) {
            return os.getTotalMemorySize();
        }
        return Runtime.getRuntime().maxMemory();
    }

    /**
     * Refuses a recipe whose estimate exceeds {@code fraction} of the machine's memory.
     *
     * @throws IllegalArgumentException naming the estimate, the machine's memory and the field to change
     */
    public void requireFits(double machineBytes, double fraction) {
        if (bytes > fraction * machineBytes) {
            throw new IllegalArgumentException(String.format(
                    Locale.ROOT,
                    "this recipe needs about %s (%.3g parameters, %.3g examples) but the machine has %s;"
                            + " the largest parts, with the fields that size them: %s",
                    human(bytes),
                    parameters,
                    examples,
                    human(machineBytes),
                    biggest));
        }
    }

    static double examples(TaskConfig task) {
        if (task instanceof ModularArithmetic m) {
            return (double) m.p() * m.p();
        }
        if (task instanceof Backdoor b) {
            return 2.0 * b.pairs();
        }
        if (task instanceof SparseParity s) {
            return (double) s.samples() + s.testSamples();
        }
        if (task instanceof Teacher t) {
            return (double) t.samples() + t.testSamples();
        }
        if (task instanceof Induction i) {
            return (double) i.samples() + i.testSamples();
        }
        if (task instanceof SparseFeatures f) {
            return (double) f.samples() + f.testSamples();
        }
        Addition a = (Addition) task;
        return Math.min(a.samples(), Math.pow(100, a.digits()));
    }

    /** The training set's size: a full batch is this many examples. */
    static double trainExamples(TaskConfig task, double examples) {
        if (task instanceof ModularArithmetic m) {
            return Math.floor(m.trainFraction() * examples);
        }
        if (task instanceof Backdoor b) {
            return Math.floor(b.trainFraction() * b.pairs()) * (1 + b.poisonFraction());
        }
        if (task instanceof Addition a) {
            return Math.floor(a.trainFraction() * examples);
        }
        if (task instanceof Teacher t) {
            return t.samples();
        }
        if (task instanceof Induction i) {
            return i.samples();
        }
        if (task instanceof SparseFeatures f) {
            return f.samples();
        }
        return ((SparseParity) task).samples();
    }

    static double parameters(ModelConfig model) {
        if (model instanceof TransformerConfig t) {
            double d = t.dModel();
            double attn = 4.0 * t.nHeads() * d * t.dHead() + 3.0 * t.nHeads() * t.dHead() + d;
            double mlp = t.attnOnly() ? 0 : 2.0 * d * t.dMlp() + t.dMlp() + d;
            double ln = t.layerNorm() ? 4 * d : 0;
            return t.nLayers() * (attn + mlp + ln)
                    + (double) t.dVocab() * d
                    + (double) t.nCtx() * d
                    + d * t.dVocabOut()
                    + t.dVocabOut();
        }
        if (model instanceof SuperpositionConfig s) {
            return (double) s.m() * s.n() + s.n();
        }
        MlpConfig m = (MlpConfig) model;
        double in = m.input() == MlpConfig.Input.EMBED
                ? (double) m.nInputs() * m.dEmbed() + (double) m.dVocab() * m.dEmbed()
                : m.input() == MlpConfig.Input.DENSE ? m.nInputs() : (double) m.nInputs() * m.dVocab();
        return in * m.width()
                + (m.depth() - 1.0) * m.width() * m.width()
                + (double) m.width() * m.dOut()
                + (m.depth() + 1.0) * m.width();
    }

    /** Floats one example keeps alive in a forward pass (every hook point, attention patterns included). */
    static double activationFloats(ModelConfig model, double seq) {
        if (model instanceof TransformerConfig t) {
            return t.nLayers()
                            * seq
                            * (8.0 * t.dModel()
                                    + 4.0 * t.nHeads() * t.dHead()
                                    + 2.0 * t.nHeads() * seq
                                    + (t.attnOnly() ? 0 : 2.0 * t.dMlp()))
                    + 2.0 * seq * t.dModel()
                    + seq * t.dVocabOut();
        }
        if (model instanceof SuperpositionConfig s) {
            return 3.0 * s.n() + s.m(); // input, hidden, pre-activation and output
        }
        MlpConfig m = (MlpConfig) model;
        double input = m.input() == MlpConfig.Input.DENSE
                ? m.nInputs()
                : (double) m.nInputs() * Math.max(m.dVocab(), m.dEmbed());
        return input + 2.0 * m.depth() * m.width() + m.dOut();
    }

    private static String modelField(ModelConfig model) {
        if (model instanceof TransformerConfig t) {
            return t.dMlp() > 4 * t.dModel() ? "model.dMlp" : t.nLayers() > 8 ? "model.nLayers" : "model.dModel";
        }
        if (model instanceof SuperpositionConfig) {
            return "model.m";
        }
        return ((MlpConfig) model).depth() > 8 ? "model.depth" : "model.width";
    }

    private static String taskField(TaskConfig task) {
        return task instanceof ModularArithmetic ? "task.p" : "task.samples";
    }

    static String human(double bytes) {
        String[] units = {"B", "kB", "MB", "GB", "TB", "PB"};
        int u = 0;
        while (bytes >= 1000 && u < units.length - 1) {
            bytes /= 1000;
            u++;
        }
        return String.format(Locale.ROOT, bytes >= 100 || u == 0 ? "%.0f %s" : "%.1f %s", bytes, units[u]);
    }
}
