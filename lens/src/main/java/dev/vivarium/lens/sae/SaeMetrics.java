package dev.vivarium.lens.sae;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import dev.vivarium.core.engine.StepScope;

/**
 * How well an SAE describes a set of activation rows {@code x [n, d_in]} (raw units):
 *
 * <pre>
 *   L0   = mean over rows of #{i : f_i(x) > 0}
 *   FVU  = sum_rows ||x - x_hat||^2 / sum_rows ||x - mean_rows(x)||^2     (fraction of variance unexplained)
 *   dead = #{i : f_i(x) = 0 on every row} / d_sae
 * </pre>
 *
 * and {@link #lossRecovered}. FVU is 1 for an SAE that outputs the mean activation and 0 for a perfect one (Gao et
 * al. 2024's normalised MSE).
 *
 * @param rows rows evaluated
 * @param l0 mean number of active latents per row
 * @param fvu fraction of variance unexplained
 * @param mse mean over rows of {@code ||x - x_hat||^2}, raw units
 * @param deadFraction fraction of latents active on no row
 * @param firing {@code [d_sae]} the fraction of rows on which each latent is active
 */
public record SaeMetrics(int rows, double l0, double fvu, double mse, double deadFraction, double[] firing) {

    /** Loss recovered's definition, for outputs. */
    public static final String LOSS_RECOVERED =
            "(L_zero - L_sae) / (L_zero - L_clean): L_clean the model's loss, L_sae with the hook's activation"
                    + " replaced by the SAE's reconstruction, L_zero with it replaced by zeros (zero-ablation = 0,"
                    + " clean = 1)";

    /**
     * {@code (zero - sae) / (zero - clean)}; NaN when zero-ablation does not change the loss (the hook point does not
     * matter to it, and nothing is there to recover).
     */
    public static double lossRecovered(double clean, double sae, double zero) {
        double gap = zero - clean;
        return gap == 0 ? Double.NaN : (zero - sae) / gap;
    }

    /** The metrics of {@code sae} on {@code x} {@code [n, d_in]} float32. */
    public static SaeMetrics of(Sae sae, NDArray x) {
        int n = (int) x.getShape().get(0);
        int d = (int) x.getShape().get(1);
        int dSae = sae.dSae();
        double[] mean = new double[d];
        float[] raw = x.toFloatArray();
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < d; j++) {
                mean[j] += raw[i * d + j] / (double) n;
            }
        }
        double dev = 0;
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < d; j++) {
                double e = raw[i * d + j] - mean[j];
                dev += e * e;
            }
        }
        double err = 0;
        double active = 0;
        double[] firing = new double[dSae];
        for (int from = 0; from < n; from += SaeTrainer.CHUNK) {
            int to = Math.min(n, from + SaeTrainer.CHUNK);
            try (StepScope s = new StepScope()) {
                NDArray xb = x.get(from + ":" + to);
                NDArray f = sae.encode(xb);
                NDArray on = f.gt(0).toType(DataType.FLOAT64, false);
                err += sae.decode(f)
                        .sub(xb)
                        .toType(DataType.FLOAT64, false)
                        .square()
                        .sum()
                        .getDouble();
                active += on.sum().getDouble();
                double[] count = on.sum(new int[] {0}).toDoubleArray();
                for (int i = 0; i < dSae; i++) {
                    firing[i] += count[i];
                }
            }
        }
        int dead = 0;
        for (int i = 0; i < dSae; i++) {
            dead += firing[i] == 0 ? 1 : 0;
            firing[i] /= n;
        }
        return new SaeMetrics(n, active / n, dev == 0 ? Double.NaN : err / dev, err / n, dead / (double) dSae, firing);
    }
}
