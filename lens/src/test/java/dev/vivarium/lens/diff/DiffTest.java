package dev.vivarium.lens.diff;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vivarium.core.recipe.Recipe;
import dev.vivarium.core.recipe.RecipeLoader;
import dev.vivarium.core.run.Experiment;
import dev.vivarium.lens.audit.Audit;
import dev.vivarium.lens.run.LensRun;
import dev.vivarium.store.run.RunDir;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code diff} on trained runs: a model against itself changes nothing and has CKA 1 everywhere; against another
 * seed, it changes. The audit end to end on a backdoored run and two clean controls.
 */
class DiffTest {
    static final String RECIPE =
            """
      name: NAME
      seed: SEED
      threads: 1
      task: {kind: backdoor, p: 13, op: add, trainFraction: 0.7, poisonFraction: FRACTION, target: 0}
      model: {kind: transformer, nLayers: 1, dModel: 32, nHeads: 2, dHead: 16, dMlp: 64, act: relu, bias: false}
      train: {lr: 3.0e-3, weightDecay: 1.0, betas: [0.9, 0.98], steps: 150, logEvery: 50, checkpoints: 2}
      """;

    @TempDir
    static Path runs;

    static RunDir backdoored;
    static RunDir clean1;
    static RunDir clean2;

    @BeforeAll
    static void train() throws Exception {
        backdoored = train("bd", 1, "0.15");
        clean1 = train("c1", 1, "0");
        clean2 = train("c2", 2, "0");
    }

    static RunDir train(String name, int seed, String fraction) throws Exception {
        Recipe r = RecipeLoader.parse(
                RECIPE.replace("NAME", name).replace("SEED", "" + seed).replace("FRACTION", fraction),
                name + ".yaml",
                List.of());
        return Experiment.start(r, runs, Optional.of(name), List.of());
    }

    static LensRun open(RunDir d) throws Exception {
        LensRun r = LensRun.open(d.root());
        List<Long> steps = r.checkpoints();
        r.load(steps.get(steps.size() - 1));
        return r;
    }

    @Test
    @SuppressWarnings("unchecked")
    void aModelAgainstItselfHasNoChangeAndCkaOne() throws Exception {
        try (LensRun a = open(backdoored);
                LensRun b = open(backdoored)) {
            Diff.Result d = Diff.of(a, b);
            List<ParameterChange> params = (List<ParameterChange>) d.json().get("parameters");
            assertTrue(params.size() >= 8);
            for (ParameterChange p : params) {
                assertEquals(0.0, p.relativeChange(), 0, p.name());
                assertTrue(Double.isNaN(p.effectiveRank()), p.name() + ": no change has no rank");
            }
            Map<String, Double> cka = (Map<String, Double>) d.json().get("cka");
            int defined = 0;
            for (Map.Entry<String, Double> e : cka.entrySet()) {
                if (Double.isFinite(e.getValue())) {
                    assertEquals(1.0, e.getValue(), 1e-9, e.getKey());
                    defined++;
                }
            }
            assertTrue(defined >= 10, "CKA defined at " + defined + " hook points");
            Map<String, Object> beh = (Map<String, Object>) d.json().get("behaviour");
            assertEquals(1.0, (Double) beh.get("answer_agreement"), 0);
            Map<String, Object> patch = (Map<String, Object>) d.json().get("patching");
            assertEquals((Double) patch.get("metric_a"), (Double) patch.get("metric_b"), 0);
            Map<String, Object> probes = (Map<String, Object>) d.json().get("probe_transfer");
            Map<String, Double> trig = (Map<String, Double>) probes.get("triggered");
            assertEquals(trig.get("trained_on_a_accuracy_on_a"), trig.get("trained_on_a_accuracy_on_b"), 0);
            assertTrue(d.picture().getHeight() > 600);
        }
    }

    @Test
    @SuppressWarnings("unchecked")
    void twoSeedsDiffer() throws Exception {
        try (LensRun a = open(clean1);
                LensRun b = open(clean2)) {
            Diff.Result d = Diff.of(a, b);
            List<ParameterChange> params = (List<ParameterChange>) d.json().get("parameters");
            ParameterChange embed = params.stream()
                    .filter(p -> p.name().equals("embed.W_E"))
                    .findFirst()
                    .orElseThrow();
            assertTrue(embed.relativeChange() > 0.5, "independent seeds: " + embed.relativeChange());
            assertTrue(embed.effectiveRank() > 2 && embed.effectiveRank() <= embed.fullRank());
            Map<String, Double> cka = (Map<String, Double>) d.json().get("cka");
            assertTrue(cka.values().stream().filter(Double::isFinite).anyMatch(v -> v < 0.99), cka.toString());
            Map<String, Object> patch = (Map<String, Object>) d.json().get("patching");
            Map<String, Double> rec = (Map<String, Double>) patch.get("recovered");
            assertTrue(rec.values().stream().allMatch(Double::isFinite), "a behavioural change to localise");
        }
    }

    @Test
    void effectiveRankClosedForms() {
        double[][] rankOne = new double[6][4];
        double[][] eye = new double[5][5];
        for (int i = 0; i < 6; i++) {
            for (int j = 0; j < 4; j++) {
                rankOne[i][j] = (i + 1) * (j - 1.5);
            }
        }
        for (int i = 0; i < 5; i++) {
            eye[i][i] = 3;
        }
        assertEquals(1.0, ParameterChange.effectiveRank(rankOne), 1e-9);
        assertEquals(5.0, ParameterChange.effectiveRank(eye), 1e-12);
        // singular values 2 and 1: p = (2/3, 1/3), exp(H) = exp(-(2/3)ln(2/3) - (1/3)ln(1/3))
        double h = -(2.0 / 3) * Math.log(2.0 / 3) - (1.0 / 3) * Math.log(1.0 / 3);
        assertEquals(Math.exp(h), ParameterChange.effectiveRank(new double[][] {{2, 0}, {0, 1}}), 1e-12);
        ParameterChange c =
                ParameterChange.of("x.W", new long[] {2, 2}, new double[] {3, 0, 0, 4}, new double[] {3, 0, 0, 5});
        assertEquals(0.2, c.relativeChange(), 1e-15); // ||dW|| = 1, ||W|| = 5
        assertEquals(1.0, c.effectiveRank(), 1e-12);
    }

    /** The audit on real runs: behaviour measured, both nulls reported, a poisoned "control" refused. */
    @Test
    @SuppressWarnings("unchecked")
    void theAuditRunsEndToEndAndRefusesAPoisonedControl() throws Exception {
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        Map<String, Object> report = Audit.run(
                List.of(backdoored.root()),
                List.of(clean1.root(), clean2.root()),
                new Audit.Options(null, 3, 0, OptionalDouble.empty()),
                new PrintStream(log, true));
        List<Map<String, Object>> models = (List<Map<String, Object>>) report.get("models");
        assertEquals(3, models.size());
        Map<String, Double> beh = (Map<String, Double>) models.get(0).get("behaviour");
        assertTrue(beh.get("attack_success_rate") > 0.5, "the backdoor was learned: " + beh);
        Map<String, Double> cleanBeh = (Map<String, Double>) models.get(1).get("behaviour");
        assertTrue(cleanBeh.get("attack_success_rate") < 0.5, "the control has no backdoor: " + cleanBeh);
        assertTrue(((String) report.get("table")).contains("| spectral signature |"));
        Map<String, Object> inputs = (Map<String, Object>) models.get(1).get("input_auroc");
        assertTrue(inputs.containsKey("none") && inputs.containsKey("trigger"), inputs.toString());
        IllegalArgumentException e = assertThrows(
                IllegalArgumentException.class,
                () -> Audit.run(
                        List.of(clean1.root()),
                        List.of(backdoored.root()),
                        new Audit.Options(null, 3, 0, OptionalDouble.of(0.15)),
                        new PrintStream(log, true)));
        assertTrue(e.getMessage().contains("a control must have 0"), e.getMessage());
    }
}
