package dev.vivarium.app.cmd;

import dev.vivarium.app.Vivarium;
import java.io.PrintWriter;
import java.io.StringWriter;
import picocli.CommandLine;

/** Runs the command line without a terminal, as the tests of commands do. */
final class Cli {
    private Cli() {}

    /** Exit code, standard output and standard error of {@code vivarium ARGS}. */
    static String[] run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cl = Vivarium.commandLine();
        cl.setOut(new PrintWriter(out));
        cl.setErr(new PrintWriter(err));
        int code = cl.execute(args);
        return new String[] {String.valueOf(code), out.toString(), err.toString()};
    }
}
