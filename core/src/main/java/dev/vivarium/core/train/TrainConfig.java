package dev.vivarium.core.train;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonValue;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * How a model is trained, as written in a recipe's {@code train:} block.
 *
 * @param optimizer {@code adamw} or {@code sgd}
 * @param lr peak learning rate
 * @param weightDecay decoupled (AdamW) or L2 (SGD) weight decay
 * @param decay which trainable parameters weight decay applies to: globs over their TransformerLens names
 *     ({@code *} within a dotted segment, {@code **} across segments); the default {@code ["**"]} decays
 *     every trainable parameter, as Nanda et al.'s {@code AdamW(model.parameters())} does, and
 *     {@code ["**.W_*"]} leaves biases and LayerNorm out
 * @param betas AdamW's two moment decay rates
 * @param eps AdamW's denominator epsilon
 * @param momentum SGD momentum
 * @param warmupSteps linear warm-up: update {@code s} (from 0) uses {@code lr * min(s / warmupSteps, 1)}
 * @param steps number of updates
 * @param batchSize examples per update; absent means the full training set every step
 * @param logEvery steps between metric rows (the first and last step are always logged)
 * @param checkpoints number of log-spaced checkpoints (step 0 and the last step always included)
 * @param evalBatch examples per forward pass when evaluating
 * @param stopAtTestAcc stop early once test accuracy reaches this value at a logged step
 * @param freeze parameters that are not trained, as globs over their names (as {@code decay}): they get no
 *     update and no weight decay; absent: none
 * @param objective what is minimised instead of the task's loss (a REINFORCE fine-tune); absent: the task's
 *     loss
 * @param adversarial PGD on the token embeddings: robust accuracy logged, and optionally trained on;
 *     absent: none
 */
public record TrainConfig(
        Algorithm optimizer,
        double lr,
        double weightDecay,
        List<String> decay,
        List<Double> betas,
        double eps,
        double momentum,
        int warmupSteps,
        int steps,
        Optional<Integer> batchSize,
        int logEvery,
        int checkpoints,
        int evalBatch,
        Optional<Double> stopAtTestAcc,
        @JsonInclude(JsonInclude.Include.NON_ABSENT) Optional<List<String>> freeze,
        @JsonInclude(JsonInclude.Include.NON_ABSENT) Optional<Objective> objective,
        @JsonInclude(JsonInclude.Include.NON_ABSENT) Optional<Adversarial> adversarial) {

    /** Optimizers Vivarium trains with. */
    public enum Algorithm {
        ADAMW,
        SGD;

        @JsonValue
        public String yamlName() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    public TrainConfig {
        if (optimizer == null) {
            throw new IllegalArgumentException("optimizer: required, one of adamw, sgd");
        }
        if (!(lr > 0) || Double.isInfinite(lr)) {
            throw new IllegalArgumentException("lr: must be a positive number, got " + lr);
        }
        if (!(weightDecay >= 0) || Double.isInfinite(weightDecay)) {
            throw new IllegalArgumentException("weightDecay: must be >= 0, got " + weightDecay);
        }
        if (betas == null || betas.size() != 2 || betas.stream().anyMatch(b -> b == null || !(b >= 0 && b < 1))) {
            throw new IllegalArgumentException("betas: must be two numbers in [0, 1), got " + betas);
        }
        betas = List.copyOf(betas);
        if (decay == null || decay.isEmpty() || decay.stream().anyMatch(g -> g == null || g.isBlank())) {
            throw new IllegalArgumentException("decay: a list of parameter-name globs (\"**\" for all), got " + decay);
        }
        decay = List.copyOf(decay);
        if (!(eps > 0)) {
            throw new IllegalArgumentException("eps: must be positive, got " + eps);
        }
        if (!(momentum >= 0 && momentum < 1)) {
            throw new IllegalArgumentException("momentum: must be in [0, 1), got " + momentum);
        }
        if (warmupSteps < 0) {
            throw new IllegalArgumentException("warmupSteps: must be >= 0, got " + warmupSteps);
        }
        if (steps < 1) {
            throw new IllegalArgumentException("steps: must be a positive integer, got " + steps);
        }
        if (batchSize == null) {
            batchSize = Optional.empty();
        }
        batchSize.ifPresent(b -> {
            if (b < 1) {
                throw new IllegalArgumentException(
                        "batchSize: must be a positive integer (or absent for full batch), got " + b);
            }
        });
        if (logEvery < 1) {
            throw new IllegalArgumentException("logEvery: must be a positive integer, got " + logEvery);
        }
        if (checkpoints < 0) {
            throw new IllegalArgumentException("checkpoints: must be >= 0, got " + checkpoints);
        }
        if (evalBatch < 1) {
            throw new IllegalArgumentException("evalBatch: must be a positive integer, got " + evalBatch);
        }
        if (stopAtTestAcc == null) {
            stopAtTestAcc = Optional.empty();
        }
        stopAtTestAcc.ifPresent(a -> {
            if (!(a > 0 && a <= 1)) {
                throw new IllegalArgumentException("stopAtTestAcc: must be in (0, 1], got " + a);
            }
        });
        freeze = freeze == null ? Optional.empty() : freeze.map(List::copyOf);
        freeze.ifPresent(f -> {
            if (f.stream().anyMatch(g -> g == null || g.isBlank())) {
                throw new IllegalArgumentException("freeze: a list of parameter-name globs, got " + f);
            }
        });
        objective = objective == null ? Optional.empty() : objective;
        adversarial = adversarial == null ? Optional.empty() : adversarial;
        if (objective.isPresent()
                && adversarial.isPresent()
                && adversarial.get().train()) {
            throw new IllegalArgumentException("adversarial: training on attacked inputs (train: true) goes with the"
                    + " task's loss, not with objective "
                    + objective.get().kind().yamlName()
                    + "; set adversarial.train: false or leave one out");
        }
    }

    /** Refuses {@code freeze} globs that match no parameter of {@code names}, or that match all of them. */
    public void requireFreezeMatches(List<String> names) {
        if (freeze.isEmpty()) {
            return;
        }
        for (String g : freeze.get()) {
            if (names.stream().noneMatch(n -> matches(List.of(g), n))) {
                throw new IllegalArgumentException(
                        "train.freeze: '" + g + "' matches no trained parameter; they are " + String.join(", ", names));
            }
        }
        if (names.stream().allMatch(this::frozen)) {
            throw new IllegalArgumentException(
                    "train.freeze: " + freeze.get() + " freezes every trained parameter;" + " nothing would train");
        }
    }

    /** Whether weight decay applies to the parameter called {@code name} (never to a frozen one). */
    public boolean decays(String name) {
        return !frozen(name) && matches(decay, name);
    }

    /** Whether the parameter called {@code name} is frozen: not updated, not decayed. */
    public boolean frozen(String name) {
        return freeze.isPresent() && matches(freeze.get(), name);
    }

    /**
     * Whether {@code name} matches one of {@code globs}: {@code *} within a dotted segment, {@code **} across
     * segments.
     */
    public static boolean matches(List<String> globs, String name) {
        for (String glob : globs) {
            String regex = java.util.Arrays.stream(glob.split("\\*\\*", -1))
                    .map(part -> java.util.Arrays.stream(part.split("\\*", -1))
                            .map(java.util.regex.Pattern::quote)
                            .collect(java.util.stream.Collectors.joining("[^.]*")))
                    .collect(java.util.stream.Collectors.joining(".*"));
            if (name.matches(regex)) {
                return true;
            }
        }
        return false;
    }

    /** Learning rate of update {@code s} (counted from 0). */
    public double lrAt(long s) {
        return warmupSteps == 0 ? lr : lr * Math.min((double) s / warmupSteps, 1.0);
    }

    /** Step 0, the last step, and {@code checkpoints} log-spaced steps in between, ascending. */
    public long[] checkpointSteps() {
        java.util.TreeSet<Long> s = new java.util.TreeSet<>();
        s.add(0L);
        s.add((long) steps);
        for (int i = 0; i < checkpoints; i++) {
            double f = checkpoints == 1 ? 1 : (double) i / (checkpoints - 1);
            s.add(Math.round(Math.pow(steps, f)));
        }
        return s.stream().mapToLong(Long::longValue).toArray();
    }

    /** Fills in the {@code train:} values a recipe may leave out (the resolved config states them all). */
    public static void fillDefaults(ObjectNode t) {
        t.putIfAbsent("optimizer", t.textNode("adamw"));
        t.putIfAbsent("lr", t.numberNode(1e-3));
        t.putIfAbsent("weightDecay", t.numberNode(0.0));
        if (!t.has("decay")) {
            t.putArray("decay").add("**");
        }
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
        if (t.get("objective") instanceof ObjectNode o) {
            o.putIfAbsent("reward", o.textNode("correct"));
            o.putIfAbsent("klCoef", o.numberNode(0.1));
            o.putIfAbsent("samples", o.numberNode(4));
        }
        if (t.get("adversarial") instanceof ObjectNode a) {
            a.putIfAbsent("norm", a.textNode("linf"));
            a.putIfAbsent("train", a.booleanNode(true));
            if (a.get("epsilon") != null
                    && a.get("epsilon").isNumber()
                    && a.get("steps") != null
                    && a.get("steps").isInt()) {
                a.putIfAbsent(
                        "stepSize",
                        a.numberNode(2.5
                                * a.get("epsilon").asDouble()
                                / a.get("steps").asInt()));
            }
        }
        for (String optional : new String[] {"freeze", "objective", "adversarial"}) {
            if (t.has(optional) && t.get(optional).isNull()) {
                t.remove(optional);
            }
        }
    }
}
