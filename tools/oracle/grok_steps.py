#!/usr/bin/python3
"""Oracle for dev.vivarium.laws.detect.GrokkingFixtureTest: reads a metric log (metrics.jsonl) and prints
the first logged step from which train_acc, and then test_acc, stays at or above the threshold to the end
of the log. A repeated step (a resumed run) replaces the rows from that step on, as in RunRecord.series.

Usage: /usr/bin/python3 tools/oracle/grok_steps.py laws/src/test/resources/fixtures/grokking-metrics.jsonl [0.99]
"""
import json
import sys


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


rows = [json.loads(line) for line in open(sys.argv[1]) if line.strip()]
threshold = float(sys.argv[2]) if len(sys.argv) > 2 else 0.99
print("memorisation_step", first_stays(series(rows, "train_acc"), threshold))
print("grok_step", first_stays(series(rows, "test_acc"), threshold))
