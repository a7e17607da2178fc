#!/usr/bin/python3
"""Oracle for dev.vivarium.laws.fit.ChinchillaFitTest: the Approach 3 fit of L(N, D) on the 240
lowest-loss points of data/chinchilla, done with scipy as in Besiroglu et al. 2024.

Run with Debian's python (it has numpy and scipy): /usr/bin/python3 tools/oracle/chinchilla_fit.py
The numbers it prints are hard-coded as expected values in the test.
"""
import itertools
import pathlib
import sys

import numpy as np
from scipy.optimize import minimize
from scipy.special import huber, logsumexp

root = pathlib.Path(__file__).resolve().parents[2]
csv = root / "data" / "chinchilla" / "svg_extracted_data.csv"
data = np.genfromtxt(csv, delimiter=",", names=True, dtype=None, encoding="utf-8", comments=None)
N = data["Model_Size"].astype(float)
C = data["Training_FLOP"].astype(float)
L = data["loss"].astype(float)
keep = np.argsort(L)[:240]
N, C, L = N[keep], C[keep], L[keep]
D = C / (6 * N)
logN, logD, logL = np.log(N), np.log(D), np.log(L)


def objective(p, delta=1e-3):
    a, b, e, alpha, beta = p
    pred = logsumexp([a - alpha * logN, b - beta * logD, e * np.ones_like(logN)], axis=0)
    return np.sum(huber(delta, pred - logL))


best = None
grid = itertools.product(np.arange(0, 30, 5), np.arange(0, 30, 5), np.arange(-1, 1.5, 0.5),
                         np.arange(0, 2.5, 0.5), np.arange(0, 2.5, 0.5))
for start in grid:
    r = minimize(objective, np.array(start, dtype=float), method="L-BFGS-B")
    if best is None or r.fun < best.fun:
        best = r
a, b, e, alpha, beta = best.x
print(f"objective {best.fun:.10g}")
print(f"E {np.exp(e):.6f} A {np.exp(a):.4f} B {np.exp(b):.4f} alpha {alpha:.6f} beta {beta:.6f}")
print(f"theta {best.x.tolist()}")
print(f"a = beta/(alpha+beta) {beta / (alpha + beta):.6f}")
sys.exit(0)
