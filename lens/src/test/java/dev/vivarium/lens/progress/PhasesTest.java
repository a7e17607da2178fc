package dev.vivarium.lens.progress;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

class PhasesTest {
    static ProgressRow row(long step, double train, double trainAcc, double test, double restricted, double excluded) {
        return new ProgressRow(step, train, test, trainAcc, 0, restricted, excluded, 0, 0, 1);
    }

    @Test
    void readsTheBoundariesOffAGrokkingShapedTable() {
        List<ProgressRow> rows = new ArrayList<>(List.of(
                row(0, 4.7, 0.01, 4.7, 4.7, 4.7),
                row(100, 0.5, 0.95, 12, 4.6, 0.6),
                row(200, 1e-3, 1.0, 20, 4.0, 1e-2), // memorised (the metric log says so)
                row(400, 1e-5, 1.0, 22, 3.0, 3e-3), // lowest excluded loss: circuit formation starts
                row(800, 1e-6, 1.0, 21, 1.0, 0.5),
                row(1600, 1e-6, 1.0, 20, 1e-2, 5.0), // restricted has come 10% down (log)
                row(3200, 1e-7, 1.0, 3.0, 1e-6, 20.0), // test has come 10% down: clean-up starts
                row(6400, 1e-7, 1.0, 1e-3, 1e-8, 25.0), // 90%: clean-up ends
                row(12800, 1e-7, 1.0, 5e-4, 1e-8, 25.0)));
        Phases p = Phases.readOff(rows, OptionalLong.of(200));
        assertEquals(OptionalLong.of(200), p.memorised());
        assertEquals(OptionalLong.of(400), p.circuitFormationStarts());
        assertEquals(OptionalLong.of(3200), p.cleanupStarts());
        assertEquals(OptionalLong.of(6400), p.cleanupEnds());
        assertEquals(OptionalLong.of(1600), p.restrictedFalls());
    }
}
