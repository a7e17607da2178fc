package dev.vivarium.app.cmd;

import dev.vivarium.lens.llc.LlcAnalysis;
import dev.vivarium.lens.llc.LlcOptions;
import dev.vivarium.lens.run.Analysis;
import dev.vivarium.lens.run.RunAnalyses;
import dev.vivarium.lens.sae.SaeAnalysis;
import dev.vivarium.lens.sae.SaeOptions;
import dev.vivarium.lens.superposition.SuperpositionFigure;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code vivarium lens RUN [--checkpoint STEP | --every] [--llc-* ...] [--sae-* ...] ANALYSIS...}: analyses into the
 * run's {@code analyses/}; the {@code --llc-*} options set the {@code llc} analysis's SGLD, the {@code --sae-*} ones
 * the {@code sae} analysis's autoencoder.
 */
@Command(
        name = "lens",
        mixinStandardHelpOptions = true,
        description = "Look inside a run's checkpoints; each analysis writes JSON and a PNG picture to RUN/analyses/"
                + " and prints a one-line summary.")
public final class LensCommand implements Callable<Integer> {
    @Parameters(
            index = "0",
            paramLabel = "RUN",
            description = "Run directory or run id (a population's folder: every member in turn).")
    String run;

    @Parameters(
            index = "1..*",
            arity = "1..*",
            paramLabel = "ANALYSIS",
            completionCandidates = Analysis.Names.class,
            description = "One or more of: ${COMPLETION-CANDIDATES}.")
    List<String> analyses = new ArrayList<>();

    @Option(names = "--checkpoint", paramLabel = "STEP", description = "Checkpoint to analyse (default: the last).")
    Long checkpoint;

    @Option(names = "--every", description = "Analyse every checkpoint.")
    boolean every;

    @Option(
            names = "--llc-lr",
            paramLabel = "EPS",
            description = "llc: SGLD step size epsilon (default: ${DEFAULT-VALUE}).")
    double llcLr = LlcOptions.DEFAULTS.lr();

    @Option(
            names = "--llc-gamma",
            paramLabel = "GAMMA",
            description = "llc: localisation strength gamma pulling the chain back to the checkpoint"
                    + " (default: ${DEFAULT-VALUE}).")
    double llcGamma = LlcOptions.DEFAULTS.gamma();

    @Option(
            names = "--llc-nbeta",
            paramLabel = "NBETA",
            description = "llc: n times the inverse temperature beta (default: n / log n, beta = 1/log n).")
    Double llcNbeta;

    @Option(
            names = "--llc-chains",
            paramLabel = "N",
            description = "llc: independent SGLD chains, each started at the checkpoint (default: ${DEFAULT-VALUE}).")
    int llcChains = LlcOptions.DEFAULTS.chains();

    @Option(
            names = "--llc-draws",
            paramLabel = "N",
            description = "llc: steps per chain whose losses enter the estimate (default: ${DEFAULT-VALUE}).")
    int llcDraws = LlcOptions.DEFAULTS.draws();

    @Option(
            names = "--llc-burnin",
            paramLabel = "N",
            description = "llc: steps per chain before the draws, not counted (default: ${DEFAULT-VALUE}).")
    int llcBurnin = LlcOptions.DEFAULTS.burnin();

    @Option(
            names = "--llc-batch",
            paramLabel = "M",
            description = "llc: minibatch size of each SGLD step (default: ${DEFAULT-VALUE}; capped at the"
                    + " training set).")
    int llcBatch = LlcOptions.DEFAULTS.batch();

    @Option(
            names = "--llc-seed",
            paramLabel = "SEED",
            description = "llc: seed of the minibatches and the noise (default: ${DEFAULT-VALUE}).")
    long llcSeed = LlcOptions.DEFAULTS.seed();

    @Option(
            names = "--sae-hook",
            paramLabel = "HOOK",
            description = "sae: hook point whose activations the SAE reads (default: the last layer's MLP"
                    + " post-activation, e.g. blocks.0.mlp.hook_post).")
    String saeHook;

    @Option(
            names = "--sae-variant",
            paramLabel = "relu|topk",
            description = "sae: ReLU with an L1 penalty and dead-latent resampling, or TopK with the AuxK loss"
                    + " (default: topk).")
    String saeVariant = SaeOptions.DEFAULTS.variant().cliName();

    @Option(
            names = "--sae-expansion",
            paramLabel = "N",
            description = "sae: latents per input dimension, d_sae = N d_in (default: ${DEFAULT-VALUE}).")
    int saeExpansion = SaeOptions.DEFAULTS.expansion();

    @Option(
            names = "--sae-l1",
            paramLabel = "COEF",
            description = "sae: L1 coefficient of the relu variant, on inputs scaled to mean squared norm d_in"
                    + " (default: ${DEFAULT-VALUE}).")
    double saeL1 = SaeOptions.DEFAULTS.l1();

    @Option(
            names = "--sae-k",
            paramLabel = "K",
            description = "sae: latents the topk variant keeps per row (default: ${DEFAULT-VALUE}).")
    int saeK = SaeOptions.DEFAULTS.k();

    @Option(names = "--sae-steps", paramLabel = "N", description = "sae: Adam steps (default: ${DEFAULT-VALUE}).")
    int saeSteps = SaeOptions.DEFAULTS.steps();

    @Option(
            names = "--sae-lr",
            paramLabel = "LR",
            description = "sae: Adam learning rate, decayed linearly to 0 over the last fifth of the steps"
                    + " (default: ${DEFAULT-VALUE}).")
    double saeLr = SaeOptions.DEFAULTS.lr();

    @Option(
            names = "--sae-batch",
            paramLabel = "M",
            description = "sae: activation rows per step (default: ${DEFAULT-VALUE}; capped at the rows cached).")
    int saeBatch = SaeOptions.DEFAULTS.batch();

    @Option(
            names = "--sae-seed",
            paramLabel = "SEED",
            description =
                    "sae: seed of the initialisation, the batches and the resampling (default: ${DEFAULT-VALUE}).")
    long saeSeed = SaeOptions.DEFAULTS.seed();

    @Mixin
    RunsRoot runs;

    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        Analysis.parseAll(analyses); // a misspelt name fails before any model is loaded
        LlcOptions llc = new LlcOptions(
                llcLr,
                llcGamma,
                llcNbeta == null ? OptionalDouble.empty() : OptionalDouble.of(llcNbeta),
                llcChains,
                llcDraws,
                llcBurnin,
                llcBatch,
                llcSeed); // a bad option fails before any model is loaded
        SaeOptions sae = new SaeOptions(
                Optional.ofNullable(saeHook),
                SaeOptions.Variant.parse(saeVariant),
                saeExpansion,
                saeL1,
                saeK,
                saeSteps,
                saeLr,
                saeBatch,
                saeSeed);
        Path given = runs.resolve(run);
        LlcAnalysis.Settings settings =
                new LlcAnalysis.Settings(llc, every ? Optional.empty() : Optional.ofNullable(checkpoint));
        // a population's folder: the analyses of every member, each an ordinary run
        List<Path> dirs = dev.vivarium.core.run.PopulationFolder.is(given)
                ? dev.vivarium.core.run.PopulationFolder.members(given)
                : List.of(given);
        List<Path> superposition = new ArrayList<>(); // each member's newest superposition analysis
        for (Path dir : dirs) {
            List<Path> written = SaeAnalysis.with(
                    sae,
                    () -> LlcAnalysis.with(
                            settings,
                            () -> RunAnalyses.run(dir, analyses, Optional.ofNullable(checkpoint), every, System.out)));
            spec.commandLine()
                    .getOut()
                    .println("wrote " + written.size() + " file(s) under " + dir.resolve("analyses"));
            written.stream()
                    .filter(f -> f.getFileName().toString().endsWith(".json")
                            && f.getParent().getFileName().toString().equals("superposition"))
                    .reduce((a, b) -> b)
                    .ifPresent(superposition::add);
        }
        if (dirs.size() > 1 && superposition.size() == dirs.size()) {
            Path png = given.resolve("superposition.png");
            SuperpositionFigure.population(superposition, dev.vivarium.core.run.PopulationFolder.labels(given), png);
            spec.commandLine().getOut().println("wrote " + png + " (every member's W^T W and feature norms)");
        }
        spec.commandLine().getOut().flush();
        return 0;
    }
}
