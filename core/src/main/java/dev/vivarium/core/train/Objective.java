package dev.vivarium.core.train;

import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;

/**
 * What a run minimises instead of the task's loss, as written in {@code train.objective:}. The one kind is a
 * REINFORCE policy-gradient fine-tune (Williams 1992), the toy analogue of RLHF: at the scored positions the
 * model's answer is sampled from its softmax, rewarded by a programmatic reward, and the loss is
 * {@code -mean(A * log pi(y)) + klCoef * KL(pi || pi_ref)}, with {@code A} the reward less the leave-one-out
 * mean of the other samples' rewards for the same input (Kool et al. 2019) and {@code pi_ref} the frozen
 * model the run started from (its {@code init}, else its own step-0 weights).
 *
 * @param kind {@code reinforce}
 * @param reward {@code correct}: 1 when the sampled answer is the task's target at every scored position,
 *     else 0
 * @param klCoef weight of the exact KL divergence from the reference model, averaged over examples and
 *     scored positions
 * @param samples answers sampled per input (at least 2, for the leave-one-out baseline)
 */
public record Objective(Kind kind, Reward reward, double klCoef, int samples) {
    /** Objectives other than the task's own loss. */
    public enum Kind {
        REINFORCE;

        @JsonValue
        public String yamlName() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** Programmatic rewards. */
    public enum Reward {
        CORRECT;

        @JsonValue
        public String yamlName() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    public Objective {
        if (kind == null) {
            throw new IllegalArgumentException("kind: required; allowed: reinforce");
        }
        if (reward == null) {
            throw new IllegalArgumentException("reward: required; allowed: correct");
        }
        if (!(klCoef >= 0) || Double.isInfinite(klCoef)) {
            throw new IllegalArgumentException("klCoef: must be a number >= 0, got " + klCoef);
        }
        if (samples < 2 || samples > 1024) {
            throw new IllegalArgumentException(
                    "samples: must be in [2, 1024] (the baseline is the other samples' mean reward), got " + samples);
        }
    }
}
