package dev.vivarium.core.task;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;

/** A task as written in a recipe's {@code task:} block; {@code kind} picks one. */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "kind")
@JsonSubTypes({
    @JsonSubTypes.Type(value = ModularArithmetic.class, name = "modular"),
    @JsonSubTypes.Type(value = SparseParity.class, name = "parity"),
    @JsonSubTypes.Type(value = Addition.class, name = "addition")
})
public sealed interface TaskConfig permits ModularArithmetic, SparseParity, Addition {
    /** Input vocabulary size. */
    int dVocab();

    /** Output vocabulary size. */
    int dVocabOut();

    /** Tokens per example. */
    int seqLen();

    /** The task's data, deterministic in {@code seed}: its examples and its train/test split. */
    Data generate(long seed);

    /** Examples and their split. */
    record Data(Examples examples, Split split) {
        public Examples train() {
            return examples.select(split.train());
        }

        public Examples test() {
            return examples.select(split.test());
        }
    }
}
