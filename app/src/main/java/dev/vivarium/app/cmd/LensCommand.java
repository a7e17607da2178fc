package dev.vivarium.app.cmd;

import dev.vivarium.lens.run.Analysis;
import dev.vivarium.lens.run.RunAnalyses;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code vivarium lens RUN [--checkpoint STEP | --every] ANALYSIS...}: analyses into the run's {@code analyses/}. */
@Command(
        name = "lens",
        mixinStandardHelpOptions = true,
        description = "Look inside a run's checkpoints; each analysis writes JSON and a PNG picture to RUN/analyses/"
                + " and prints a one-line summary.")
public final class LensCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "RUN", description = "Run directory or run id.")
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

    @Mixin
    RunsRoot runs;

    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        Analysis.parseAll(analyses); // a misspelt name fails before any model is loaded
        Path dir = runs.resolve(run);
        List<Path> written = RunAnalyses.run(dir, analyses, Optional.ofNullable(checkpoint), every, System.out);
        spec.commandLine().getOut().println("wrote " + written.size() + " file(s) under " + dir.resolve("analyses"));
        spec.commandLine().getOut().flush();
        return 0;
    }
}
