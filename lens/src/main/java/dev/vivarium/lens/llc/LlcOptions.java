package dev.vivarium.lens.llc;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.OptionalDouble;

/**
 * The settings of an LLC estimate; each is checked here, the error naming the command-line option.
 *
 * @param lr the SGLD step size epsilon ({@code --llc-lr})
 * @param gamma the localisation strength gamma ({@code --llc-gamma})
 * @param nbeta n times the inverse temperature beta ({@code --llc-nbeta}); absent: {@code n / log n}, beta = 1/log n
 * @param chains independent chains, each started at w* ({@code --llc-chains})
 * @param draws steps per chain whose losses enter the estimate, after the burn-in ({@code --llc-draws})
 * @param burnin steps per chain before the draws, not counted ({@code --llc-burnin})
 * @param batch the minibatch size m ({@code --llc-batch}); larger than n: the whole training set
 * @param seed seeds the minibatches and the noise ({@code --llc-seed}); chain c uses a stream split from it
 */
public record LlcOptions(
        double lr, double gamma, OptionalDouble nbeta, int chains, int draws, int burnin, int batch, long seed) {
    /**
     * A chain has diverged when a minibatch loss is not finite or exceeds {@code L_n(w*) + DIVERGENCE *
     * max(L_n(w*), d / (2 n beta))} (d parameters): {@code d / (2 n beta)} is {@code E[L_n(w)] - L_n(w*)} of a
     * regular model, the largest an LLC can be.
     */
    public static final double DIVERGENCE = 100;

    /** The defaults, chosen on the grokking-quick model (see lens/README.md). */
    public static final LlcOptions DEFAULTS = new LlcOptions(1e-4, 1000, OptionalDouble.empty(), 4, 200, 150, 256, 0);

    public LlcOptions {
        if (!(lr > 0) || !Double.isFinite(lr)) {
            throw new IllegalArgumentException("--llc-lr " + lr + ": must be a finite number above 0");
        }
        if (!(gamma >= 0) || !Double.isFinite(gamma)) {
            throw new IllegalArgumentException("--llc-gamma " + gamma + ": must be a finite number at least 0");
        }
        if (nbeta == null) {
            throw new IllegalArgumentException("--llc-nbeta: absent must be OptionalDouble.empty(), not null");
        }
        if (nbeta.isPresent() && (!(nbeta.getAsDouble() > 0) || !Double.isFinite(nbeta.getAsDouble()))) {
            throw new IllegalArgumentException(
                    "--llc-nbeta " + nbeta.getAsDouble() + ": must be a finite number above 0");
        }
        if (chains < 1) {
            throw new IllegalArgumentException("--llc-chains " + chains + ": must be at least 1");
        }
        if (draws < 1) {
            throw new IllegalArgumentException("--llc-draws " + draws + ": must be at least 1");
        }
        if (burnin < 0) {
            throw new IllegalArgumentException("--llc-burnin " + burnin + ": must be at least 0");
        }
        if (batch < 1) {
            throw new IllegalArgumentException("--llc-batch " + batch + ": must be at least 1");
        }
    }

    /** {@code n beta} for {@code n} examples: the option, else {@code n / log n}. */
    public double nbetaFor(int n) {
        if (nbeta.isPresent()) {
            return nbeta.getAsDouble();
        }
        if (n < 2) {
            throw new IllegalArgumentException("the default beta = 1/log n needs n >= 2 examples, got " + n);
        }
        return n / Math.log(n);
    }

    /** The same with another step size. */
    public LlcOptions withLr(double v) {
        return new LlcOptions(v, gamma, nbeta, chains, draws, burnin, batch, seed);
    }

    /** The same with another seed. */
    public LlcOptions withSeed(long v) {
        return new LlcOptions(lr, gamma, nbeta, chains, draws, burnin, batch, v);
    }

    /** The options as written to JSON, with the {@code n}, {@code beta} and {@code n beta} they resolve to. */
    public Map<String, Object> json(int n) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("lr", lr);
        m.put("gamma", gamma);
        m.put("n", n);
        double nb = nbetaFor(n);
        m.put("nbeta", nb);
        m.put("beta", nb / n);
        m.put("beta_default", nbeta.isEmpty() ? "1/log n" : "no: --llc-nbeta given");
        m.put("chains", chains);
        m.put("draws", draws);
        m.put("burnin", burnin);
        m.put("batch", Math.min(batch, n));
        m.put("seed", seed);
        m.put("divergence_factor", DIVERGENCE);
        return m;
    }
}
