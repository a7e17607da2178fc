package dev.vivarium.laws.ledger;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.util.regex.Pattern;

/**
 * One entry of a ledger as read from its line {@code <hash> <json>}, where {@code hash} is the SHA-256 (hex)
 * of the UTF-8 bytes of {@code json} exactly as written, and {@code json} holds {@code seq}, {@code prev}
 * (the previous entry's hash; 64 zeros for the first), {@code kind}, {@code recordedAt} and {@code body}.
 *
 * @param line the 1-based line of the ledger file it was read from
 * @param hash the hash written on the line
 * @param json the entry's JSON text, byte for byte as written
 * @param seq its sequence number as written (1 for the first entry)
 * @param prev the previous entry's hash as written
 * @param kind what it records ({@code register}, {@code amend}, {@code resolve})
 * @param recordedAt the wall time the writer recorded (checked only for order; see {@link LedgerCheck})
 * @param body what it records
 */
public record LedgerEntry(
        int line, String hash, String json, long seq, String prev, String kind, Instant recordedAt, JsonNode body) {

    /** The hash before the first entry. */
    public static final String GENESIS = "0".repeat(64);

    private static final Pattern HASH = Pattern.compile("[0-9a-f]{64}");

    /** Whether {@code s} is written as a hash: 64 lowercase hex digits. */
    public static boolean isHash(String s) {
        return s != null && HASH.matcher(s).matches();
    }

    /** Whether the line's hash is the SHA-256 of its JSON. */
    public boolean hashMatches() {
        return hash.equals(Sha256.hex(json));
    }

    /** A short name for messages: line, sequence number, kind and the start of the hash. */
    public String describe() {
        return "line " + line + " (seq " + seq + ", " + kind + " " + hash.substring(0, 12) + ")";
    }
}
