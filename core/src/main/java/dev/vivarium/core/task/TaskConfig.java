package dev.vivarium.core.task;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;

/** A task as written in a recipe's {@code task:} block; {@code kind} picks one. */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "kind")
@JsonSubTypes({
    @JsonSubTypes.Type(value = ModularArithmetic.class, name = "modular"),
    @JsonSubTypes.Type(value = SparseParity.class, name = "parity"),
    @JsonSubTypes.Type(value = Addition.class, name = "addition"),
    @JsonSubTypes.Type(value = Teacher.class, name = "teacher"),
    @JsonSubTypes.Type(value = Backdoor.class, name = "backdoor"),
    @JsonSubTypes.Type(value = Induction.class, name = "induction"),
    @JsonSubTypes.Type(value = SparseFeatures.class, name = "sparse-features")
})
public sealed interface TaskConfig
        permits ModularArithmetic, SparseParity, Addition, Teacher, Backdoor, Induction, SparseFeatures {
    /** Input vocabulary size (0 for a regression task, whose inputs are real numbers). */
    int dVocab();

    /** Output vocabulary size; for a regression task, the number of real outputs. */
    int dVocabOut();

    /** Tokens per example; for a regression task, real features per example. */
    int seqLen();

    /** Whether the task is a regression on real features ({@link Dense} examples, MSE) rather than classification. */
    default boolean regression() {
        return false;
    }

    /** The task's data, deterministic in {@code seed}: its examples and its train/test split. */
    Data generate(long seed);

    /**
     * Subsets of {@code examples} (the held-out set) on which training logs a loss and accuracy of their own,
     * {@code test_loss_<name>} and {@code test_acc_<name>} (groups of one name pooled, each scored token counting
     * once); none by default.
     */
    default java.util.List<ScoreGroup> scoreGroups(Examples examples) {
        return java.util.List.of();
    }

    /**
     * Examples and their split: token examples for a classification task, dense ones for a regression task
     * (exactly one of the two is present).
     *
     * @param examples token examples, or null for a regression task
     * @param dense real-valued examples, or null for a token task
     * @param split which examples train and which test
     */
    record Data(Examples examples, Dense dense, Split split) {
        public Data {
            if ((examples == null) == (dense == null)) {
                throw new IllegalArgumentException("task data: exactly one of token and dense examples, got "
                        + (examples == null ? "neither" : "both"));
            }
        }

        /** Token examples and their split. */
        public Data(Examples examples, Split split) {
            this(examples, null, split);
        }

        /** Dense examples and their split. */
        public Data(Dense dense, Split split) {
            this(null, dense, split);
        }

        /** Whether the examples are dense (a regression task). */
        public boolean regression() {
            return dense != null;
        }

        /** Number of examples. */
        public int n() {
            return dense != null ? dense.n() : examples.n();
        }

        /** The same examples with another split. */
        public Data withSplit(Split other) {
            return new Data(examples, dense, other);
        }

        /** The training examples of a token task. */
        public Examples train() {
            return tokens().select(split.train());
        }

        /** The held-out examples of a token task. */
        public Examples test() {
            return tokens().select(split.test());
        }

        /** The training examples of a regression task. */
        public Dense trainDense() {
            return denseOnly().select(split.train());
        }

        /** The held-out examples of a regression task. */
        public Dense testDense() {
            return denseOnly().select(split.test());
        }

        private Examples tokens() {
            if (examples == null) {
                throw new IllegalStateException("this task's examples are real-valued features, not tokens");
            }
            return examples;
        }

        private Dense denseOnly() {
            if (dense == null) {
                throw new IllegalStateException("this task's examples are tokens, not real-valued features");
            }
            return dense;
        }
    }
}
