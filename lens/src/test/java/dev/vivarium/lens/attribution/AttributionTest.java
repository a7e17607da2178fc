package dev.vivarium.lens.attribution;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.vivarium.core.model.Transformer;
import dev.vivarium.core.model.TransformerConfig;
import dev.vivarium.lens.TestModels;
import dev.vivarium.lens.cache.Activations;
import dev.vivarium.lens.cache.Caching;
import dev.vivarium.lens.numeric.Tensors;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class AttributionTest {
    @ParameterizedTest(name = "layerNorm={0}")
    @ValueSource(booleans = {true, false})
    void directLogitAttributionsSumToTheLogitTheyExplain(boolean layerNorm) {
        TestModels.engine();
        TransformerConfig cfg = TestModels.small(layerNorm);
        int batch = 8;
        int pos = 5;
        try (NDManager m = NDManager.newBaseManager();
                Transformer model = TestModels.transformer(cfg, m, 21)) {
            NDArray tokens = TestModels.tokens(m, batch, 6, 11, 3);
            long[] targets = {0, 1, 2, 3, 4, 5, 6, 7};
            long[] others = {10, 9, 8, 7, 6, 5, 4, 3};
            try (Activations cache = Caching.all(model, tokens, m)) {
                double[][] logits =
                        Tensors.reshape(Tensors.doubles(cache.logits().get(":, " + pos + ", :")), batch, 11);
                // the same logits in float64 from the cached final residual stream; the components are float32
                // activations summed in float64, the stream is their float32 sum, so they agree to float32 rounding
                List<LogitLens.Layer> lens = LogitLens.run(model, cache, pos);
                double[][] exact = lens.get(lens.size() - 1).logits();

                DirectLogitAttribution.Result toLogit = DirectLogitAttribution.toLogit(model, cache, pos, targets);
                assertEquals(
                        DirectLogitAttribution.componentNames(cfg),
                        List.copyOf(toLogit.perExample().keySet()));
                double[] sum = toLogit.total();
                for (int b = 0; b < batch; b++) {
                    double want = exact[b][(int) targets[b]];
                    assertEquals(
                            want, sum[b], 1e-6 * Math.max(1, Math.abs(want)), "example " + b + " vs float64 logit");
                    assertEquals(
                            logits[b][(int) targets[b]],
                            sum[b],
                            1e-4 * Math.max(1, Math.abs(want)),
                            "vs the model's logit");
                }
                double[] diff = DirectLogitAttribution.toLogitDifference(model, cache, pos, targets, others)
                        .total();
                for (int b = 0; b < batch; b++) {
                    double want = exact[b][(int) targets[b]] - exact[b][(int) others[b]];
                    assertEquals(want, diff[b], 1e-6 * Math.max(1, Math.abs(want)));
                }
            }
        }
    }

    @ParameterizedTest(name = "layerNorm={0}")
    @ValueSource(booleans = {true, false})
    void logitLensEndsAtTheModelsLogitsAndPatternsAreCausalDistributions(boolean layerNorm) {
        TestModels.engine();
        TransformerConfig cfg = TestModels.small(layerNorm);
        try (NDManager m = NDManager.newBaseManager();
                Transformer model = TestModels.transformer(cfg, m, 5)) {
            NDArray tokens = TestModels.tokens(m, 4, 6, 11, 8);
            try (Activations cache = Caching.all(model, tokens, m)) {
                List<LogitLens.Layer> lens = LogitLens.run(model, cache, 3);
                assertEquals(
                        LogitLens.points(cfg.nLayers()),
                        lens.stream().map(LogitLens.Layer::hook).toList());
                double[][] model3 =
                        Tensors.reshape(Tensors.doubles(cache.logits().get(":, 3, :")), 4, 11);
                double[][] last = lens.get(lens.size() - 1).logits();
                for (int b = 0; b < 4; b++) {
                    for (int v = 0; v < 11; v++) {
                        assertEquals(model3[b][v], last[b][v], 1e-4 * Math.max(1, Math.abs(model3[b][v])));
                    }
                }
                double[][][][] pattern = AttentionPatterns.of(cache, 1);
                for (double[][][] ex : pattern) {
                    for (double[][] head : ex) {
                        for (int q = 0; q < head.length; q++) {
                            double rowSum = 0;
                            for (int k = 0; k < head[q].length; k++) {
                                assertTrue(k <= q || head[q][k] == 0, "no attention to the future");
                                rowSum += head[q][k];
                            }
                            assertEquals(1.0, rowSum, 1e-5);
                        }
                    }
                }
            }
        }
    }
}
