package dev.vivarium.lens.fourier;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.IntStream;

/**
 * A token embedding of Z_p in the Fourier basis: {@code C = F @ W_E[:p]}, the norm of each basis
 * vector's row of C, and the energy of each frequency ({@code ||C_cos k||^2 + ||C_sin k||^2}). The
 * energies and the constant's sum to {@code ||W_E[:p]||_F^2}.
 *
 * @param basisNorms {@code ||C_i||} for each basis vector i
 * @param energy {@code energy[k]} for frequencies k = 1 .. p/2 (index 0: the constant's)
 */
public record EmbeddingFourier(FourierBasis basis, double[] basisNorms, double[] energy) {

    /** @param wE the embedding rows of the p number tokens {@code [p, dModel]} */
    public static EmbeddingFourier of(double[][] wE) {
        FourierBasis f = FourierBasis.of(wE.length);
        double[][] c = f.transform(wE);
        double[] norms = new double[f.p()];
        double[] energy = new double[f.frequencies() + 1];
        for (int i = 0; i < f.p(); i++) {
            double s = 0;
            for (double v : c[i]) {
                s += v * v;
            }
            norms[i] = Math.sqrt(s);
            energy[f.frequencyOf(i)] += s;
        }
        return new EmbeddingFourier(f, norms, energy);
    }

    /** The whole embedding's squared Frobenius norm. */
    public double totalEnergy() {
        double s = 0;
        for (double e : energy) {
            s += e;
        }
        return s;
    }

    /** Frequencies by energy, largest first. */
    public List<Integer> ranked() {
        return IntStream.rangeClosed(1, basis.frequencies())
                .boxed()
                .sorted(Comparator.comparingDouble((Integer k) -> -energy[k]).thenComparing(k -> k))
                .toList();
    }

    /**
     * The fewest frequencies, largest first, whose energy reaches {@code fraction} of the total
     * (constant included in the total).
     */
    public List<Integer> keyFrequencies(double fraction) {
        double total = totalEnergy();
        List<Integer> keys = new ArrayList<>();
        double carried = 0;
        for (int k : ranked()) {
            if (carried >= fraction * total) {
                break;
            }
            keys.add(k);
            carried += energy[k];
        }
        return keys;
    }

    /** The share of the total energy carried by {@code frequencies}. */
    public double fractionCarried(List<Integer> frequencies) {
        double s = 0;
        for (int k : frequencies) {
            s += energy[k];
        }
        return s / totalEnergy();
    }

    /** The Gini coefficient of the basis vectors' norms (Nanda et al.'s sparsity measure). */
    public double gini() {
        return Gini.of(basisNorms);
    }
}
