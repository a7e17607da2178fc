package dev.vivarium.app.cmd;

import dev.vivarium.lens.audit.Json;
import dev.vivarium.lens.diff.Diff;
import dev.vivarium.lens.run.LensRun;
import dev.vivarium.store.io.AtomicFiles;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import javax.imageio.ImageIO;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code vivarium diff RUN_A RUN_B}: weight changes, CKA per hook point, Fourier changes, patching from B into A
 * and probe transfer, as JSON and a one-page PNG ({@code RUN_B/analyses/diff/<A>.json} and {@code .png} unless
 * {@code --out} names the JSON).
 */
@Command(
        name = "diff",
        mixinStandardHelpOptions = true,
        description = "Compare two runs of one architecture (a parent and its fine-tune, or two seeds): per parameter"
                + " the relative change and effective rank of the change, per hook point the CKA, for modular tasks"
                + " key frequencies and restricted/excluded loss, activation patching from B into A, probe"
                + " transfer. Writes JSON and a PNG.")
public final class DiffCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "RUN_A", description = "The reference run (the parent, or one seed).")
    String runA;

    @Parameters(
            index = "1",
            paramLabel = "RUN_B",
            description = "The run compared with it (the fine-tune, or another seed).")
    String runB;

    @Option(names = "--checkpoint-a", paramLabel = "STEP", description = "Checkpoint of RUN_A (default: its last).")
    Long stepA;

    @Option(names = "--checkpoint-b", paramLabel = "STEP", description = "Checkpoint of RUN_B (default: its last).")
    Long stepB;

    @Option(
            names = "--out",
            paramLabel = "FILE.json",
            description =
                    "Where to write the JSON; the PNG goes beside it (default: RUN_B/analyses/diff/<RUN_A id>.json).")
    Path out;

    @Mixin
    RunsRoot runs;

    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        if (out != null) {
            OutPath.file("--out", out);
        }
        Path a = runs.resolve(runA);
        Path b = runs.resolve(runB);
        try (LensRun ra = LensRun.open(a);
                LensRun rb = LensRun.open(b)) {
            ra.load(stepA != null ? stepA : last(ra));
            rb.load(stepB != null ? stepB : last(rb));
            Diff.Result r = Diff.of(ra, rb);
            Path json = out != null
                    ? out
                    : rb.dir().analysesDir().resolve("diff").resolve(ra.dir().id() + ".json");
            Files.createDirectories(json.toAbsolutePath().getParent());
            Json.write(json, r.json());
            Path png = json.resolveSibling(json.getFileName().toString().replaceAll("\\.json$", "") + ".png");
            AtomicFiles.write(png, o -> ImageIO.write(r.picture(), "png", o));
            PrintWriter w = spec.commandLine().getOut();
            w.println("diff: " + r.summary());
            w.println("wrote " + json + " and " + png);
            w.flush();
        }
        return 0;
    }

    private static long last(LensRun run) throws java.io.IOException {
        List<Long> steps = run.checkpoints();
        if (steps.isEmpty()) {
            throw new IllegalArgumentException("run " + run.dir().id() + " has no checkpoints to compare");
        }
        return steps.get(steps.size() - 1);
    }
}
