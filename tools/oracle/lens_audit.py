#!/usr/bin/python3
"""Expected AUROC and spectral-signature scores for the audit tests, by independent routes.

    /usr/bin/python3 tools/oracle/lens_audit.py   # -> lens/src/test/resources/oracle/audit.json

AUROC: scipy.stats.mannwhitneyu's U statistic of the positives over n+ n- (scipy ranks ties by their mean),
checked against the brute-force count of positive-negative pairs (ties 1/2). Spectral signatures (Tran et
al. 2018): numpy's SVD of the centred matrix, score = squared projection on the top right singular vector.
"""

import json
import os

import numpy as np
from scipy.stats import mannwhitneyu

rng = np.random.default_rng(12)
cases = []
for n_pos, n_neg, decimals in [(7, 13, 1), (40, 60, 2), (3, 200, 0), (25, 25, 3)]:
    pos = rng.normal(0.7, 1.0, n_pos).round(decimals)
    neg = rng.normal(0.0, 1.0, n_neg).round(decimals)
    u = mannwhitneyu(pos, neg, alternative="two-sided").statistic
    brute = sum((p > q) + 0.5 * (p == q) for p in pos for q in neg)
    assert abs(u - brute) < 1e-9, (u, brute)
    scores = np.concatenate([pos, neg])
    labels = np.array([True] * n_pos + [False] * n_neg)
    perm = rng.permutation(len(scores))
    cases.append({"scores": scores[perm].tolist(), "positive": labels[perm].tolist(),
                  "auroc": float(u) / (n_pos * n_neg)})

spectral = []
for n, d in [(30, 8), (12, 20)]:
    x = rng.normal(size=(n, d)) + np.outer(rng.normal(size=n), rng.normal(size=d)) * 2
    m = x - x.mean(axis=0)
    _, s, vt = np.linalg.svd(m, full_matrices=False)
    spectral.append({"x": x.tolist(), "scores": ((m @ vt[0]) ** 2).tolist(),
                     "top_fraction": float(s[0] ** 2 / np.sum(s ** 2))})

out = os.path.join(os.path.dirname(__file__), "..", "..", "lens", "src", "test", "resources", "oracle",
                   "audit.json")
with open(out, "w") as f:
    json.dump({"auroc": cases, "spectral": spectral}, f)
print("wrote", os.path.normpath(out))
