package dev.vivarium.lens.attribution;

import dev.vivarium.lens.cache.Activations;

/** Attention patterns per head from {@code blocks.{l}.attn.hook_pattern [batch, head, q, k]}. */
public final class AttentionPatterns {
    private AttentionPatterns() {}

    /** The cached hook holding layer {@code layer}'s pattern. */
    public static String hook(int layer) {
        return "blocks." + layer + ".attn.hook_pattern";
    }

    /** {@code pattern[example][head][query][key]}. */
    public static double[][][][] of(Activations cache, int layer) {
        long[] s = cache.get(hook(layer)).getShape().getShape();
        double[] v = cache.doubles(hook(layer));
        double[][][][] out = new double[(int) s[0]][(int) s[1]][(int) s[2]][(int) s[3]];
        int i = 0;
        for (double[][][] ex : out) {
            for (double[][] head : ex) {
                for (double[] q : head) {
                    for (int k = 0; k < q.length; k++) {
                        q[k] = v[i++];
                    }
                }
            }
        }
        return out;
    }

    /** The mean pattern over examples: {@code [head][query][key]}. */
    public static double[][][] mean(Activations cache, int layer) {
        double[][][][] all = of(cache, layer);
        int h = all[0].length;
        int q = all[0][0].length;
        int k = all[0][0][0].length;
        double[][][] m = new double[h][q][k];
        for (double[][][] ex : all) {
            for (int a = 0; a < h; a++) {
                for (int b = 0; b < q; b++) {
                    for (int c = 0; c < k; c++) {
                        m[a][b][c] += ex[a][b][c] / all.length;
                    }
                }
            }
        }
        return m;
    }
}
