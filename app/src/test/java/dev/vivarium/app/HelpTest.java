package dev.vivarium.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

/**
 * Every option and positional parameter of every command, subcommands included, has a description, and
 * both {@code vivarium help CMD} and {@code vivarium CMD --help} show each option (for a subcommand of a
 * subcommand, {@code --help} only: picocli's help command takes one name). The walk is over
 * picocli's model, so a command added later is checked without changing this test.
 */
class HelpTest {

    /** Every command under the root, the root first, each subcommand after its parent. */
    static List<CommandLine> commands() {
        List<CommandLine> all = new ArrayList<>();
        collect(Vivarium.commandLine(false), all);
        return all;
    }

    private static void collect(CommandLine cl, List<CommandLine> into) {
        into.add(cl);
        cl.getSubcommands().values().stream().distinct().forEach(sub -> collect(sub, into));
    }

    @Test
    void everyOptionAndParameterIsDescribed() {
        List<String> undescribed = new ArrayList<>();
        for (CommandLine cl : commands()) {
            CommandSpec spec = cl.getCommandSpec();
            List<ArgSpec> args = new ArrayList<>(spec.options());
            args.addAll(spec.positionalParameters());
            for (ArgSpec a : args) {
                String text = String.join(" ", a.description()).trim();
                if (text.isEmpty()) {
                    undescribed.add(spec.qualifiedName() + " " + name(a));
                }
            }
        }
        assertEquals(List.of(), undescribed, "options and parameters without a description");
    }

    @Test
    void helpAndDashDashHelpListEveryOption() {
        for (CommandLine cl : commands()) {
            CommandSpec spec = cl.getCommandSpec();
            if (spec.name().equals("help")) {
                continue;
            }
            String path = spec.qualifiedName().substring("vivarium".length()).trim();
            List<String> words = path.isEmpty() ? List.of() : Arrays.asList(path.split(" "));
            List<String> dashDash = new ArrayList<>(words);
            dashDash.add("--help");
            List<List<String>> asks = new ArrayList<>(List.of(dashDash));
            if (words.size() <= 1) { // picocli's help command takes one command name, not a path
                List<String> help = new ArrayList<>(List.of("help"));
                help.addAll(words);
                asks.add(help);
            }
            for (List<String> args : asks) {
                String[] r = run(args);
                assertEquals("0", r[0], args + ": " + r[2]);
                for (OptionSpec o : spec.options()) {
                    assertTrue(
                            r[1].contains(o.longestName()), args + " does not list " + o.longestName() + ":\n" + r[1]);
                }
            }
        }
    }

    @Test
    void helpOfAnUnknownCommandIsOneLineAndAHint() {
        String[] r = run(List.of("help", "nonesuch"));
        assertEquals("2", r[0]);
        assertEquals(
                List.of("error: Unknown subcommand 'nonesuch'.", "see 'vivarium --help'"),
                r[2].lines().toList());
    }

    private static String name(ArgSpec a) {
        return a instanceof OptionSpec o ? o.longestName() : a.paramLabel();
    }

    private static String[] run(List<String> args) {
        CommandLine cl = Vivarium.commandLine(false);
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        cl.setOut(new PrintWriter(out));
        cl.setErr(new PrintWriter(err));
        int code = cl.execute(args.toArray(String[]::new));
        return new String[] {String.valueOf(code), out.toString(), err.toString()};
    }
}
