package dev.vivarium.lens.run;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

/** The analyses the command line and a recipe's {@code lens:} block can name. */
public enum Analysis {
    /** Key frequencies, Fourier norms, neuron frequencies, restricted/excluded loss (modular tasks). */
    FOURIER("fourier", true),
    /** Spectra of every weight matrix: power-law alpha, stable and effective rank. */
    SPECTRA("spectra", true),
    /** Top Hessian eigenvalue of the training loss. */
    SHARPNESS("sharpness", true),
    /** Mean attention pattern of each head on held-out examples. */
    ATTENTION("attention", true),
    /** Accuracy and log-probability of the answer read from the residual stream after each layer. */
    LOGIT_LENS("logit-lens", true),
    /** Direct logit attribution of each component to the answer's logit. */
    ATTRIBUTION("attribution", true),
    /** CKA between the residual streams of every pair of layers, and of each to the last checkpoint's. */
    CKA("cka", true),
    /** The progress-measure table over every checkpoint and the phases read off it (modular tasks). */
    PROGRESS("progress", false);

    private final String cliName;
    private final boolean perCheckpoint;

    Analysis(String cliName, boolean perCheckpoint) {
        this.cliName = cliName;
        this.perCheckpoint = perCheckpoint;
    }

    public String cliName() {
        return cliName;
    }

    /** Whether it describes one checkpoint (else the whole run). */
    public boolean perCheckpoint() {
        return perCheckpoint;
    }

    /** By name; an error lists the names allowed. */
    public static Analysis parse(String name) {
        for (Analysis a : values()) {
            if (a.cliName.equals(name.toLowerCase(Locale.ROOT))) {
                return a;
            }
        }
        throw new IllegalArgumentException("unknown analysis '" + name + "'; allowed: " + names());
    }

    public static List<Analysis> parseAll(List<String> names) {
        if (names.isEmpty()) {
            throw new IllegalArgumentException("name at least one analysis; allowed: " + names());
        }
        return names.stream().map(Analysis::parse).distinct().toList();
    }

    public static String names() {
        return Arrays.stream(values()).map(Analysis::cliName).collect(Collectors.joining(", "));
    }
}
