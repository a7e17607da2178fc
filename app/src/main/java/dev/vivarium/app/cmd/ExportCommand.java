package dev.vivarium.app.cmd;

import dev.vivarium.app.export.HParams;
import dev.vivarium.app.export.MetricExport;
import dev.vivarium.app.export.TfEvents;
import dev.vivarium.app.query.ConfigFlattener;
import dev.vivarium.store.run.RunDir;
import dev.vivarium.store.run.RunIndex;
import dev.vivarium.store.run.RunState;
import dev.vivarium.store.run.RunStatus;
import dev.vivarium.store.run.RunSummary;
import dev.vivarium.sweep.SweepFolder;
import java.io.PrintWriter;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code vivarium export RUN|SWEEP_DIR --format csv|parquet|tensorboard}: a run's metric log, or those of
 * every run of a sweep folder, in another tool's format ({@link MetricExport}), under {@code -o DIR}: {@code
 * DIR/<id>.csv}, {@code DIR/<id>.parquet} or {@code DIR/<id>/events.out.tfevents.*}. The run directories are
 * only read; a metric log that breaks in the middle is exported up to the break, with a warning.
 */
@Command(
        name = "export",
        mixinStandardHelpOptions = true,
        description = "Export a run's metrics, or every run's of a sweep folder, as CSV or Parquet (step and one column"
                + " per metric) or TensorBoard event files (one folder per run).")
public final class ExportCommand implements Callable<Integer> {
    /** The formats a run can be exported in. */
    public enum Format {
        /** One CSV file per run. */
        CSV,
        /** One Parquet file per run. */
        PARQUET,
        /** One folder per run holding an event file. */
        TENSORBOARD
    }

    @Spec
    CommandSpec spec;

    @Parameters(
            index = "0",
            paramLabel = "RUN|SWEEP_DIR",
            description = "A run (directory, id under --runs, unique prefix or 'latest') or a sweep folder"
                    + " (made by vivarium sweep), whose every run is exported.")
    String target;

    @Option(
            names = "--format",
            paramLabel = "FORMAT",
            required = true,
            description = "One of: ${COMPLETION-CANDIDATES}.")
    Format format;

    @Option(
            names = {"-o", "--out"},
            paramLabel = "DIR",
            defaultValue = "export",
            description = "Directory to write into, created if need be (default: ${DEFAULT-VALUE}).")
    Path out;

    @Mixin
    RunsRoot runs;

    @Override
    public Integer call() throws Exception {
        PrintWriter stdout = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        OutPath.newDirectory("-o", out);
        List<Path> dirs = new ArrayList<>();
        List<String> ids = new ArrayList<>();
        Path given = target == null || target.isBlank() ? null : Path.of(target);
        if (given != null && Files.isRegularFile(given.resolve(SweepFolder.INDEX))) {
            SweepFolder sweep = SweepFolder.at(given);
            if (Files.isDirectory(sweep.runs())) {
                for (RunSummary s : RunScan.summaries(sweep.runs(), err)) {
                    dirs.add(s.dir());
                    ids.add(s.id());
                }
            }
            if (dirs.isEmpty()) {
                throw new IllegalArgumentException("sweep " + sweep.root() + ": has no runs to export (" + sweep.runs()
                        + " holds none; run it with vivarium sweep)");
            }
        } else {
            Path dir = runs.resolve(target);
            dirs.add(dir);
            ids.add(dir.toAbsolutePath().normalize().getFileName().toString());
        }
        Path outAbs = out.toAbsolutePath().normalize();
        for (Path d : dirs) {
            if (outAbs.startsWith(d.toAbsolutePath().normalize())) {
                throw new IllegalArgumentException("-o " + out + ": is inside the run directory " + d
                        + "; a run directory is only read, choose a directory outside it");
            }
        }
        Files.createDirectories(out);
        String host = host();
        List<Map<String, Object>> configs = new ArrayList<>();
        Map<String, HParams.Type> types = Map.of();
        if (format == Format.TENSORBOARD) {
            for (Path d : dirs) {
                configs.add(ConfigFlattener.read(RunDir.open(d).configFile()));
            }
            types = HParams.types(configs);
        }
        Set<String> metrics = new LinkedHashSet<>();
        double firstStart = Double.NaN;
        for (int i = 0; i < dirs.size(); i++) {
            RunDir run = RunDir.open(dirs.get(i));
            MetricRows m = MetricRows.of(run);
            m.problem()
                    .ifPresent(p -> err.println(
                            "warning: " + p + "; exporting the " + m.rows().size() + " rows before it"));
            err.flush();
            String id = ids.get(i);
            switch (format) {
                case CSV: {
                    Path f = out.resolve(id + ".csv");
                    MetricExport.csv(f, m.rows());
                    stdout.println("wrote " + f + " (" + m.rows().size() + " rows)");
                    break;
                }
                case PARQUET: {
                    Path f = out.resolve(id + ".parquet");
                    MetricExport.parquet(f, m.rows());
                    stdout.println("wrote " + f + " (" + m.rows().size() + " rows)");
                    break;
                }
                default: {
                    RunStatus s = run.effectiveStatus(RunIndex.STALE_AFTER);
                    double start = seconds(s.startedAt());
                    firstStart = Double.isNaN(firstStart) ? start : Math.min(firstStart, start);
                    metrics.addAll(HParams.metrics(m.rows()));
                    Path f = MetricExport.tensorboard(
                            out.resolve(id),
                            s.startedAt(),
                            host,
                            m.rows(),
                            HParams.sessionStart(configs.get(i), types, start),
                            s.state() == RunState.RUNNING
                                    ? null
                                    : HParams.sessionEnd(
                                            s.state() == RunState.COMPLETED
                                                    ? HParams.Status.SUCCESS
                                                    : HParams.Status.FAILURE,
                                            seconds(s.heartbeatAt())));
                    stdout.println("wrote " + f + " (" + m.rows().size() + " steps)");
                    break;
                }
            }
            stdout.flush();
        }
        if (format == Format.TENSORBOARD) {
            // the experiment: every exported run's hparams with their domains, and the metrics, in the root
            Path f = out.resolve("events.out.tfevents." + (long) firstStart + "." + host + ".hparams");
            byte[] experiment = HParams.experiment(configs, new ArrayList<>(metrics), firstStart);
            double at = firstStart;
            dev.vivarium.store.io.AtomicFiles.write(f, o -> {
                TfEvents.writeRecord(o, TfEvents.fileVersionEvent(at));
                TfEvents.writeRecord(
                        o, TfEvents.pluginEvent(at, 0, HParams.EXPERIMENT_TAG, HParams.PLUGIN, experiment));
            });
            stdout.println("wrote " + f + " (the HParams experiment: " + types.size() + " hparams, " + metrics.size()
                    + " metrics)");
            stdout.flush();
        }
        return 0;
    }

    private static double seconds(java.time.Instant t) {
        return t.getEpochSecond() + t.getNano() / 1e9;
    }

    /** This machine's name for event file names, as TensorBoard's writers use it; {@code localhost} if unknown. */
    private static String host() {
        try {
            String h = InetAddress.getLocalHost().getHostName();
            return h == null || h.isBlank() ? "localhost" : h.replace('/', '_');
        } catch (java.io.IOException e) {
            return "localhost";
        }
    }
}
