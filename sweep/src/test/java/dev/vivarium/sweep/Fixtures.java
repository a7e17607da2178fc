package dev.vivarium.sweep;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** A small recipe and the spec files the tests write beside it. */
final class Fixtures {
    static final String RECIPE =
            """
            name: tiny
            seed: 0
            threads: 1
            task:
              kind: modular
              p: 7
              op: add
              trainFraction: 0.4
            model:
              kind: transformer
              nLayers: 1
              dModel: 32
              nHeads: 4
              dMlp: 64
              act: relu
            train:
              optimizer: adamw
              lr: 1.0e-3
              weightDecay: 1.0
              steps: 10
            """;

    private Fixtures() {}

    /** Writes {@code tiny.yaml} and {@code spec.yaml} (naming it) into {@code dir}; returns the spec's path. */
    static Path spec(Path dir, String sweepBlock) {
        try {
            Files.writeString(dir.resolve("tiny.yaml"), RECIPE);
            return Files.writeString(dir.resolve("spec.yaml"), "recipe: tiny.yaml\n" + sweepBlock);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
