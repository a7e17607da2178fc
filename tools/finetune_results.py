#!/usr/bin/python3
"""Summarise the fine-tuning and adversarial runs of README's "Fine-tuning" section.

    /usr/bin/python3 tools/finetune_results.py RUNS_DIR

Reads RUNS_DIR/{grok-add,sub-scratch,add-to-sub,reinforce,adv-train,adv-clean}/metrics.jsonl (and
reinforce-kl0, reinforce-kl1 when present) and writes
docs/results/finetune/{summary.txt,steps-to-99.csv,reinforce.csv,reinforce.svg} and
docs/results/adversarial/{summary.txt,adversarial.csv,adversarial.svg}. Standard library only.
"""

import csv
import json
import os
import sys

HERE = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def rows(runs, name):
    path = os.path.join(runs, name, "metrics.jsonl")
    with open(path) as f:
        return [json.loads(line) for line in f if line.strip()]


def first_at(rs, metric, level):
    for r in rs:
        if r.get(metric, -1) >= level:
            return int(r["step"])
    return None


def svg(path, title, series, ylabel, ymin=None, ymax=None):
    """A line chart: series is [(label, colour, [(x, y), ...])]."""
    w, h, left, right, top, bottom = 640, 360, 60, 150, 30, 40
    xs = [x for _, _, pts in series for x, _ in pts]
    ys = [y for _, _, pts in series for _, y in pts]
    x0, x1 = min(xs), max(xs)
    y0 = min(ys) if ymin is None else ymin
    y1 = max(ys) if ymax is None else ymax
    if y1 == y0:
        y1 = y0 + 1

    def px(x):
        return left + (x - x0) / (x1 - x0) * (w - left - right)

    def py(y):
        return h - bottom - (y - y0) / (y1 - y0) * (h - top - bottom)

    out = ['<svg xmlns="http://www.w3.org/2000/svg" width="%d" height="%d" font-family="sans-serif" '
           'font-size="12">' % (w, h), '<rect width="100%" height="100%" fill="white"/>',
           '<text x="%d" y="18" font-size="14">%s</text>' % (left, title)]
    out.append('<line x1="%d" y1="%d" x2="%d" y2="%d" stroke="black"/>' % (left, h - bottom, w - right, h - bottom))
    out.append('<line x1="%d" y1="%d" x2="%d" y2="%d" stroke="black"/>' % (left, top, left, h - bottom))
    for i in range(5):
        yv = y0 + (y1 - y0) * i / 4
        xv = x0 + (x1 - x0) * i / 4
        out.append('<text x="%d" y="%.1f" text-anchor="end">%.3g</text>' % (left - 4, py(yv) + 4, yv))
        out.append('<text x="%.1f" y="%d" text-anchor="middle">%d</text>' % (px(xv), h - bottom + 16, xv))
    out.append('<text x="%d" y="%d" text-anchor="middle">step</text>' % ((w - right + left) / 2, h - 6))
    out.append('<text x="14" y="%d" transform="rotate(-90 14 %d)" text-anchor="middle">%s</text>'
               % ((h) / 2, (h) / 2, ylabel))
    for i, (label, colour, pts) in enumerate(series):
        d = " ".join("%.1f,%.1f" % (px(x), py(y)) for x, y in pts)
        out.append('<polyline fill="none" stroke="%s" stroke-width="2" points="%s"/>' % (colour, d))
        out.append('<text x="%d" y="%d" fill="%s">%s</text>' % (w - right + 8, top + 16 * (i + 1), colour, label))
    out.append("</svg>")
    with open(path, "w") as f:
        f.write("\n".join(out) + "\n")


def finetune(runs):
    d = os.path.join(HERE, "docs", "results", "finetune")
    add, sub, ft = rows(runs, "grok-add"), rows(runs, "sub-scratch"), rows(runs, "add-to-sub")
    table = [("run", "task", "start", "steps to 99% test acc", "last step", "last test acc")]
    for name, task, start, rs in [("grok-add", "a+b mod 59", "seed 0", add),
                                  ("sub-scratch", "a-b mod 59", "seed 0", sub),
                                  ("add-to-sub", "a-b mod 59", "grok-add step 2500 (weights)", ft)]:
        s = first_at(rs, "test_acc", 0.99)
        table.append((name, task, start, "not reached" if s is None else str(s), str(int(rs[-1]["step"])),
                      "%.4f" % rs[-1]["test_acc"]))
    with open(os.path.join(d, "steps-to-99.csv"), "w", newline="") as f:
        csv.writer(f).writerows(table)
    rl = rows(runs, "reinforce")
    cols = ["step", "reward", "kl", "test_reward", "test_kl", "sample_reward", "train_acc", "test_acc"]
    with open(os.path.join(d, "reinforce.csv"), "w", newline="") as f:
        wr = csv.writer(f)
        wr.writerow(cols)
        for r in rl:
            wr.writerow([int(r["step"])] + ["" if r.get(c) is None else "%.6g" % r[c] for c in cols[1:]])
    svg(os.path.join(d, "reinforce.svg"), "REINFORCE with KL penalty (klCoef 0.1): reward and KL",
        [("reward (train)", "#1f77b4", [(r["step"], r["reward"]) for r in rl]),
         ("test_reward", "#2ca02c", [(r["step"], r["test_reward"]) for r in rl]),
         ("KL (train)", "#d62728", [(r["step"], r["kl"]) for r in rl])], "expected reward / KL (nats)", 0)
    with open(os.path.join(d, "summary.txt"), "w") as f:
        f.write("Fine-tuning a grokked a+b mod 59 model to a-b mod 59 (grokking-quick settings, threads=1)\n\n")
        for row in table:
            f.write("  %-12s %-11s %-30s %-22s %-9s %s\n" % row)
        f.write("\nREINFORCE fine-tune (recipes/finetune/reinforce.yaml) from grok-add step 727\n\n")
        f.write("  %6s %8s %8s %11s %8s %8s\n" % ("step", "reward", "kl", "test_reward", "test_kl", "test_acc"))
        for r in rl:
            if int(r["step"]) % 50 == 0 or r is rl[-1]:
                f.write("  %6d %8.4f %8.4f %11.4f %8.4f %8.4f\n" % (r["step"], r["reward"], r["kl"],
                                                                     r["test_reward"], r["test_kl"], r["test_acc"]))
        f.write("\n  max KL over the run: %.4f nats\n" % max(r["kl"] for r in rl))
        f.write("\n  the KL coefficient (runs reinforce-kl0, reinforce, reinforce-kl1; --set train.objective.klCoef=K)\n")
        f.write("  %7s %13s %13s %13s %13s\n" % ("klCoef", "reward 0->300", "kl at 300", "max kl", "test_acc 300"))
        for name, coef in [("reinforce-kl0", 0.0), ("reinforce", 0.1), ("reinforce-kl1", 1.0)]:
            if not os.path.exists(os.path.join(runs, name, "metrics.jsonl")):
                continue
            rs = rows(runs, name)
            f.write("  %7.1f %6.4f->%6.4f %13.4f %13.4f %13.4f\n" % (coef, rs[0]["reward"], rs[-1]["reward"],
                                                                  rs[-1]["kl"], max(r["kl"] for r in rs),
                                                                  rs[-1]["test_acc"]))


def adversarial(runs):
    d = os.path.join(HERE, "docs", "results", "adversarial")
    tr, cl = rows(runs, "adv-train"), rows(runs, "adv-clean")
    with open(os.path.join(d, "adversarial.csv"), "w", newline="") as f:
        wr = csv.writer(f)
        wr.writerow(["step", "adv_test_acc", "adv_robust_test_acc", "clean_test_acc", "clean_robust_test_acc"])
        for a, b in zip(tr, cl):
            wr.writerow([int(a["step"]), "%.6g" % a["test_acc"], "%.6g" % a["robust_test_acc"],
                         "%.6g" % b["test_acc"], "%.6g" % b["robust_test_acc"]])
    svg(os.path.join(d, "adversarial.svg"), "PGD (linf 0.03, 5 steps) on embeddings: test accuracy",
        [("adv. trained: clean", "#1f77b4", [(r["step"], r["test_acc"]) for r in tr]),
         ("adv. trained: robust", "#d62728", [(r["step"], r["robust_test_acc"]) for r in tr]),
         ("clean trained: clean", "#17becf", [(r["step"], r["test_acc"]) for r in cl]),
         ("clean trained: robust", "#ff7f0e", [(r["step"], r["robust_test_acc"]) for r in cl])],
        "test accuracy", 0, 1)
    with open(os.path.join(d, "summary.txt"), "w") as f:
        f.write("Adversarial training (recipes/finetune/adversarial.yaml), from grok-add step 2500, threads=1\n")
        f.write("attack: PGD on the token embeddings, linf epsilon 0.03, 5 steps of 0.015, from zero\n\n")
        f.write("  %-34s %12s %12s\n" % ("", "clean acc", "robust acc"))
        f.write("  %-34s %12.4f %12.4f\n" % ("start (grok-add step 2500)", tr[0]["test_acc"], tr[0]["robust_test_acc"]))
        f.write("  %-34s %12.4f %12.4f\n" % ("clean training, step %d" % cl[-1]["step"], cl[-1]["test_acc"],
                                            cl[-1]["robust_test_acc"]))
        f.write("  %-34s %12.4f %12.4f\n" % ("adversarial training, step %d" % tr[-1]["step"], tr[-1]["test_acc"],
                                            tr[-1]["robust_test_acc"]))


if __name__ == "__main__":
    runs = sys.argv[1] if len(sys.argv) > 1 else "runs"
    finetune(runs)
    adversarial(runs)
