package dev.vivarium.lens.run;

import java.io.IOException;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * The analyses the command line and a recipe's {@code lens:} block can name, each with its name, what it
 * describes and its code: adding an analysis is adding a constant here (and the class its code lives in).
 * {@code vivarium lens --help} lists them from {@link Names}.
 */
public enum Analysis {
    FOURIER(
            "fourier",
            "key frequencies (neuron clusters), Fourier energy, neuron frequencies, restricted/excluded loss",
            true,
            FourierAnalysis::run),
    SPECTRA(
            "spectra",
            "weight spectra: power-law alpha with its goodness of fit, stable and effective rank",
            true,
            SpectraAnalysis::run),
    SHARPNESS("sharpness", "top Hessian eigenvalue of the training loss", true, CheckpointAnalyses::sharpness),
    ATTENTION(
            "attention",
            "mean attention pattern of each head on held-out examples",
            true,
            (run, step) -> CachedAnalyses.run(CachedAnalyses.Kind.ATTENTION, run)),
    LOGIT_LENS(
            "logit-lens",
            "accuracy and log-probability of the answer read from the residual stream after each layer",
            true,
            (run, step) -> CachedAnalyses.run(CachedAnalyses.Kind.LOGIT_LENS, run)),
    ATTRIBUTION(
            "attribution",
            "direct logit attribution of each component to the answer's logit",
            true,
            (run, step) -> CachedAnalyses.run(CachedAnalyses.Kind.ATTRIBUTION, run)),
    CKA(
            "cka",
            "CKA between residual-stream points that vary across inputs, and of each to the last checkpoint",
            true,
            (run, step) -> CachedAnalyses.run(CachedAnalyses.Kind.CKA, run)),
    LLC(
            "llc",
            "local learning coefficient by SGLD at every checkpoint (or --checkpoint STEP), on the training split",
            false,
            dev.vivarium.lens.llc.LlcAnalysis::run),
    HEADS(
            "heads",
            "induction heads at every checkpoint: previous-token, prefix-matching, copying and ICL scores, and the"
                    + " phase change (induction tasks)",
            false,
            dev.vivarium.lens.heads.HeadsAnalysis::run),
    SAE(
            "sae",
            "sparse autoencoder on a hook point's activations: L0, FVU, dead latents, loss recovered, Fourier alignment",
            true,
            dev.vivarium.lens.sae.SaeAnalysis::run),
    SUPERPOSITION(
            "superposition",
            "toy model of superposition: feature norms, superposition and dimensionality, features represented,"
                    + " W^T W (Elhage et al. 2022)",
            true,
            dev.vivarium.lens.superposition.SuperpositionAnalysis::run),
    PROGRESS(
            "progress",
            "progress measures at every checkpoint and the phases read off them (modular tasks)",
            false,
            (run, step) -> ProgressTable.run(run)),
    TIMELINE(
            "timeline",
            "every measure the run has (metrics and the analyses written before it) on one step axis, with"
                    + " change points and the stages they delimit",
            false,
            TimelineAnalysis::run);

    /** What an analysis computes from a run with {@code step}'s weights loaded (the last step for a whole-run one). */
    @FunctionalInterface
    public interface Code {
        Output run(LensRun run, long step) throws IOException;
    }

    private final String cliName;
    private final String description;
    private final boolean perCheckpoint;
    private final Code code;

    Analysis(String cliName, String description, boolean perCheckpoint, Code code) {
        this.cliName = cliName;
        this.description = description;
        this.perCheckpoint = perCheckpoint;
        this.code = code;
    }

    public String cliName() {
        return cliName;
    }

    public String description() {
        return description;
    }

    /** Whether it describes one checkpoint (else the whole run). */
    public boolean perCheckpoint() {
        return perCheckpoint;
    }

    /** Runs the analysis on {@code step} (loaded first) and returns its output, not yet written. */
    public Output run(LensRun run, long step) throws IOException {
        run.load(step);
        return code.run(run, step);
    }

    /** Where its JSON goes under {@code analyses/}; the picture and summary go beside it. */
    public String file(long step) {
        return perCheckpoint ? LensRun.perStep(cliName, step) : cliName + ".json";
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

    /** The names, for a command's help ({@code ${COMPLETION-CANDIDATES}} in picocli). */
    public static final class Names implements Iterable<String> {
        @Override
        public Iterator<String> iterator() {
            return Arrays.stream(values()).map(Analysis::cliName).iterator();
        }
    }
}
