package dev.vivarium.sweep;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PointIdTest {
    @TempDir
    Path dir;

    @Test
    void theIdIsTheFirstTwelveHexDigitsOfSha256() {
        // FIPS 180-2 test vector: SHA-256("abc") = ba7816bf 8f01cfea ...
        assertEquals("ba7816bf8f01", PointId.ofYaml("abc"));
        // SHA-256("") = e3b0c442 98fc1c14 ...
        assertEquals("e3b0c44298fc", PointId.ofYaml(""));
    }

    @Test
    void idsAreStableAcrossExpansionsAndKeptWhenAnAxisGainsAValue() {
        Path small = Fixtures.spec(dir, "sweep: {grid: {train.weightDecay: [0, 0.3]}, seeds: 2}\n");
        List<String> first = ids(Sweep.points(small));
        List<String> again = ids(Sweep.points(small));
        assertEquals(first, again);
        assertEquals(4, Set.copyOf(first).size());

        Path larger = Fixtures.spec(dir, "sweep: {grid: {train.weightDecay: [0, 0.3, 1.5]}, seeds: 3}\n");
        List<String> grown = ids(Sweep.points(larger));
        assertEquals(9, Set.copyOf(grown).size());
        assertTrue(grown.containsAll(first), "old ids " + first + " not all in " + grown);
    }

    @Test
    void theIdDependsOnTheResolvedConfigNotOnHowItWasWritten() {
        // 0.3 and 3.0e-1 are one number: a grid point and a fixed override that give the same config share an id
        Path grid = Fixtures.spec(dir, "sweep: {grid: {train.weightDecay: [0.3]}}\n");
        String viaGrid = Sweep.points(grid).get(0).id();
        Path fixed = Fixtures.spec(dir, "set: {train.weightDecay: 3.0e-1}\nsweep: {seeds: [0]}\n");
        assertEquals(viaGrid, Sweep.points(fixed).get(0).id());
        Path other = Fixtures.spec(dir, "sweep: {grid: {train.weightDecay: [0.31]}}\n");
        assertNotEquals(viaGrid, Sweep.points(other).get(0).id());
    }

    private static List<String> ids(List<Point> points) {
        return points.stream().map(Point::id).collect(Collectors.toList());
    }
}
