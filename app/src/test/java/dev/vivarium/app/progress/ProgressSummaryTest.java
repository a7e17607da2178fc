package dev.vivarium.app.progress;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Map;
import org.junit.jupiter.api.Test;

/** The progress line shows the metrics a run logs: accuracy for a classification, MSE alone for a regression. */
class ProgressSummaryTest {
    @Test
    void aRegressionRowShowsItsLossesAndNoAccuracy() {
        assertEquals(
                "train_loss 0.002328 test_loss 0.002289",
                Progress.summary(Map.of("step", 3000.0, "train_loss", 0.002328, "test_loss", 0.002289)));
    }

    @Test
    void aClassificationRowShowsItsAccuracies() {
        assertEquals(
                "train_loss 0.01000 test_loss 2.500 train_acc 1.000 test_acc 0.250",
                Progress.summary(Map.of("train_loss", 0.01, "test_loss", 2.5, "train_acc", 1.0, "test_acc", 0.25)));
    }
}
