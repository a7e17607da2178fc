#!/usr/bin/python3
"""Expected power-law fits (Clauset, Shalizi and Newman 2009), computed independently with numpy and scipy.

    /usr/bin/python3 tools/oracle/lens_powerlaw.py
      -> lens/src/test/resources/oracle/powerlaw.json

For each data set: every distinct value leaving >= 10 points is a candidate xmin; alpha is the continuous
MLE 1 + n / sum(ln(x / xmin)); D is scipy.stats.kstest(tail, power-law CDF), the two-sided KS statistic;
xmin minimises D. The same scan with a one-sided distance (max_i i/n - P(x_i), as a buggy fit would take)
is written beside it, to show that the convention changes the answer. The goodness-of-fit p-value is the
semi-parametric bootstrap of CSN section 4.1, with numpy's generator (so Java's p can only agree within
Monte Carlo error, which the test allows).
"""

import json
import os
import sys

import numpy as np
from scipy import stats

MIN_TAIL = 10
SETS = 1000


def candidates(x):
    x = np.sort(x)
    n = len(x)
    for k in range(n - MIN_TAIL + 1):
        if k > 0 and x[k] == x[k - 1]:
            continue
        yield k, x[k], x[k:]


def fit(x, one_sided=False):
    best = None
    for k, xmin, tail in candidates(x):
        s = np.sum(np.log(tail / xmin))
        if not s > 0:
            continue
        alpha = 1 + len(tail) / s
        cdf = lambda v: 1 - (v / xmin) ** (1 - alpha)  # noqa: E731
        if one_sided:
            m = len(tail)
            d = float(np.max(np.arange(1, m + 1) / m - cdf(np.sort(tail))))
        else:
            d = float(stats.kstest(tail, cdf).statistic)
        if best is None or d < best["ks"]:
            best = {"alpha": float(alpha), "xmin": float(xmin), "ks": d, "tail": int(len(tail))}
    return best


def ks_fast(x):
    """The two-sided scan, vectorised per candidate (for the bootstrap): the smallest D."""
    x = np.sort(x)
    n = len(x)
    logs = np.log(x)
    best = np.inf
    for k in range(n - MIN_TAIL + 1):
        if k > 0 and x[k] == x[k - 1]:
            continue
        m = n - k
        s = logs[k:].sum() - m * logs[k]
        if not s > 0:
            continue
        alpha = 1 + m / s
        cdf = 1 - (x[k:] / x[k]) ** (1 - alpha)
        i = np.arange(m)
        d = max(np.max((i + 1) / m - cdf), np.max(cdf - i / m))
        best = min(best, d)
    return best


def p_value(x, f, rng):
    x = np.sort(x)
    n = len(x)
    below = x[: n - f["tail"]]
    hits = 0
    for _ in range(SETS):
        from_tail = rng.random(n) < f["tail"] / n if len(below) else np.ones(n, bool)
        synth = np.empty(n)
        t = int(from_tail.sum())
        synth[from_tail] = f["xmin"] * (1 - rng.random(t)) ** (-1 / (f["alpha"] - 1))
        synth[~from_tail] = below[rng.integers(0, len(below), n - t)] if len(below) else []
        hits += ks_fast(synth) >= f["ks"]
    return hits / SETS


def main():
    out = sys.argv[1] if len(sys.argv) > 1 else os.path.join(
        os.path.dirname(__file__), "..", "..", "lens", "src", "test", "resources", "oracle", "powerlaw.json")
    rng = np.random.default_rng(2009)
    sets = {
        # a pure power law, alpha 2.5 from xmin 1
        "pareto": 1 + rng.pareto(1.5, 200),
        # a lognormal body under a power-law tail (alpha 3 from 5)
        "lognormal_body_pareto_tail": np.concatenate([rng.lognormal(0.5, 0.5, 150), 5 * (1 + rng.pareto(2.0, 60))]),
        # an exponential: no power law at all
        "exponential": rng.exponential(1.0, 200),
        # the eigenvalues of W^T W for a Gaussian 64 x 128 W (Marchenko-Pastur bulk, no heavy tail)
        "marchenko_pastur": np.linalg.svd(rng.standard_normal((64, 128)) / np.sqrt(128), compute_uv=False) ** 2,
    }
    expected = {"generator": "tools/oracle/lens_powerlaw.py", "numpy": np.__version__,
                "scipy": __import__("scipy").__version__, "bootstrap_sets": SETS, "cases": {}}
    prng = np.random.default_rng(41)
    for name, x in sets.items():
        f = fit(x)
        one = fit(x, one_sided=True)
        f["p"] = p_value(x, f, prng)
        expected["cases"][name] = {"data": [float(v) for v in x], "fit": f, "one_sided_fit": one}
        print(name, f, "one-sided:", one)
    with open(out, "w") as fh:
        json.dump(expected, fh)


if __name__ == "__main__":
    main()
