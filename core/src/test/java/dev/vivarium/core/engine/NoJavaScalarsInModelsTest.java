package dev.vivarium.core.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Model code (everything that builds a graph gradients flow back through) never hands a Java
 * number to an NDArray operation: DJL makes such a scalar on a Java buffer that can be freed before
 * backward reads it, and runs then turn NaN at random after a GC. Numbers enter graphs as
 * model-owned tensors made with {@link Ops#scalar}. This test reads the model sources and fails on
 * any arithmetic call whose argument is a literal, a cast or a {@code Math} expression.
 */
class NoJavaScalarsInModelsTest {
    private static final Pattern JAVA_SCALAR_ARG =
            Pattern.compile("\\.(add|sub|mul|div|pow|rsub|rdiv|maximum|minimum|addi|subi|muli|divi)\\(\\s*"
                    + "(-?\\d|\\((float|double|int|long)\\)|Math\\.|Float\\.|Double\\.)");

    @Test
    void modelSourcesPassNoJavaNumberToAnOperation() throws IOException {
        Path models = Path.of("src/main/java/dev/vivarium/core/model");
        assertTrue(Files.isDirectory(models), "run from the core module: " + models.toAbsolutePath());
        List<String> offences = new ArrayList<>();
        try (Stream<Path> files = Files.list(models)) {
            for (Path f :
                    files.filter(p -> p.toString().endsWith(".java")).sorted().toList()) {
                List<String> lines = Files.readAllLines(f);
                for (int i = 0; i < lines.size(); i++) {
                    Matcher m = JAVA_SCALAR_ARG.matcher(lines.get(i));
                    if (m.find()) {
                        offences.add(f.getFileName() + ":" + (i + 1) + ": "
                                + lines.get(i).trim());
                    }
                }
            }
        }
        assertEquals(List.of(), offences, "use a model-owned constant from Ops.scalar instead");
    }

    @Test
    void thePatternCatchesTheMistakesItIsFor() {
        for (String bad : List.of("x.div(Math.sqrt(dHead))", "y.mul(0.5)", "z.add((float) eps)", "w.muli(-1)")) {
            assertTrue(JAVA_SCALAR_ARG.matcher(bad).find(), bad);
        }
        for (String ok : List.of("x.mul(attnScale)", "x.add(causalMask(from, end))", "x.get(\":, 0\")")) {
            assertTrue(!JAVA_SCALAR_ARG.matcher(ok).find(), ok);
        }
    }
}
