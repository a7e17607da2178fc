package dev.vivarium.lens.spectra;

import dev.vivarium.lens.numeric.Linalg;

/**
 * The spectrum of one weight matrix {@code W [rows, cols]}: the eigenvalues of {@code W^T W} (the
 * squared singular values, not divided by the size, as WeightWatcher's default) and what is read
 * from them.
 *
 * @param name parameter name
 * @param rows rows of the 2-d form
 * @param cols columns of the 2-d form
 * @param eigenvalues descending
 * @param fit power-law fit of the eigenvalues' tail
 * @param alphaWeighted {@code alpha * log10(lambda_max)}
 * @param stableRank {@code sum(lambda) / lambda_max = ||W||_F^2 / ||W||_2^2}
 * @param effectiveRank {@code exp(H(p))}, {@code p_i = sigma_i / sum sigma} (Roy and Vetterli 2007)
 * @param spectralNorm largest singular value
 */
public record MatrixSpectrum(
        String name,
        int rows,
        int cols,
        double[] eigenvalues,
        PowerLawFit.Result fit,
        double alphaWeighted,
        double stableRank,
        double effectiveRank,
        double spectralNorm) {

    /** The spectrum of {@code w}. */
    public static MatrixSpectrum of(String name, double[][] w) {
        double[] s = Linalg.singularValues(w);
        double[] ev = new double[s.length];
        double sumEv = 0;
        double sumS = 0;
        for (int i = 0; i < s.length; i++) {
            ev[i] = s[i] * s[i];
            sumEv += ev[i];
            sumS += s[i];
        }
        double maxEv = ev.length == 0 ? 0 : ev[0];
        double entropy = 0;
        for (double v : s) {
            if (v > 0) {
                double p = v / sumS;
                entropy -= p * Math.log(p);
            }
        }
        PowerLawFit.Result fit = PowerLawFit.fit(ev);
        return new MatrixSpectrum(
                name,
                w.length,
                w[0].length,
                ev,
                fit,
                fit.alpha() * Math.log10(maxEv),
                maxEv > 0 ? sumEv / maxEv : Double.NaN,
                sumS > 0 ? Math.exp(entropy) : Double.NaN,
                s.length == 0 ? 0 : s[0]);
    }
}
