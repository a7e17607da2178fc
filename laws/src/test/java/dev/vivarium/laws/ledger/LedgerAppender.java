package dev.vivarium.laws.ledger;

import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;

/** A separate process for {@link LedgerConcurrencyTest}: appends {@code COUNT} entries to {@code LEDGER} as {@code WHO}. */
public final class LedgerAppender {
    private LedgerAppender() {}

    public static void main(String[] args) {
        Ledger ledger = new Ledger(Path.of(args[0]), Clock.systemUTC());
        int count = Integer.parseInt(args[2]);
        for (int i = 0; i < count; i++) {
            int n = i;
            ledger.append("note", check -> Map.of("who", args[1], "n", n));
        }
    }
}
