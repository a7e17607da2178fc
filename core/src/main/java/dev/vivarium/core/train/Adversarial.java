package dev.vivarium.core.train;

import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;

/**
 * Adversarial training and evaluation in embedding space, as written in {@code train.adversarial:}: projected
 * gradient ascent (PGD; Madry et al. 2018) on a perturbation {@code delta} added to the token embeddings (at
 * {@code hook_embed}, before the positional embedding is added), from {@code delta = 0}, for {@code steps}
 * steps of size {@code stepSize}, each projected back onto the ball of radius {@code epsilon} (per example,
 * over all positions and embedding dimensions). {@code linf}: {@code delta += stepSize * sign(grad)}, then
 * clipped to {@code [-epsilon, epsilon]}; {@code l2}: {@code delta += stepSize * grad / ||grad||}, then scaled
 * back to norm {@code epsilon} if longer. Every logged step reports {@code robust_test_loss} and
 * {@code robust_test_acc} under this attack; with {@code train: true} every update trains on the attacked
 * inputs instead of the clean ones.
 *
 * @param epsilon radius of the perturbation ball, > 0
 * @param steps PGD steps, >= 1
 * @param stepSize size of each step, > 0
 * @param norm {@code linf} or {@code l2}
 * @param train whether updates train on attacked inputs (false: the attack only measures robustness)
 */
public record Adversarial(double epsilon, int steps, double stepSize, Norm norm, boolean train) {
    /** The norm whose ball bounds the perturbation. */
    public enum Norm {
        LINF,
        L2;

        @JsonValue
        public String yamlName() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    public Adversarial {
        if (!(epsilon > 0) || Double.isInfinite(epsilon)) {
            throw new IllegalArgumentException("epsilon: must be a positive number, got " + epsilon);
        }
        if (steps < 1 || steps > 1000) {
            throw new IllegalArgumentException("steps: must be in [1, 1000], got " + steps);
        }
        if (!(stepSize > 0) || Double.isInfinite(stepSize)) {
            throw new IllegalArgumentException("stepSize: must be a positive number, got " + stepSize);
        }
        if (norm == null) {
            throw new IllegalArgumentException("norm: required; allowed: linf, l2");
        }
    }
}
