package dev.vivarium.lens.progress;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vivarium.lens.fourier.EmbeddingFourier;
import dev.vivarium.lens.fourier.KeyFrequencies;
import dev.vivarium.numeric.event.Memorisation;
import dev.vivarium.store.run.MetricLog;
import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

/** Nanda et al.'s observations on the frozen analyses of a real run of recipes/grokking.yaml. */
class GrokkingRunTest {
    static List<ProgressRow> table() throws Exception {
        List<ProgressRow> rows = new ArrayList<>();
        try (InputStream in = GrokkingRunTest.class.getResourceAsStream("/grokking/progress.csv");
                BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
            assertEquals(ProgressRow.header(), r.readLine());
            for (String line = r.readLine(); line != null; line = r.readLine()) {
                String[] f = line.split(",");
                double[] v = new double[f.length];
                for (int i = 1; i < f.length; i++) {
                    v[i] = Double.parseDouble(f[i]);
                }
                rows.add(new ProgressRow(Long.parseLong(f[0]), v[1], v[2], v[3], v[4], v[5], v[6], v[7], v[8], v[9]));
            }
        }
        return rows;
    }

    @Test
    void theNeuronClustersGiveAtMostSixKeyFrequenciesAllAboveTheEmbeddingsEnergyGap() throws Exception {
        FrozenFourier frozen = FrozenFourier.read("/grokking/fourier_step_00015000.json", 113);
        EmbeddingFourier e = frozen.embedding();
        KeyFrequencies.Result got = frozen.keys();
        List<Integer> keys = got.keys();
        assertTrue(keys.size() >= 3 && keys.size() <= 6, "key frequencies " + keys);
        // as in the paper (6 frequencies in the embedding, 5 used later), the embedding's spikes may hold one more
        // frequency than the neurons use: every key stands above the energy gap
        assertTrue(got.aboveEnergyGap().containsAll(keys), "keys " + keys + ", above the gap " + got.aboveEnergyGap());
        assertTrue(e.fractionCarried(keys) >= 0.9, "the keys carry " + e.fractionCarried(keys));
        int inClusters = keys.stream().mapToInt(k -> got.clusterSize()[k]).sum();
        assertTrue(inClusters > 0.8 * 512, inClusters + " of 512 neurons are in a key frequency's cluster");
    }

    @Test
    void restrictedLossFallsWellBeforeTestLossAndExcludedLossRisesWhileTrainLossStaysLow() throws Exception {
        List<ProgressRow> rows = table();
        Phases p = Phases.readOff(rows, memorisation());
        long circuit = p.circuitFormationStarts().orElseThrow();
        long cleanup = p.cleanupStarts().orElseThrow();
        long restrictedFalls = p.restrictedFalls().orElseThrow();
        assertEquals(200, p.memorised().orElseThrow(), "train accuracy >= 0.99 from logged step 200 on");
        assertEquals(778, circuit);
        assertEquals(4372, restrictedFalls);
        assertEquals(7159, cleanup);
        assertEquals(11722, p.cleanupEnds().orElseThrow());
        assertTrue(restrictedFalls < cleanup, "restricted loss falls before test loss");

        ProgressRow peak = rows.stream()
                .max((a, b) -> Double.compare(a.testLoss(), b.testLoss()))
                .orElseThrow();
        assertTrue(
                peak.restrictedLoss() < 0.6 * rows.get(0).restrictedLoss(),
                "when the test loss peaks (step " + peak.step() + ") the restricted loss is already down to "
                        + peak.restrictedLoss());

        ProgressRow start = row(rows, circuit);
        ProgressRow end = row(rows, cleanup);
        assertTrue(
                end.excludedLoss() > 1000 * start.excludedLoss(),
                "excluded loss rises through circuit formation: " + start.excludedLoss() + " -> " + end.excludedLoss());
        for (ProgressRow r : rows) {
            if (r.step() >= circuit && r.step() <= cleanup) {
                assertTrue(r.trainLoss() < 1e-4, "train loss stays low at step " + r.step() + ": " + r.trainLoss());
                assertEquals(1.0, r.trainAccuracy(), 0.0);
            }
        }
    }

    /** The memorisation step (numeric's definition) of the run's metric log. */
    static OptionalLong memorisation() throws Exception {
        List<Long> steps = new ArrayList<>();
        List<Double> acc = new ArrayList<>();
        for (var row : new MetricLog(Path.of(GrokkingRunTest.class
                        .getResource("/grokking/metrics.jsonl")
                        .toURI()))
                .read()) {
            steps.add(row.get("step").longValue());
            acc.add(row.get("train_acc"));
        }
        return Memorisation.DEFAULT.step(
                steps.stream().mapToLong(Long::longValue).toArray(),
                acc.stream().mapToDouble(Double::doubleValue).toArray());
    }

    private static ProgressRow row(List<ProgressRow> rows, long step) {
        return rows.stream().filter(r -> r.step() == step).findFirst().orElseThrow();
    }
}
