package dev.vivarium.core.recipe;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A recipe's {@code population:} block: the product of its axes (last fastest), each member the recipe with its
 * values applied after the command line's, equal to loading the recipe with those overrides; errors name the file
 * and the field.
 */
class PopulationSpecTest {
    @TempDir
    Path dir;

    private Path recipe(String population) throws Exception {
        String base = Files.readString(Path.of("src/test/resources/recipes/tiny-modular.yaml"));
        Path f = dir.resolve("pop.yaml");
        Files.writeString(f, base + population);
        return f;
    }

    @Test
    void membersAreTheProductOfTheAxesAsOverrides() throws Exception {
        Path f = recipe("population:\n  seed: {range: [3, 6]}\n  train.lr: [1.0e-3, 3.0e-3]\n");
        PopulationSpec p = PopulationSpec.load(f, List.of("train.steps=7")).orElseThrow();
        assertEquals(6, p.members().size());
        assertEquals(List.of("seed=3", "train.lr=0.001"), p.overrides().get(0));
        assertEquals(List.of("seed=5", "train.lr=0.003"), p.overrides().get(5));
        Path plain = dir.resolve("plain.yaml");
        Files.writeString(plain, Files.readString(Path.of("src/test/resources/recipes/tiny-modular.yaml")));
        for (int m = 0; m < 6; m++) {
            List<String> all = new java.util.ArrayList<>(List.of("train.steps=7"));
            all.addAll(p.overrides().get(m));
            assertEquals(RecipeLoader.load(plain, all), p.members().get(m), "member " + m);
        }
        assertEquals(7, p.members().get(2).train().steps(), "the command line's overrides apply to every member");
    }

    @Test
    void aRecipeWithoutTheBlockIsNoPopulation() {
        assertEquals(
                Optional.empty(),
                PopulationSpec.load(Path.of("src/test/resources/recipes/tiny-modular.yaml"), List.of()));
    }

    @Test
    void badBlocksAreNamed() throws Exception {
        for (String[] c : new String[][] {
            {"population: 16\n", "population: expected a mapping"},
            {"population:\n  seed: []\n", "population.seed: expected a non-empty list"},
            {"population:\n  seed: {range: [5, 2]}\n", "population.seed: expected"},
            {"population:\n  seed: [0, 1]\n  train.lr: [fast]\n", "population member 0 (seed=0 train.lr=fast)"},
        }) {
            Path f = recipe(c[0]);
            RecipeException e = assertThrows(RecipeException.class, () -> PopulationSpec.load(f, List.of()));
            assertTrue(e.getMessage().startsWith(f.toString()) && e.getMessage().contains(c[1]), e.getMessage());
        }
    }
}
