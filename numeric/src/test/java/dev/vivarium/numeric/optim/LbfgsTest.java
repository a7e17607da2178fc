package dev.vivarium.numeric.optim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class LbfgsTest {

    /** Rosenbrock's function: minimum 0 at (1, 1), a curved valley that defeats steepest descent. */
    private static final DifferentiableFunction ROSENBROCK = (x, g) -> {
        double a = 1 - x[0];
        double b = x[1] - x[0] * x[0];
        g[0] = -2 * a - 400 * x[0] * b;
        g[1] = 200 * b;
        return a * a + 100 * b * b;
    };

    @Test
    void findsRosenbrockMinimumFromTheClassicStart() {
        OptimResult r = Lbfgs.DEFAULT.minimize(ROSENBROCK, new double[] {-1.2, 1});
        assertTrue(r.status().converged(), r.status().toString());
        assertEquals(1, r.x()[0], 1e-6);
        assertEquals(1, r.x()[1], 1e-6);
        assertEquals(0, r.value(), 1e-12);
    }

    @Test
    void solvesAnIllConditionedQuadraticExactly() {
        // f(x) = sum_i c_i (x_i - i)^2 with condition number 1e6: minimum at x_i = i
        double[] c = {1e-3, 1, 10, 1e3};
        DifferentiableFunction f = (x, g) -> {
            double v = 0;
            for (int i = 0; i < x.length; i++) {
                double d = x[i] - i;
                v += c[i] * d * d;
                g[i] = 2 * c[i] * d;
            }
            return v;
        };
        OptimResult r = Lbfgs.DEFAULT.minimize(f, new double[] {5, -5, 5, -5});
        for (int i = 0; i < c.length; i++) {
            assertEquals(i, r.x()[i], 1e-5, "x[" + i + "]");
        }
    }

    @Test
    void leavesTheStartUntouchedAndReportsNonFiniteStarts() {
        double[] start = {-1.2, 1};
        Lbfgs.DEFAULT.minimize(ROSENBROCK, start);
        assertEquals(-1.2, start[0]);
        IllegalArgumentException e = assertThrows(
                IllegalArgumentException.class, () -> Lbfgs.DEFAULT.minimize((x, g) -> Double.NaN, new double[] {0}));
        assertTrue(e.getMessage().contains("not finite"), e.getMessage());
    }

    @Test
    void validatesSettings() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new Lbfgs(0, 10, 0, 0));
        assertTrue(e.getMessage().contains("memory = 0"), e.getMessage());
    }
}
