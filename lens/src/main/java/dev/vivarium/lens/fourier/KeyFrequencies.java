package dev.vivarium.lens.fourier;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The key frequencies of a modular-addition network, read from its MLP neuron clusters as Nanda et al.
 * (2023) do, with the evidence beside them.
 *
 * <p>The rule: a neuron belongs to the cluster of its best frequency (the one whose terms in {const, cos
 * k, sin k} of a and of b explain most of its variance over the p x p inputs; {@link NeuronFrequencies})
 * when that frequency explains at least {@code minShare} of its variance; a frequency is key when its
 * cluster holds at least {@code minClusterFraction} of all neurons. Nanda et al.'s notebook clusters
 * neurons the same way (its cluster threshold is 0.85 and its key frequencies are every frequency that is
 * some neuron's best); the paper's Appendix C.2 reads them off the "nontrivial coefficients" of the
 * neuron-logit map, with no number given. The default 0.5 asks for a majority of the variance: 0.85 drops
 * a cluster that is still forming (on the quick run's step-1,775 checkpoint it drops frequency 14, which
 * holds 52 neurons' best fits and the fifth-largest embedding energy, 3.2 times the sixth's), and the 2%
 * floor keeps one or two stray neurons from making a frequency key. An untrained network has no neuron
 * dominated by one frequency, hence no key frequency.
 *
 * <p>The evidence: each frequency's cluster size (and its count of best fits at any share), and the
 * embedding's energy per frequency, ranked, with the largest drop between consecutive ranks (the gap
 * after which the energies are no longer spikes). {@link Result#energyGapAgrees} says whether the
 * frequencies above that gap are the key frequencies.
 *
 * @param minShare the share of a neuron's variance its best frequency must explain to join a cluster
 * @param minClusterFraction the fraction of all neurons a cluster must hold for its frequency to be key
 */
public record KeyFrequencies(double minShare, double minClusterFraction) {

    /** A majority of the variance, clusters of at least 2% of the neurons. */
    public static final KeyFrequencies DEFAULT = new KeyFrequencies(0.5, 0.02);

    public KeyFrequencies {
        if (!(minShare > 0 && minShare <= 1)) {
            throw new IllegalArgumentException("key frequencies: minShare = " + minShare + ": must be in (0, 1]");
        }
        if (!(minClusterFraction > 0 && minClusterFraction <= 1)) {
            throw new IllegalArgumentException(
                    "key frequencies: minClusterFraction = " + minClusterFraction + ": must be in (0, 1]");
        }
    }

    /** The rule in words, with its thresholds, for every output that reports key frequencies. */
    public String definition() {
        return String.format(
                Locale.ROOT,
                "key frequencies: frequencies whose neuron cluster (MLP neurons whose best frequency explains >= %s"
                        + " of their variance over all p^2 inputs) holds >= %s of the neurons (Nanda et al. 2023,"
                        + " neuron clusters)",
                minShare,
                minClusterFraction);
    }

    /**
     * What the rule found.
     *
     * @param keys key frequencies, largest cluster first
     * @param clusterSize {@code [p/2 + 1]} neurons in each frequency's cluster (index 0 unused)
     * @param bestCount {@code [p/2 + 1]} neurons whose best frequency it is, at any share
     * @param minClusterSize the size a cluster needed
     * @param energyRanked frequencies by embedding energy, largest first
     * @param energyGapAfter how many frequencies stand above the largest ratio between consecutive ranked
     *     energies (searched over the top half of the ranks)
     * @param energyGapRatio that ratio
     */
    public record Result(
            List<Integer> keys,
            int[] clusterSize,
            int[] bestCount,
            int minClusterSize,
            List<Integer> energyRanked,
            int energyGapAfter,
            double energyGapRatio) {

        /** The frequencies above the embedding's energy gap. */
        public List<Integer> aboveEnergyGap() {
            return energyRanked.subList(0, energyGapAfter);
        }

        /** Whether the frequencies above the energy gap are the key frequencies. */
        public boolean energyGapAgrees() {
            return aboveEnergyGap().stream()
                    .sorted()
                    .toList()
                    .equals(keys.stream().sorted().toList());
        }

        /** JSON-ready evidence: cluster sizes of the frequencies that have any, the energy gap. */
        public Map<String, Object> evidence() {
            Map<String, Object> clusters = new LinkedHashMap<>();
            Map<String, Object> best = new LinkedHashMap<>();
            for (int k = 1; k < clusterSize.length; k++) {
                if (clusterSize[k] > 0) {
                    clusters.put(Integer.toString(k), clusterSize[k]);
                }
                if (bestCount[k] > 0) {
                    best.put(Integer.toString(k), bestCount[k]);
                }
            }
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("cluster_size_by_frequency", clusters);
            m.put("min_cluster_size", minClusterSize);
            m.put("best_frequency_count_at_any_share", best);
            m.put("energy_gap_after_rank", energyGapAfter);
            m.put("energy_gap_ratio", energyGapRatio);
            m.put("frequencies_above_energy_gap", aboveEnergyGap());
            m.put("energy_gap_agrees_with_clusters", energyGapAgrees());
            return m;
        }
    }

    /** Applies the rule to a network's neuron frequencies and embedding. */
    public Result of(NeuronFrequencies.Neuron[] neurons, EmbeddingFourier embedding) {
        int frequencies = embedding.basis().frequencies();
        int[] cluster = new int[frequencies + 1];
        int[] best = new int[frequencies + 1];
        for (NeuronFrequencies.Neuron n : neurons) {
            best[n.frequency()]++;
            if (n.explained() >= minShare) {
                cluster[n.frequency()]++;
            }
        }
        int need = Math.max(1, (int) Math.ceil(minClusterFraction * neurons.length));
        List<Integer> keys = new ArrayList<>();
        for (int k = 1; k <= frequencies; k++) {
            if (cluster[k] >= need) {
                keys.add(k);
            }
        }
        keys.sort((a, b) -> cluster[b] != cluster[a] ? cluster[b] - cluster[a] : a - b);
        List<Integer> ranked = embedding.ranked();
        double[] energy = embedding.energy();
        int gapAfter = 1;
        double gapRatio = 0;
        for (int r = 1; r <= Math.max(1, ranked.size() / 2) && r < ranked.size(); r++) {
            double ratio = energy[ranked.get(r - 1)] / energy[ranked.get(r)];
            if (ratio > gapRatio) {
                gapRatio = ratio;
                gapAfter = r;
            }
        }
        return new Result(List.copyOf(keys), cluster, best, need, ranked, gapAfter, gapRatio);
    }
}
