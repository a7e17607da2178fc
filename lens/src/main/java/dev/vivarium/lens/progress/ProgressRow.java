package dev.vivarium.lens.progress;

/**
 * The progress measures of one checkpoint.
 *
 * @param restrictedLoss loss on all p^2 inputs of the logits restricted to the key frequencies
 *     ({@link dev.vivarium.lens.fourier.FourierLosses#RESTRICTED})
 * @param excludedLoss train loss of the logits with the key frequencies removed
 *     ({@link dev.vivarium.lens.fourier.FourierLosses#EXCLUDED})
 * @param giniEmbed Gini coefficient of the embedding's Fourier-component norms
 * @param giniNeuronLogit Gini coefficient of the neuron-logit map's Fourier-component norms
 * @param weightNorm L2 norm of all trained parameters
 */
public record ProgressRow(
        long step,
        double trainLoss,
        double testLoss,
        double trainAccuracy,
        double testAccuracy,
        double restrictedLoss,
        double excludedLoss,
        double giniEmbed,
        double giniNeuronLogit,
        double weightNorm) {

    /** The CSV header matching {@link #csv}. */
    public static String header() {
        return "step,train_loss,test_loss,train_acc,test_acc,restricted_loss,excluded_loss,gini_embed,gini_neuron_logit,weight_norm";
    }

    public String csv() {
        return step + ","
                + String.join(
                        ",",
                        java.util.stream.DoubleStream.of(
                                        trainLoss,
                                        testLoss,
                                        trainAccuracy,
                                        testAccuracy,
                                        restrictedLoss,
                                        excludedLoss,
                                        giniEmbed,
                                        giniNeuronLogit,
                                        weightNorm)
                                .mapToObj(v -> String.format(java.util.Locale.ROOT, "%.9g", v))
                                .toList());
    }
}
