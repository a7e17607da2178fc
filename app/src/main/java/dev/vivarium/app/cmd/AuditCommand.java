package dev.vivarium.app.cmd;

import dev.vivarium.lens.audit.Audit;
import dev.vivarium.lens.audit.Json;
import dev.vivarium.store.io.AtomicFiles;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code vivarium audit RUN... --controls RUN...}: the backdoor auditors on models with a planted backdoor
 * and on clean controls; prints the audit table and writes {@code audit.json} and {@code audit.md}.
 */
@Command(
        name = "audit",
        mixinStandardHelpOptions = true,
        description = "Audit models with a planted backdoor (task kind backdoor) against clean controls: activation"
                + " clustering, spectral signatures, a few-shot probe and a weight-spectrum comparison, none told"
                + " the trigger; AUROC of flagging poisoned inputs and accuracy of telling the models apart.")
public final class AuditCommand implements Callable<Integer> {
    @Parameters(
            arity = "1..*",
            paramLabel = "RUN",
            description = "Runs with a backdoor planted: trained with poisonFraction > 0, or fine-tuned from one.")
    List<String> planted = new ArrayList<>();

    @Option(
            names = "--controls",
            arity = "1..*",
            required = true,
            paramLabel = "RUN",
            description = "Clean controls: the same recipe with poisonFraction 0 (at least one).")
    List<String> controls = new ArrayList<>();

    @Option(
            names = "--hook",
            paramLabel = "HOOK",
            description = "Hook point read at the answer position (default: the final blocks.L.hook_resid_post).")
    String hook;

    @Option(
            names = "--probe-examples",
            paramLabel = "K",
            description = "The probe is trained on K poisoned and K other inputs (default: ${DEFAULT-VALUE}).")
    int probeExamples = 5;

    @Option(
            names = "--seed",
            paramLabel = "SEED",
            description = "Seed of k-means, the probe's examples and the null's marks (default: ${DEFAULT-VALUE}).")
    long seed = 0;

    @Option(
            names = "--pool-fraction",
            paramLabel = "F",
            description = "Poisoned share of the audited pool (default: the planted runs' common poisonFraction;"
                    + " needed when every planted run was fine-tuned clean).")
    Double poolFraction;

    @Option(
            names = "--out",
            paramLabel = "DIR",
            description = "Directory for audit.json and audit.md (default: ${DEFAULT-VALUE}).")
    Path out = Path.of("audit");

    @Mixin
    RunsRoot runs;

    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        Audit.Options options = new Audit.Options(
                hook,
                probeExamples,
                seed,
                poolFraction == null ? OptionalDouble.empty() : OptionalDouble.of(poolFraction));
        OutPath.newDirectory("--out", out);
        List<Path> p = new ArrayList<>();
        for (String r : planted) {
            p.add(runs.resolve(r));
        }
        List<Path> c = new ArrayList<>();
        for (String r : controls) {
            c.add(runs.resolve(r));
        }
        PrintWriter w = spec.commandLine().getOut();
        Map<String, Object> report = Audit.run(p, c, options, System.out);
        Files.createDirectories(out);
        Json.write(out.resolve("audit.json"), report);
        AtomicFiles.writeBytes(
                out.resolve("audit.md"), ((String) report.get("table")).getBytes(StandardCharsets.UTF_8));
        w.println(report.get("table"));
        w.println("wrote " + out.resolve("audit.json") + " and " + out.resolve("audit.md"));
        w.flush();
        return 0;
    }
}
