package dev.vivarium.app.cmd;

import dev.vivarium.app.report.Curves;
import dev.vivarium.app.report.PhaseDiagram;
import dev.vivarium.app.web.Api;
import dev.vivarium.app.web.Report;
import dev.vivarium.app.web.RunCatalog;
import dev.vivarium.store.io.AtomicFiles;
import dev.vivarium.store.run.RunDir;
import dev.vivarium.sweep.SweepFolder;
import dev.vivarium.sweep.SweepReport;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code vivarium report RUN|SWEEP_DIR [-o FILE.html] [--png DIR]}: the dashboard's page of a run, or of a sweep
 * folder with its points' pages, as one self-contained HTML file (data, script and styles inline; {@link
 * Report}), and with {@code --png} each figure as a PNG file drawn in Java.
 */
@Command(
        name = "report",
        mixinStandardHelpOptions = true,
        description = "Write a run's or a sweep folder's dashboard page as one self-contained HTML file (readable"
                + " offline), and with --png its figures as PNG files.")
public final class ReportCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(
            index = "0",
            paramLabel = "RUN|SWEEP_DIR|STUDY_DIR",
            description = "A run (directory, id under --runs, unique prefix or 'latest'), a sweep folder (made by"
                    + " vivarium sweep; with the laws fitted on it and their predictions) or a study's folder"
                    + " SWEEPS/studies/<study>/ (its law, ledger and sweeps).")
    String target;

    @Option(
            names = {"-o", "--out"},
            paramLabel = "FILE.html",
            description = "HTML file to write or replace (default: report-<run or sweep>.html here).")
    Path out;

    @Option(
            names = "--png",
            paramLabel = "DIR",
            description = "Also write each figure as a PNG under DIR (created if need be): curves, the analyses'"
                    + " pictures, and a sweep's phase diagram.")
    Path png;

    @Mixin
    RunsRoot runs;

    @Override
    public Integer call() throws Exception {
        PrintWriter stdout = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        if (out != null) {
            OutPath.file("-o", out);
        }
        if (png != null) {
            OutPath.newDirectory("--png", png);
        }
        Path given = target == null || target.isBlank() ? null : Path.of(target);
        String html;
        String name;
        List<Path> runDirs = new ArrayList<>();
        SweepFolder sweep = null;
        if (given != null && Files.isRegularFile(given.resolve(StudyCommand.FIT_JSON))) {
            // a study's folder, SWEEPS/studies/<study>/: its law page, its ledger, its two sweeps
            Path dir = given.toAbsolutePath().normalize();
            if (dir.getParent() == null
                    || dir.getParent().getParent() == null
                    || !dir.getParent().getFileName().toString().equals("studies")) {
                throw new IllegalArgumentException(target + ": has a " + StudyCommand.FIT_JSON
                        + " but is not a study's folder SWEEPS/studies/<study>/");
            }
            name = dir.getFileName().toString();
            html = new Report(new Api(new RunCatalog(null, dir.getParent().getParent()))).study(name);
        } else if (given != null && Files.isRegularFile(given.resolve(SweepFolder.INDEX))) {
            sweep = SweepFolder.at(given.toAbsolutePath().normalize());
            RunCatalog catalog = new RunCatalog(null, sweep.root().getParent());
            html = new Report(new Api(catalog)).sweep(sweep.name());
            name = sweep.name();
            if (Files.isDirectory(sweep.runs())) {
                try (Stream<Path> s = Files.list(sweep.runs())) {
                    s.filter(d -> Files.isDirectory(d, LinkOption.NOFOLLOW_LINKS))
                            .sorted()
                            .forEach(runDirs::add);
                }
            }
        } else {
            Path dir = runs.resolve(target).toAbsolutePath().normalize();
            RunCatalog catalog = new RunCatalog(dir.getParent(), null);
            name = dir.getFileName().toString();
            html = new Report(new Api(catalog)).run(name);
            runDirs.add(dir);
        }
        Path file = out != null ? out : Path.of("report-" + name.replaceAll("[^A-Za-z0-9._-]", "_") + ".html");
        OutPath.file("-o", file);
        AtomicFiles.writeString(file, html);
        stdout.println("wrote " + file + " (" + (html.length() / 1024) + " kB, self-contained)");
        if (png != null) {
            Files.createDirectories(png);
            for (Path p : pictures(runDirs, sweep, err)) {
                stdout.println("wrote " + p);
            }
        }
        stdout.flush();
        return 0;
    }

    /** The PNG figures: each run's curves and its analyses' pictures, and a sweep's phase diagram. */
    private List<Path> pictures(List<Path> runDirs, SweepFolder sweep, PrintWriter err) throws IOException {
        List<Path> written = new ArrayList<>();
        boolean prefix = sweep != null;
        for (Path dir : runDirs) {
            String id = dir.getFileName().toString();
            String stem = prefix ? id + "-" : "";
            try {
                RunDir run = RunDir.open(dir);
                MetricRows m = MetricRows.of(run);
                Path curves = png.resolve(stem + "curves.png");
                Curves.write(curves, id, m.rows());
                written.add(curves);
            } catch (IOException | RuntimeException e) {
                err.println("warning: run " + id + ": no curves: " + e.getMessage());
            }
            Path analyses = dir.resolve("analyses");
            if (!prefix && Files.isDirectory(analyses, LinkOption.NOFOLLOW_LINKS)) {
                try (Stream<Path> s = Files.walk(analyses, 3)) {
                    for (Path f : (Iterable<Path>) s.sorted()::iterator) {
                        if (f.toString().endsWith(".png") && Files.isRegularFile(f, LinkOption.NOFOLLOW_LINKS)) {
                            Path to = png.resolve(
                                    analyses.relativize(f).toString().replace('/', '-'));
                            AtomicFiles.writeBytes(to, Files.readAllBytes(f));
                            written.add(to);
                        }
                    }
                }
            }
        }
        if (sweep != null) {
            List<String> axes = SweepReport.axes(SweepReport.rows(sweep.root())).stream()
                    .filter(a -> !a.equals("seed"))
                    .toList();
            if (axes.size() >= 2) {
                try {
                    PhaseDiagram.Diagram d = PhaseDiagram.of(sweep.root(), axes.get(0), axes.get(1));
                    Path phase = png.resolve("phase.png");
                    PhaseDiagram.writePng(phase, d, sweep.name());
                    written.add(phase);
                } catch (IOException | RuntimeException e) {
                    err.println("warning: sweep " + sweep.name() + ": no phase diagram: " + e.getMessage());
                }
            }
        }
        err.flush();
        return written;
    }
}
