#!/usr/bin/python3
"""Oracle for dev.vivarium.laws.detect.GrokkingPhase: grokking as a phase change of test loss.

Reads a metric log (metrics.jsonl); memorisation is the first logged step from which train_acc stays >= 0.99
to the end; over the logged steps from there on, log test loss is cut into straight segments by optimal
partitioning (cost: residual sum of squares of each segment's least-squares line over the noise variance, the
noise from the MAD of second differences, plus 6 log n per segment; segments of >= 5 points); neighbouring
plateaus (fitted change < 0.05) that together change by less are merged. A segment descends when observed log
test loss falls by more than 0.05 from the end of the segment before it (or its own start) to its own end; the
grokking step is the start of the run of descending segments the log ends with (after a final flat stretch), if
together they fall by >= 1 nat. Independent of the Java code: numpy's polyfit per segment instead of prefix sums.

Usage: /usr/bin/python3 tools/oracle/grok_phase.py laws/src/test/resources/fixtures/grokking-metrics.jsonl
"""
import json
import math
import sys

import numpy as np

MIN_SEGMENT, PENALTY, PLATEAU, MIN_FALL, MEMORISED = 5, 6.0, 0.05, 1.0, 0.99


def series(rows, key):
    points = []
    for row in rows:
        if key in row and "step" in row:
            while points and points[-1][0] >= row["step"]:
                points.pop()
            points.append((row["step"], row[key]))
    return points


def first_stays(points, threshold):
    i = len(points)
    while i > 0 and points[i - 1][1] >= threshold:
        i -= 1
    return points[i][0] if i < len(points) else None


def line(x, y):
    if np.ptp(x) == 0:
        return 0.0, float(np.mean(y))
    slope, intercept = np.polyfit(x, y, 1)
    return float(slope), float(intercept)


def rss(x, y):
    slope, intercept = line(x, y)
    return max(float(np.sum((y - (intercept + slope * x)) ** 2)), 0.0)


def segments(x, y):
    n = len(x)
    d2 = y[:-2] - 2 * y[1:-1] + y[2:]
    mad = 1.482602218505602 * np.median(np.abs(d2 - np.median(d2)))
    noise = max(mad / math.sqrt(6), 1e-6)
    beta = PENALTY * math.log(n)
    best = [math.inf] * (n + 1)
    cut = [0] * (n + 1)
    best[0] = -beta
    for j in range(MIN_SEGMENT, n + 1):
        for i in range(0, j - MIN_SEGMENT + 1):
            if best[i] == math.inf:
                continue
            c = best[i] + rss(x[i:j], y[i:j]) / noise ** 2 + beta
            if c < best[j]:
                best[j], cut[j] = c, i
    pieces, j = [], n
    while j > 0:
        pieces.insert(0, (cut[j], j))
        j = cut[j]
    out = []  # (from index, to index inclusive, fitted start, fitted end, plateau)
    for i, j in pieces:
        slope, intercept = line(x[i:j], y[i:j])
        start, end = intercept + slope * x[i], intercept + slope * x[j - 1]
        seg = [i, j - 1, start, end, abs(end - start) < PLATEAU]
        if out and out[-1][4] and seg[4] and abs(seg[3] - out[-1][2]) < PLATEAU:
            last = out.pop()
            seg = [last[0], seg[1], last[2], seg[3], True]
        out.append(seg)
    return out


def main(path):
    rows = [json.loads(line) for line in open(path) if line.strip()]
    mem = first_stays(series(rows, "train_acc"), MEMORISED)
    loss = [(s, v) for s, v in series(rows, "test_loss") if s >= mem]
    x = np.array([s for s, _ in loss], dtype=float)
    y = np.log(np.array([v for _, v in loss], dtype=float))
    segs = segments(x, y)
    def fall(k):
        before = y[segs[0][0]] if k == 0 else y[segs[k - 1][1]]
        return before - y[segs[k][1]]

    k = len(segs) - 1
    while k >= 0 and fall(k) <= PLATEAU:
        k -= 1
    first, total = k, 0.0
    while first >= 0 and fall(first) > PLATEAU:
        total += fall(first)
        first -= 1
    first += 1
    grok = x[segs[first][0]] if k >= 0 and total >= MIN_FALL else None
    print("memorisation_step", mem)
    print("segments", [(x[s[0]], x[s[1]]) for s in segs])
    print("grok_step", grok)
    print("descent_nats", total)


if __name__ == "__main__":
    main(sys.argv[1])
