package dev.vivarium.laws.predict;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * A registered prediction. Its {@code id} is the SHA-256 of its canonical JSON content (everything but the
 * id), so any change to what was predicted, by whom or when gives another id.
 *
 * @param id the content hash, 64 hex digits
 * @param author who made it
 * @param tags free labels for summaries
 * @param createdAt when it was registered
 * @param target what it is about
 * @param forecast what it says
 * @param note free text (reasoning, source)
 * @param amends the id of the prediction it replaces, if any
 */
public record Prediction(
        String id,
        String author,
        List<String> tags,
        Instant createdAt,
        Target target,
        Forecast forecast,
        String note,
        Optional<String> amends) {

    public Prediction {
        tags = List.copyOf(tags);
        note = note == null ? "" : note;
        amends = amends == null ? Optional.empty() : amends;
    }

    /**
     * What an author writes before registering: everything but the id and the time.
     *
     * @param author who makes it, not blank
     * @param tags free labels
     * @param target what it is about
     * @param forecast what it says
     * @param note free text
     */
    public record Draft(String author, List<String> tags, Target target, Forecast forecast, String note) {
        public Draft {
            if (author == null || author.isBlank()) {
                throw new IllegalArgumentException("author is blank: say who makes the prediction");
            }
            if (target == null || forecast == null) {
                throw new IllegalArgumentException("target and forecast are both required");
            }
            tags = List.copyOf(tags == null ? List.of() : tags);
            note = note == null ? "" : note;
        }
    }
}
