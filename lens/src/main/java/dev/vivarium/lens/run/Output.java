package dev.vivarium.lens.run;

import java.awt.image.BufferedImage;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * What one analysis produced: its JSON-ready result, a one-line summary for the terminal, and the picture
 * written beside the JSON ({@code .png}, same name).
 *
 * @param json the result, with the definitions and subsets it used
 * @param summary one line, no newline
 * @param picture what a reader looks at first, absent when there is nothing to draw
 */
public record Output(Map<String, Object> json, String summary, Optional<BufferedImage> picture) {
    public Output {
        Objects.requireNonNull(json, "json");
        Objects.requireNonNull(picture, "picture");
        if (summary == null || summary.contains("\n")) {
            throw new IllegalArgumentException("summary: one line expected, got " + summary);
        }
    }
}
