#!/usr/bin/python3
"""Expected linear and debiased linear CKA for random matrices, by an independent numpy route.

    /usr/bin/python3 tools/oracle/lens_cka.py   # -> lens/src/test/resources/oracle/cka.json

Unlike the feature-space formulas Vivarium uses, this goes through n x n Gram matrices: K = X X^T,
centred with H = I - 11^T/n for linear CKA (HSIC = tr(KHLH)), and with the U-statistic centring of
Song et al. (2012) for the debiased form (Kornblith et al. 2019, ``center_gram(unbiased=True)``).
"""

import json
import os
import sys

import numpy as np


def center_gram(gram, unbiased):
    gram = gram.copy()
    n = gram.shape[0]
    if unbiased:
        np.fill_diagonal(gram, 0)
        means = np.sum(gram, 0) / (n - 2)
        means -= np.sum(means) / (2 * (n - 1))
        gram -= means[:, None]
        gram -= means[None, :]
        np.fill_diagonal(gram, 0)
    else:
        h = np.eye(n) - np.ones((n, n)) / n
        gram = h @ gram @ h
    return gram


def cka(x, y, debiased):
    k = center_gram(x @ x.T, debiased)
    l = center_gram(y @ y.T, debiased)
    hsic = np.sum(k * l)
    return hsic / np.sqrt(np.sum(k * k) * np.sum(l * l))


def main():
    out = sys.argv[1] if len(sys.argv) > 1 else os.path.join(
        os.path.dirname(__file__), "..", "..", "lens", "src", "test", "resources", "oracle", "cka.json")
    rng = np.random.default_rng(20190501)
    cases = []
    for n, p1, p2, related in [(40, 7, 5, False), (60, 10, 12, True), (25, 30, 3, True), (100, 4, 4, False)]:
        x = rng.normal(size=(n, p1)) * rng.uniform(0.5, 3.0, size=p1)
        if related:
            y = np.tanh(x @ rng.normal(size=(p1, p2))) + 0.3 * rng.normal(size=(n, p2))
        else:
            y = rng.normal(size=(n, p2)) + 2.0
        cases.append({
            "x": x.tolist(), "y": y.tolist(),
            "linear": cka(x, y, False), "debiased": cka(x, y, True),
        })
    with open(out, "w") as f:
        json.dump({"generator": "tools/oracle/lens_cka.py", "numpy": np.__version__, "cases": cases}, f)
    print("wrote", out)


if __name__ == "__main__":
    main()
