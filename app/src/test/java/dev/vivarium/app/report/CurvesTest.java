package dev.vivarium.app.report;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.text.DecimalFormat;
import java.text.DecimalFormatSymbols;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The curves' two panels share their x axis pixel for pixel, and each axis labels its ticks one way. */
class CurvesTest {

    /** A grokking-like log: loss from 4.6 down to 1e-4 (labels 6 characters wide), accuracy 0 to 1. */
    static List<Map<String, Double>> rows() {
        List<Map<String, Double>> rows = new ArrayList<>();
        for (int i = 0; i <= 80; i++) {
            double step = Math.round(Math.pow(10, i / 20.0));
            rows.add(Map.of(
                    "step",
                    step,
                    "train_loss",
                    4.6 * Math.exp(-step / 300) + 1e-4,
                    "test_loss",
                    4.6 * Math.exp(-Math.max(0, step - 2000) / 800) + 3e-3,
                    "train_acc",
                    Math.min(1, step / 300),
                    "test_acc",
                    step < 2000 ? 0.0 : Math.min(1, (step - 2000) / 3000)));
        }
        return rows;
    }

    @Test
    void bothPanelsPlotAreasSpanTheSameColumns() throws IOException {
        BufferedImage both = Curves.image("t", rows());
        BufferedImage top = both.getSubimage(0, 0, both.getWidth(), Curves.PANEL_HEIGHT);
        BufferedImage bottom = both.getSubimage(0, Curves.PANEL_HEIGHT, both.getWidth(), Curves.PANEL_HEIGHT);
        assertEquals(Curves.plotLeft(top), Curves.plotLeft(bottom), "left edges of the plot areas");
        assertEquals(plotRight(top), plotRight(bottom), "right edges of the plot areas");
    }

    /** A regression's log (MSE, no accuracy) draws the loss panel alone, not an empty accuracy panel. */
    @Test
    void aLogWithoutAccuracyIsTheLossPanelAlone() throws IOException {
        List<Map<String, Double>> rows = new ArrayList<>();
        for (Map<String, Double> r : rows()) {
            rows.add(Map.of("step", r.get("step"), "train_loss", r.get("train_loss"), "test_loss", r.get("test_loss")));
        }
        assertEquals(Curves.PANEL_HEIGHT, Curves.image("t", rows).getHeight());
        assertEquals(2 * Curves.PANEL_HEIGHT, Curves.image("t", rows()).getHeight());
    }

    /** The last column where the plot border runs down a third of the panel. */
    private static int plotRight(BufferedImage panel) {
        BufferedImage mirrored = new BufferedImage(panel.getWidth(), panel.getHeight(), BufferedImage.TYPE_INT_RGB);
        for (int x = 0; x < panel.getWidth(); x++) {
            for (int y = 0; y < panel.getHeight(); y++) {
                mirrored.setRGB(panel.getWidth() - 1 - x, y, panel.getRGB(x, y));
            }
        }
        return panel.getWidth() - 1 - Curves.plotLeft(mirrored);
    }

    @Test
    void aLogAxisFromTenThousandthsToThousandsIsPlainDecimalsThroughout() {
        assertEquals(TickFormat.PLAIN, TickFormat.forLogAxis(1e-4, 4.6));
        assertEquals(TickFormat.PLAIN, TickFormat.forLogAxis(1, 100_000));
        DecimalFormat f = new DecimalFormat(TickFormat.PLAIN, DecimalFormatSymbols.getInstance(Locale.ROOT));
        List<String> labels = new ArrayList<>();
        for (int k = -4; k <= 5; k++) {
            labels.add(f.format(Math.pow(10, k)));
        }
        assertEquals(List.of("0.0001", "0.001", "0.01", "0.1", "1", "10", "100", "1000", "10000", "100000"), labels);
    }

    @Test
    void aWiderLogAxisIsScientificThroughout() {
        assertEquals(TickFormat.SCIENTIFIC, TickFormat.forLogAxis(1e-6, 1));
        assertEquals(TickFormat.SCIENTIFIC, TickFormat.forLogAxis(1, 2e6));
        DecimalFormat f = new DecimalFormat(TickFormat.SCIENTIFIC, DecimalFormatSymbols.getInstance(Locale.ROOT));
        assertEquals(
                List.of("1E-6", "1E-1", "1E0", "1E3"),
                List.of(f.format(1e-6), f.format(0.1), f.format(1), f.format(1000)));
    }
}
