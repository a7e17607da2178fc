package dev.vivarium.laws.ledger;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The result of reading a ledger and checking its chain: every entry that could be read, and one line per
 * problem found. A line's problems are: a hash that does not match its JSON (the entry was edited), a
 * sequence number out of order (an entry was deleted, inserted or moved), a {@code prev} that is not the
 * hash of the line before (an entry before it was deleted, moved or rewritten), a recorded time before the
 * previous entry's (back-dated or moved), and a head file that disagrees with the last entry (entries cut
 * off the end, or the end rewritten).
 *
 * <p>What this cannot see: a ledger rewritten from some entry on, consistently, with its head file. Only a
 * head hash kept elsewhere ({@link #find}) shows that.
 *
 * @param file the ledger file
 * @param entries the entries that could be parsed, in file order
 * @param problems one message per damaged line, naming the line; empty when intact
 * @param lines how many lines the file has
 */
public record LedgerCheck(Path file, List<LedgerEntry> entries, List<String> problems, int lines) {

    public LedgerCheck {
        entries = List.copyOf(entries);
        problems = List.copyOf(problems);
    }

    /** Whether no problem was found. */
    public boolean intact() {
        return problems.isEmpty();
    }

    /** The last entry, if any. */
    public Optional<LedgerEntry> last() {
        return entries.isEmpty() ? Optional.empty() : Optional.of(entries.get(entries.size() - 1));
    }

    /** The hash of the last entry ({@link LedgerEntry#GENESIS} for an empty ledger): the head to publish. */
    public String headHash() {
        return last().map(LedgerEntry::hash).orElse(LedgerEntry.GENESIS);
    }

    /** The entry with this hash, for checking a head hash published elsewhere. */
    public Optional<LedgerEntry> find(String hash) {
        return entries.stream().filter(e -> e.hash().equals(hash)).findFirst();
    }

    /** The same check with more problems found by a reader of the entries (such as the prediction registry). */
    public LedgerCheck plus(List<String> more) {
        List<String> all = new ArrayList<>(problems);
        all.addAll(more);
        return new LedgerCheck(file, entries, all, lines);
    }

    /** Throws, naming the first problem, unless the ledger is intact. */
    public void requireIntact() {
        if (!intact()) {
            throw new IllegalStateException("ledger " + file + " is damaged: " + problems.get(0)
                    + (problems.size() > 1 ? " (and " + (problems.size() - 1) + " more)" : "")
                    + "; 'vivarium predict verify' lists every problem");
        }
    }

    /** Checks the text of a ledger file and of its head file. */
    static LedgerCheck of(Path file, String text, Optional<String> head) {
        List<LedgerEntry> entries = new ArrayList<>();
        List<String> problems = new ArrayList<>();
        String[] raw = text.isEmpty() ? new String[0] : text.split("\n", -1);
        int lines = raw.length > 0 && raw[raw.length - 1].isEmpty() ? raw.length - 1 : raw.length;
        String prevHash = LedgerEntry.GENESIS;
        long expectedSeq = 1;
        Instant prevTime = null;
        for (int i = 0; i < lines; i++) {
            int lineNo = i + 1;
            String line = raw[i];
            if (i == lines - 1 && lines == raw.length) {
                problems.add(
                        "line " + lineNo + " has no newline at its end: a write was cut short, or the file edited");
            }
            Object parsed = parse(lineNo, line);
            if (parsed instanceof String problem) {
                problems.add("line " + lineNo + ": " + problem);
                int space = line.indexOf(' ');
                prevHash = space > 0 ? line.substring(0, space) : "";
                expectedSeq++;
                continue;
            }
            LedgerEntry e = (LedgerEntry) parsed;
            List<String> reasons = new ArrayList<>();
            if (!e.hashMatches()) {
                reasons.add("its content does not hash to the hash written on the line: the entry was edited after"
                        + " it was written");
            }
            if (e.seq() != expectedSeq) {
                reasons.add("seq " + e.seq() + " where " + expectedSeq + " was expected: an entry was deleted,"
                        + " inserted or moved");
            }
            if (!e.prev().equals(prevHash)) {
                reasons.add("its prev " + e.prev().substring(0, 12) + " is not the hash of the entry before it ("
                        + (prevHash.length() >= 12 ? prevHash.substring(0, 12) : "none")
                        + "): an entry before it was deleted, moved or rewritten");
            }
            if (prevTime != null && e.recordedAt().isBefore(prevTime)) {
                reasons.add("recorded at " + e.recordedAt() + ", before the entry before it (" + prevTime
                        + "): back-dated or moved");
            }
            if (!reasons.isEmpty()) {
                problems.add(e.describe() + ": " + String.join("; ", reasons));
            }
            entries.add(e);
            prevHash = e.hash();
            expectedSeq = e.seq() + 1;
            prevTime = prevTime == null || e.recordedAt().isAfter(prevTime) ? e.recordedAt() : prevTime;
        }
        checkHead(file, head, entries, lines, problems);
        return new LedgerCheck(file, entries, problems, lines);
    }

    private static void checkHead(
            Path file, Optional<String> head, List<LedgerEntry> entries, int lines, List<String> problems) {
        Path headFile = file.resolveSibling(file.getFileName() + ".head");
        if (head.isEmpty()) {
            if (lines > 0) {
                problems.add("head file " + headFile + " is missing (it is rewritten with every entry): deleted, so"
                        + " that entries cut off the end would not show");
            }
            return;
        }
        String[] parts = head.get().trim().split(" ");
        long seq;
        try {
            seq = Long.parseLong(parts[0]);
        } catch (NumberFormatException e) {
            seq = -1;
        }
        if (parts.length != 2 || seq < 1 || !LedgerEntry.isHash(parts[1])) {
            problems.add("head file " + headFile + " is not '<seq> <hash>': '"
                    + head.get().trim() + "'");
            return;
        }
        String hash = parts[1];
        long recorded = seq;
        long lastSeq = entries.isEmpty() ? 0 : entries.get(entries.size() - 1).seq();
        Optional<LedgerEntry> atSeq =
                entries.stream().filter(e -> e.seq() == recorded).findFirst();
        if (seq > lastSeq) {
            problems.add("the ledger ends at seq " + lastSeq + " but its head file records seq " + seq + " ("
                    + hash.substring(0, 12) + "): the last " + (seq - lastSeq) + " entries were deleted");
        } else if (atSeq.isEmpty() || !atSeq.get().hash().equals(hash)) {
            problems.add("entry seq " + seq + " does not have the hash its head file records (" + hash.substring(0, 12)
                    + "): the end of the ledger was rewritten");
        }
    }

    /** The entry on a line, or a message saying why it is not one. */
    private static Object parse(int lineNo, String line) {
        if (line.length() < 66 || line.charAt(64) != ' ' || !LedgerEntry.isHash(line.substring(0, 64))) {
            return "does not start with a 64-hex-digit hash and a space: not a ledger entry (edited or damaged)";
        }
        String json = line.substring(65);
        try {
            JsonNode n = Ledger.MAPPER.readTree(json);
            JsonNode seq = n.get("seq");
            JsonNode prev = n.get("prev");
            JsonNode kind = n.get("kind");
            JsonNode at = n.get("recordedAt");
            JsonNode body = n.get("body");
            if (seq == null
                    || !seq.canConvertToLong()
                    || prev == null
                    || !LedgerEntry.isHash(prev.asText())
                    || kind == null
                    || !kind.isTextual()
                    || at == null
                    || !at.isTextual()
                    || body == null
                    || !body.isObject()) {
                return "the entry lacks one of seq (a number), prev (a hash), kind, recordedAt and body (an object)";
            }
            return new LedgerEntry(
                    lineNo,
                    line.substring(0, 64),
                    json,
                    seq.asLong(),
                    prev.asText(),
                    kind.asText(),
                    Instant.parse(at.asText()),
                    body);
        } catch (DateTimeParseException e) {
            return "recordedAt is not an ISO-8601 instant: " + e.getParsedString();
        } catch (java.io.IOException | RuntimeException e) {
            return "the entry is not readable JSON: "
                    + e.getMessage().lines().findFirst().orElse("");
        }
    }
}
