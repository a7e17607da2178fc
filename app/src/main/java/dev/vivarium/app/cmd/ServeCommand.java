package dev.vivarium.app.cmd;

import dev.vivarium.app.web.Dashboard;
import dev.vivarium.app.web.RunCatalog;
import dev.vivarium.laws.predict.PredictionRegistry;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code vivarium serve}: the dashboard ({@link Dashboard}), a read-only local web app over the runs folder and
 * the sweep folders, on 127.0.0.1 unless {@code --host} says otherwise (with a warning). It runs until stopped
 * (Ctrl-C).
 */
@Command(
        name = "serve",
        mixinStandardHelpOptions = true,
        description =
                "Serve the dashboard (runs, curves, comparisons, sweeps, analyses, laws, predictions) on http://127.0.0.1:PORT/;"
                        + " read-only, every file from the jar.")
public final class ServeCommand implements Callable<Integer> {
    /** The address served unless {@code --host} is given. */
    static final String LOOPBACK = "127.0.0.1";

    @Spec
    CommandSpec spec;

    @Mixin
    RunsRoot runs;

    @Mixin
    SweepsRoot sweeps;

    @Option(
            names = "--port",
            paramLabel = "P",
            defaultValue = "8765",
            description = "Port to listen on, 0 for any free one (default: ${DEFAULT-VALUE}).")
    int port;

    @Option(
            names = "--host",
            paramLabel = "ADDR",
            description = "Address to listen on (default: " + LOOPBACK + ", this machine only); another address"
                    + " lets other machines read every run, so it is warned about.")
    String host;

    @Option(
            names = "--registry",
            paramLabel = "FILE_OR_DIR",
            description = "A prediction registry (a directory holding predictions.ledger, or that file) whose"
                    + " predictions the Predictions page shows beside the studies' ledgers; repeatable. Default:"
                    + " the current directory's, as vivarium predict uses, if it has one.")
    List<Path> registry = new ArrayList<>();

    /** The registries' directories: those given, each checked, or the current directory's if it has a ledger. */
    static List<Path> registries(List<Path> given) {
        List<Path> out = new ArrayList<>();
        if (given.isEmpty()) {
            if (Files.isRegularFile(Path.of(PredictionRegistry.LEDGER))) {
                out.add(Path.of("."));
            }
            return out;
        }
        for (Path p : given) {
            if (Files.isDirectory(p)) {
                if (!Files.isRegularFile(p.resolve(PredictionRegistry.LEDGER))) {
                    throw new IllegalArgumentException("--registry " + p + ": no " + PredictionRegistry.LEDGER
                            + " in this directory (vivarium predict --registry " + p + " add ... writes one)");
                }
                out.add(p);
            } else if (Files.isRegularFile(p)) {
                if (!p.getFileName().toString().equals(PredictionRegistry.LEDGER)) {
                    throw new IllegalArgumentException("--registry " + p + ": a ledger file is named "
                            + PredictionRegistry.LEDGER + "; give it or the directory holding it");
                }
                out.add(p.toAbsolutePath().getParent());
            } else {
                throw new IllegalArgumentException("--registry " + p + ": no such file or directory");
            }
        }
        return out;
    }

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("--port " + port + ": expected 0..65535");
        }
        Path runsDir = runs.dir();
        Path sweepsDir = sweeps.dir();
        if (runs.chosen() && !Files.isDirectory(runsDir)) {
            throw new IllegalArgumentException("--runs " + runsDir + ": "
                    + (Files.exists(runsDir) ? "is a file, not a directory of runs" : "no such directory of runs"));
        }
        if (sweeps.chosen() && !Files.isDirectory(sweepsDir)) {
            throw new IllegalArgumentException("--sweeps " + sweepsDir + ": "
                    + (Files.exists(sweepsDir) ? "is a file, not a directory of sweep folders" : "no such directory"));
        }
        List<Path> registries = registries(registry);
        String address = host == null ? LOOPBACK : host;
        if (host != null && !host.equals(LOOPBACK) && !host.equals("localhost") && !host.equals("::1")) {
            err.println("warning: --host " + host + ": the dashboard is reachable from other machines and shows"
                    + " every run under " + runsDir.toAbsolutePath() + " and " + sweepsDir.toAbsolutePath()
                    + " to anyone who can reach it (it has no login)");
            err.flush();
        }
        Dashboard d = Dashboard.start(new RunCatalog(runsDir, sweepsDir), registries, address, port);
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            d.close();
            stopped.countDown();
        }));
        out.println("serving " + runsDir.toAbsolutePath() + " and " + sweepsDir.toAbsolutePath()
                + (registries.isEmpty() ? "" : " and the prediction registry " + registries) + " on " + d.url()
                + " (Ctrl-C stops)");
        out.flush();
        stopped.await();
        return 0;
    }
}
