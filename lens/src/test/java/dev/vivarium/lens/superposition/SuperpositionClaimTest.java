package dev.vivarium.lens.superposition;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vivarium.core.recipe.RecipeLoader;
import dev.vivarium.core.run.PopulationRun;
import dev.vivarium.lens.run.RunAnalyses;
import dev.vivarium.store.run.RunState;
import java.awt.image.BufferedImage;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code recipes/superposition.yaml} reproduces the claim of Elhage et al. 2022 (section "Demonstrating
 * Superposition", n = 20, m = 5, importance 0.7^i): with dense features (S = 0) only about m features are
 * represented ({@code ||W_i|| > 0.5}) and they are orthogonal; at S = 0.99 clearly more than m are, in
 * superposition. The recipe as committed (10,000 steps), its two ends of the sparsity axis trained as one
 * population, measured by the {@code superposition} analysis as a user runs it.
 */
class SuperpositionClaimTest {
    private static final PrintStream QUIET = new PrintStream(java.io.OutputStream.nullOutputStream());

    @TempDir
    Path root;

    @Test
    void denseFeaturesGetDimensionsOfTheirOwnAndSparseOnesShare() throws Exception {
        Path recipe = Path.of("../recipes/superposition.yaml").toAbsolutePath();
        List<PopulationRun.Member> members = List.of(
                new PopulationRun.Member(RecipeLoader.load(recipe, List.of("task.sparsity=0")), root.resolve("dense")),
                new PopulationRun.Member(
                        RecipeLoader.load(recipe, List.of("task.sparsity=0.99")), root.resolve("sparse")));
        assertEquals(List.of(RunState.COMPLETED, RunState.COMPLETED), PopulationRun.start(members, QUIET));
        JsonNode dense = analyse(root.resolve("dense"));
        JsonNode sparse = analyse(root.resolve("sparse"));

        int denseCount = dense.get("represented").asInt();
        assertTrue(denseCount >= 4 && denseCount <= 6, "S = 0: about m = 5 features represented, got " + denseCount);
        assertTrue(
                dense.get("max_abs_cosine").asDouble() < 0.05,
                "S = 0: the represented features are orthogonal, max |cos| " + dense.get("max_abs_cosine"));
        for (JsonNode f : dense.get("features")) {
            if (f.get("represented").asBoolean()) {
                assertTrue(f.get("superposition").asDouble() < 0.01, "S = 0: feature " + f);
            }
        }
        int sparseCount = sparse.get("represented").asInt();
        assertTrue(sparseCount >= 8, "S = 0.99: clearly more than m = 5 features represented, got " + sparseCount);
        assertTrue(
                sparse.get("dimensions_per_feature").asDouble() < 0.75,
                "S = 0.99: fewer than one dimension per feature, m/||W||_F^2 " + sparse.get("dimensions_per_feature"));
        assertTrue(sparse.get("max_abs_cosine").asDouble() > 0.3, "S = 0.99: represented features share directions");

        Path png = root.resolve("both.png");
        SuperpositionFigure.population(
                List.of(json(root.resolve("dense")), json(root.resolve("sparse"))), List.of("S = 0", "S = 0.99"), png);
        BufferedImage img = ImageIO.read(png.toFile());
        BufferedImage one = ImageIO.read(
                root.resolve("dense/analyses/superposition/step_00010000.png").toFile());
        assertEquals(2 * one.getHeight(), img.getHeight(), "one row a member");
    }

    private JsonNode analyse(Path run) throws Exception {
        RunAnalyses.run(run, List.of("superposition"), Optional.empty(), false, QUIET);
        return new ObjectMapper().readTree(Files.readString(json(run)));
    }

    private static Path json(Path run) {
        return run.resolve("analyses/superposition/step_00010000.json");
    }
}
