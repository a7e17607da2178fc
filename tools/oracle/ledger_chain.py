"""Independent implementation of the prediction ledger's hash chain (laws.ledger.Ledger).

A ledger line is `<sha256 hex of JSON> <JSON>`; the JSON holds seq (1, 2, ...), prev (the previous line's
hash, 64 zeros for the first), kind, recordedAt and body. The head file holds `<seq> <hash>` of the last line.

    /usr/bin/python3 tools/oracle/ledger_chain.py write DIR    # golden ledger -> DIR/golden.ledger{,.head}, DIR/golden.json
    /usr/bin/python3 tools/oracle/ledger_chain.py verify FILE  # checks a ledger written by vivarium, prints its head

The golden ledger is written with Python's own JSON serialiser (not Jackson's), so the Java test that reads
it checks that the chain is defined by the bytes on each line, not by one library's formatting.
"""
import hashlib
import json
import os
import sys

GENESIS = "0" * 64


def sha256(text):
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def prediction(author, quantity, forecast, note, amends=None):
    body = {
        "author": author,
        "tags": ["grokking"],
        "target": {"recipe": "grokking-quick", "config": {"train.weightDecay": "1.0"},
                   "quantity": quantity, "reduction": "FINAL"},
        "forecast": forecast,
        "note": note,
    }
    if amends:
        body["amends"] = amends
    return body


def write(out):
    lines, hashes, prev = [], [], GENESIS
    entries = [
        ("register", "2026-01-02T03:04:05.006Z",
         lambda h: prediction("ada", "grok_step", {"kind": "event", "comparison": "LE", "threshold": 800.0,
                                                  "probability": 0.7}, "weight decay 1 groks by step 800")),
        ("register", "2026-01-02T03:04:05.006Z",  # same millisecond: order is the ledger's, not the clock's
         lambda h: prediction("bob", "grok_step", {"kind": "interval", "lo": 500.0, "hi": 600.0,
                                                  "confidence": 0.9}, "")),
        ("amend", "2026-01-03T00:00:00Z",
         lambda h: prediction("ada", "grok_step", {"kind": "event", "comparison": "LE", "threshold": 800.0,
                                                  "probability": 0.6}, "less sure", amends=h[0])),
        ("resolve", "2026-01-04T12:00:00.5Z",
         lambda h: {"prediction": h[1], "value": 700.0, "preRegistered": True,
                    "runs": [{"id": "grokking-quick-20260104-110000", "startedAt": "2026-01-04T11:00:00Z"}]}),
    ]
    for seq, (kind, at, body) in enumerate(entries, start=1):
        entry = {"seq": seq, "prev": prev, "kind": kind, "recordedAt": at, "body": body(hashes)}
        text = json.dumps(entry, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
        h = sha256(text)
        lines.append(h + " " + text + "\n")
        hashes.append(h)
        prev = h
    os.makedirs(out, exist_ok=True)
    with open(os.path.join(out, "golden.ledger"), "w", encoding="utf-8") as f:
        f.writelines(lines)
    with open(os.path.join(out, "golden.ledger.head"), "w", encoding="utf-8") as f:
        f.write("%d %s\n" % (len(hashes), hashes[-1]))
    with open(os.path.join(out, "golden.json"), "w", encoding="utf-8") as f:
        json.dump({"hashes": hashes, "head": hashes[-1]}, f, indent=2)
        f.write("\n")


def verify(path):
    prev, ok, last_time = GENESIS, True, None
    with open(path, encoding="utf-8") as f:
        data = f.read()
    lines = data.split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    for n, line in enumerate(lines, start=1):
        h, text = line.split(" ", 1)
        e = json.loads(text)
        problems = []
        if sha256(text) != h:
            problems.append("hash does not match content")
        if e["seq"] != n:
            problems.append("seq %d, expected %d" % (e["seq"], n))
        if e["prev"] != prev:
            problems.append("prev is not the previous line's hash")
        # ISO-8601 instants of one format compare as text only when equally precise: compare parsed values
        t = parse_instant(e["recordedAt"])
        if last_time is not None and t < last_time:
            problems.append("recorded before the previous entry")
        last_time = max(t, last_time) if last_time is not None else t
        for p in problems:
            ok = False
            print("line %d: %s" % (n, p))
        prev = h
    print("head %s (%d entries) %s" % (prev, len(lines), "intact" if ok else "DAMAGED"))
    return 0 if ok else 1


def parse_instant(s):
    from datetime import datetime
    return datetime.fromisoformat(s.replace("Z", "+00:00"))


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "write":
        write(sys.argv[2])
    elif len(sys.argv) == 3 and sys.argv[1] == "verify":
        sys.exit(verify(sys.argv[2]))
    else:
        sys.exit(__doc__)
