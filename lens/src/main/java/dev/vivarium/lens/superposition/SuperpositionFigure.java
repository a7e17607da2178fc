package dev.vivarium.lens.superposition;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.vivarium.lens.run.Pictures;
import dev.vivarium.store.io.AtomicFiles;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import javax.imageio.ImageIO;

/**
 * The pictures of Elhage et al. 2022's Figures 2 and 3: for one model {@code W^T W} (red positive, blue negative,
 * white 0, saturating at 1) beside a bar of {@code ||W_i||} per feature coloured, as the reference notebook
 * colours them, by {@code sqrt(sum_{j != i} (W^_i . W_j)^2)} (black: none, a dimension of its own; yellow: 1 or
 * more, sharing its direction); for a population one such row per
 * member, labelled with what the member varies.
 */
public final class SuperpositionFigure {
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final int CELL = 16;

    private SuperpositionFigure() {}

    /** One model's row: the title, {@code W^T W} and the norm bars. */
    public static BufferedImage panel(String title, FeatureGeometry g) {
        int n = g.features();
        double[][] gram = g.gram();
        double[] norms = g.norms();
        double[] sup = g.polysemanticity();
        int top = 40;
        int left = 30;
        int grid = n * CELL;
        int barsLeft = left + grid + 60;
        int barWidth = 240;
        int width = Math.max(barsLeft + barWidth + 160, 20 + 7 * title.length());
        int height = top + grid + 40;
        BufferedImage img = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        Graphics2D gr = img.createGraphics();
        gr.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
        gr.setColor(Color.WHITE);
        gr.fillRect(0, 0, width, height);
        gr.setColor(Color.BLACK);
        gr.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 13));
        gr.drawString(title, 10, 20);
        gr.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 11));
        gr.drawString("W^T W", left, top - 6);
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                gr.setColor(diverging(gram[i][j]));
                gr.fillRect(left + j * CELL, top + i * CELL, CELL, CELL);
            }
        }
        gr.setColor(Color.GRAY);
        gr.drawRect(left, top, grid, grid);
        double maxNorm = Math.max(1.0, java.util.Arrays.stream(norms).max().orElse(1));
        gr.setColor(Color.BLACK);
        gr.drawString("||W_i|| (colour: sqrt of superposition, black 0 to yellow >= 1)", barsLeft, top - 6);
        for (int i = 0; i < n; i++) {
            int y = top + i * CELL + 2;
            int len = (int) Math.round(barWidth * norms[i] / maxNorm);
            gr.setColor(superpositionColour(sup[i]));
            gr.fillRect(barsLeft, y, len, CELL - 4);
            gr.setColor(Color.DARK_GRAY);
            gr.drawString(String.format(Locale.ROOT, "%d", i), barsLeft - 22, y + CELL - 6);
            gr.drawString(String.format(Locale.ROOT, "%.2f", norms[i]), barsLeft + len + 6, y + CELL - 6);
        }
        int half = barsLeft + (int) Math.round(barWidth * FeatureGeometry.REPRESENTED / maxNorm);
        gr.setColor(new Color(0xaaaaaa));
        gr.drawLine(half, top - 2, half, top + grid);
        gr.setColor(Color.BLACK);
        gr.drawString(
                String.format(
                        Locale.ROOT,
                        "%d of %d represented, m/||W||_F^2 = %.2f",
                        g.representedCount(FeatureGeometry.REPRESENTED),
                        n,
                        g.dimensionsPerFeature()),
                left,
                top + grid + 24);
        gr.dispose();
        return img;
    }

    /** White at 0, red towards +1, blue towards -1 (saturating beyond). */
    static Color diverging(double v) {
        double t = Math.max(-1, Math.min(1, v));
        int fade = (int) Math.round(255 * (1 - Math.abs(t)));
        return t >= 0 ? new Color(255, fade, fade) : new Color(fade, fade, 255);
    }

    /** Black at 0, yellow at 1 and beyond. */
    static Color superpositionColour(double s) {
        double t = Math.max(0, Math.min(1, s));
        return new Color((int) Math.round(0x20 + t * (0xf0 - 0x20)), (int) Math.round(0x20 + t * (0xc8 - 0x20)), 0x20);
    }

    /**
     * One row a member from the {@code superposition} analyses' JSON files (as written at each member's step),
     * labelled {@code labels[k]}, written to {@code png} atomically.
     */
    public static void population(List<Path> analysisJson, List<String> labels, Path png) throws IOException {
        List<BufferedImage> rows = new ArrayList<>();
        for (int k = 0; k < analysisJson.size(); k++) {
            Path f = analysisJson.get(k);
            JsonNode root;
            try {
                root = JSON.readTree(Files.readString(f));
            } catch (IOException e) {
                throw new IOException(f + ": not a superposition analysis: " + e.getMessage(), e);
            }
            JsonNode w = root.path("W");
            if (!w.isArray() || w.isEmpty() || !w.get(0).isArray()) {
                throw new IOException(f + ": W: expected an m x n list of rows");
            }
            double[][] m = new double[w.size()][w.get(0).size()];
            for (int r = 0; r < m.length; r++) {
                for (int c = 0; c < m[r].length; c++) {
                    m[r][c] = w.get(r).path(c).asDouble(Double.NaN);
                }
            }
            String title = labels.get(k) + ", step " + root.path("step").asLong();
            rows.add(panel(title, new FeatureGeometry(m)));
        }
        BufferedImage img = Pictures.stack(rows);
        Files.createDirectories(png.toAbsolutePath().getParent());
        AtomicFiles.write(png, o -> ImageIO.write(img, "png", o));
    }
}
