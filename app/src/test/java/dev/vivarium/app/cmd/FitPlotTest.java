package dev.vivarium.app.cmd;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** The fit plot's y axis carries log10 y; its tick labels must read y itself. */
class FitPlotTest {
    @Test
    void tickLabelsReadTheValueNotItsLogarithm() {
        assertEquals("2.5", FitPlot.tenTo(Math.log10(2.5)));
        assertEquals("1.82", FitPlot.tenTo(Math.log10(1.817)));
        assertEquals("1000", FitPlot.tenTo(3.0));
        assertEquals("0.0123", FitPlot.tenTo(Math.log10(0.012345)));
    }
}
