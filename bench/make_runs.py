#!/usr/bin/env python3
"""Synthetic run directories in Vivarium's real formats, for benchmarks of commands that read many runs.

    make_runs.py DIR [RUNS] [ROWS]     # defaults: 1000 runs, 100 logged steps each

Each run DIR/synth-NNNN/ gets config.yaml (a resolved grokking-quick-like recipe with train.lr,
train.weightDecay and seed varied), status.json (COMPLETED) and metrics.jsonl (one JSON object per logged
step with the 18 columns a one-layer transformer logs). Only the standard library is used.
"""
import json
import math
import os
import random
import sys

CONFIG = """name: synth
description: synthetic run for benchmarks
seed: {seed}
threads: 2
task:
  kind: modular
  p: 59
  op: add
  trainFraction: 0.4
model:
  kind: transformer
  nLayers: 1
  dModel: 128
  nHeads: 4
  dHead: 32
  dMlp: 512
  act: relu
  layerNorm: false
  attnOnly: false
  bias: false
  dVocab: 60
  dVocabOut: 59
  nCtx: 3
train:
  optimizer: adamw
  lr: {lr}
  weightDecay: {wd}
  decay:
  - '**'
  betas:
  - 0.9
  - 0.98
  eps: 1.0E-8
  momentum: 0.0
  warmupSteps: 10
  steps: {steps}
  batchSize: null
  logEvery: 25
  checkpoints: 20
  evalBatch: 65536
  stopAtTestAcc: null
"""

NORMS = ["norm.embed.W_E", "norm.pos_embed.W_pos", "norm.blocks.0.attn.W_Q", "norm.blocks.0.attn.W_K",
         "norm.blocks.0.attn.W_V", "norm.blocks.0.attn.W_O", "norm.blocks.0.mlp.W_in", "norm.blocks.0.mlp.W_out",
         "norm.unembed.W_U"]


def write(path, text):
    with open(path, "w") as f:
        f.write(text)


def main():
    root = sys.argv[1]
    runs = int(sys.argv[2]) if len(sys.argv) > 2 else 1000
    rows = int(sys.argv[3]) if len(sys.argv) > 3 else 100
    rng = random.Random(0)
    every = 25
    steps = every * (rows - 1)
    for i in range(runs):
        d = os.path.join(root, "synth-%04d" % i)
        os.makedirs(os.path.join(d, "checkpoints"), exist_ok=True)
        lr = [3e-4, 1e-3, 3e-3][i % 3]
        wd = [0.1, 0.3, 1.0, 3.0][i % 4]
        write(os.path.join(d, "config.yaml"), CONFIG.format(seed=i, lr=lr, wd=wd, steps=steps))
        started = "2026-01-01T00:%02d:%02d.%09dZ" % (i // 60 % 60, i % 60, i)
        write(os.path.join(d, "status.json"), json.dumps({
            "state": "COMPLETED", "recipe": "synth", "pid": 1000 + i, "host": "bench",
            "startedAt": started, "heartbeatAt": started, "step": steps, "totalSteps": steps}, indent=2) + "\n")
        grok = rng.uniform(0.2, 0.9) * steps
        lines = []
        for r in range(rows):
            s = r * every
            acc = 1 / (1 + math.exp(-(s - grok) / (0.05 * steps)))
            row = {"step": s, "train_loss": 4.1 * math.exp(-s / 200) + 1e-3, "test_loss": 4.1 * (1 - acc) + 0.01,
                   "train_acc": min(1.0, 0.02 + s / 200), "test_acc": acc, "lr": lr if s >= 10 else lr * s / 10}
            if s > 0:
                row["grad_norm"] = rng.uniform(0.05, 0.5)
            row["weight_norm"] = 41 + rng.uniform(-1, 1)
            for n in NORMS:
                row[n] = rng.uniform(1, 25)
            row["wall_s"] = 0.05 * s + 0.5
            lines.append(json.dumps(row, separators=(",", ":")))
        write(os.path.join(d, "metrics.jsonl"), "\n".join(lines) + "\n")


if __name__ == "__main__":
    main()
