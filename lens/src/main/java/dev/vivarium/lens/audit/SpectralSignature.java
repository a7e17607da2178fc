package dev.vivarium.lens.audit;

/**
 * Tran et al. 2018's spectral signature of one class's representations {@code R [n, d]}: centre them
 * ({@code M = R - mean}), take the top right singular vector {@code v} of {@code M}, and score each input by
 * its squared projection {@code ((r_i - mean) . v)^2}; poisoned inputs are expected to score highest (the
 * paper removes the top 1.5 epsilon of each class).
 *
 * @param scores one per input, in the input order
 * @param topFraction {@code sigma_1^2 / sum sigma_k^2}: the share of the class's centred variance along
 *     {@code v}, the model-level score this auditor reports (a class with a poisoned sub-population is
 *     expected to have one dominant direction)
 */
public record SpectralSignature(double[] scores, double topFraction) {
    /** The signature of one class. */
    public static SpectralSignature of(double[][] representations) {
        Pca pca = Pca.of(representations);
        double[] v = pca.directions()[0];
        double[] scores = new double[representations.length];
        for (int i = 0; i < scores.length; i++) {
            double p = Pca.dot(pca.centred()[i], v);
            scores[i] = p * p;
        }
        double total = 0;
        for (double e : pca.eigenvalues()) {
            total += e;
        }
        return new SpectralSignature(scores, total > 0 ? pca.eigenvalues()[0] / total : Double.NaN);
    }
}
