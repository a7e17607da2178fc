package dev.vivarium.lens.sae;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The settings of a sparse autoencoder and its training; each is checked here, the error naming the command-line
 * option.
 *
 * @param hook the hook point whose activations it reads ({@code --sae-hook}); absent: the last layer's MLP
 *     post-activation
 * @param variant ReLU with an L1 penalty, or TopK ({@code --sae-variant})
 * @param expansion latents per input dimension, {@code d_sae = expansion * d_in} ({@code --sae-expansion})
 * @param l1 the L1 coefficient of the ReLU variant ({@code --sae-l1})
 * @param k the latents kept by the TopK variant ({@code --sae-k})
 * @param steps Adam steps ({@code --sae-steps})
 * @param lr Adam's learning rate, decayed linearly to 0 over the last {@link #DECAY_FRACTION} of the steps
 *     ({@code --sae-lr})
 * @param batch rows per step ({@code --sae-batch}); larger than the rows cached: all of them
 * @param seed seeds the initialisation, the batches and the resampling ({@code --sae-seed})
 */
public record SaeOptions(
        Optional<String> hook,
        Variant variant,
        int expansion,
        double l1,
        int k,
        int steps,
        double lr,
        int batch,
        long seed) {

    /** The two training objectives. */
    public enum Variant {
        /** {@code f = ReLU(W_enc (x - b_dec) + b_enc)}, loss {@code ||x - x_hat||^2 + l1 * sum_i f_i ||W_dec,i||}. */
        RELU("relu"),
        /** {@code f} keeps the k largest pre-activations (then ReLU), loss {@code ||x - x_hat||^2 + aux * AuxK}. */
        TOPK("topk");

        private final String cliName;

        Variant(String cliName) {
            this.cliName = cliName;
        }

        public String cliName() {
            return cliName;
        }

        /** By name; an error names the option and the names allowed. */
        public static Variant parse(String name) {
            for (Variant v : values()) {
                if (v.cliName.equals(name.toLowerCase(Locale.ROOT))) {
                    return v;
                }
            }
            throw new IllegalArgumentException("--sae-variant " + name + ": unknown; allowed: relu, topk");
        }
    }

    /** The fraction of the steps at the end over which the learning rate decays linearly to 0. */
    public static final double DECAY_FRACTION = 0.2;

    /** Adam's betas and epsilon (torch's defaults, SAELens's). */
    public static final double BETA1 = 0.9;

    public static final double BETA2 = 0.999;
    public static final double EPS = 1e-8;

    /** The AuxK coefficient alpha of Gao et al. 2024 (section 2.4). */
    public static final double AUX_ALPHA = 1.0 / 32;

    /**
     * A latent is dead (for AuxK and resampling, not for the reported dead fraction) when it fired on none of the
     * rows of the last {@code deadWindow()} steps: a fifth of the steps, at most 1,000 (SAELens's default window).
     */
    public int deadWindow() {
        return Math.max(1, Math.min(1000, steps / 5));
    }

    /** The fractions of the steps at which the ReLU variant resamples its dead latents (Bricken et al. 2023). */
    public static final double[] RESAMPLE_AT = {0.2, 0.4, 0.6};

    /** The defaults, chosen on the grokking-quick model (see lens/README.md). */
    public static final SaeOptions DEFAULTS =
            new SaeOptions(Optional.empty(), Variant.TOPK, 4, 3.0, 8, 3000, 1e-3, 256, 0);

    public SaeOptions {
        if (hook == null) {
            throw new IllegalArgumentException("--sae-hook: absent must be Optional.empty(), not null");
        }
        if (variant == null) {
            throw new IllegalArgumentException("--sae-variant: required (relu or topk)");
        }
        if (expansion < 1) {
            throw new IllegalArgumentException("--sae-expansion " + expansion + ": must be at least 1");
        }
        if (!(l1 >= 0) || !Double.isFinite(l1)) {
            throw new IllegalArgumentException("--sae-l1 " + l1 + ": must be a finite number at least 0");
        }
        if (k < 1) {
            throw new IllegalArgumentException("--sae-k " + k + ": must be at least 1");
        }
        if (steps < 1) {
            throw new IllegalArgumentException("--sae-steps " + steps + ": must be at least 1");
        }
        if (!(lr > 0) || !Double.isFinite(lr)) {
            throw new IllegalArgumentException("--sae-lr " + lr + ": must be a finite number above 0");
        }
        if (batch < 1) {
            throw new IllegalArgumentException("--sae-batch " + batch + ": must be at least 1");
        }
    }

    /** The number of latents for {@code dIn} input dimensions; TopK's k must not exceed it. */
    public int dSae(int dIn) {
        long d = (long) expansion * dIn;
        if (d > 1 << 20) {
            throw new IllegalArgumentException(
                    "--sae-expansion " + expansion + ": " + d + " latents for d_in " + dIn + " is over 2^20");
        }
        if (variant == Variant.TOPK && k > d) {
            throw new IllegalArgumentException("--sae-k " + k + ": more than the " + d + " latents");
        }
        return (int) d;
    }

    /** The learning rate at step {@code t} (0-based): constant, then linear to 0 over the last fifth. */
    public double lrAt(int t) {
        int decay = (int) Math.round(steps * DECAY_FRACTION);
        int start = steps - decay;
        return t < start || decay == 0 ? lr : lr * (steps - t) / (double) (decay + 1);
    }

    /** The same with another variant. */
    public SaeOptions withVariant(Variant v) {
        return new SaeOptions(hook, v, expansion, l1, k, steps, lr, batch, seed);
    }

    /** The same reading another hook point. */
    public SaeOptions withHook(String h) {
        return new SaeOptions(Optional.of(h), variant, expansion, l1, k, steps, lr, batch, seed);
    }

    /** The options as written to JSON (only the sparsity setting of the variant used). */
    public Map<String, Object> json(int rows) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("variant", variant.cliName());
        m.put("expansion", expansion);
        if (variant == Variant.RELU) {
            m.put("l1_coefficient", l1);
            m.put("resample_at_steps", resampleSteps());
        } else {
            m.put("k", k);
            m.put("aux_alpha", AUX_ALPHA);
        }
        m.put("dead_window_steps", deadWindow());
        m.put("steps", steps);
        m.put("lr", lr);
        m.put("lr_schedule", "constant, then linear to 0 over the last " + DECAY_FRACTION + " of the steps");
        m.put("adam", Map.of("beta1", BETA1, "beta2", BETA2, "eps", EPS));
        m.put("batch", Math.min(batch, rows));
        m.put("seed", seed);
        return m;
    }

    /** The steps at which the ReLU variant resamples (before the step runs). */
    public int[] resampleSteps() {
        int[] at = new int[RESAMPLE_AT.length];
        for (int i = 0; i < at.length; i++) {
            at[i] = (int) Math.round(RESAMPLE_AT[i] * steps);
        }
        return at;
    }
}
