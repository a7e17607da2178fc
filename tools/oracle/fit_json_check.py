#!/usr/bin/python3
"""Independent check of a fit's JSON (vivarium-fit/1) against its bootstrap replicates, with numpy.

usage: fit_json_check.py FIT.json REPLICATES.json
REPLICATES.json: {"names": [...], "replicates": [[...], ...]} -- the natural parameters of every bootstrap refit.

The law is E + A / x^alpha (saturating) or A / x^alpha (power). Checks: the curve is the law at the fitted
parameters; the grid is log-spaced from the smallest input to the largest fitted one, then on to the end of the
extrapolation; the band is numpy's 5th and 95th percentiles of the law over the replicates at each x; every
parameter's interval is the replicates' percentile interval at its level; held-out errors are y - forecast and
log(y / forecast). Prints OK and exits 0, or says what differs and exits 1.
"""
import json
import sys

import numpy as np


def law(p, x):
    e = p.get("E", 0.0)
    return e + p["A"] * np.power(x, -p["alpha"])


def close(what, got, want, rtol=1e-9):
    got = np.asarray(got, dtype=float)
    want = np.asarray(want, dtype=float)
    if got.shape != want.shape or not np.allclose(got, want, rtol=rtol, atol=0):
        worst = np.max(np.abs(got - want) / np.abs(want)) if got.shape == want.shape else "shape"
        print(f"{what}: got {got.tolist()[:6]}..., want {want.tolist()[:6]}... (worst relative {worst})")
        sys.exit(1)


def main():
    fit = json.load(open(sys.argv[1]))
    rep = json.load(open(sys.argv[2]))
    names = rep["names"]
    reps = np.array(rep["replicates"], dtype=float)
    params = {p["name"]: p["value"] for p in fit["parameters"]}
    assert [p["name"] for p in fit["parameters"]] == names, (fit["parameters"], names)
    for j, p in enumerate(fit["parameters"]):
        tail = (1 - p["level"]) / 2
        lo, hi = np.percentile(reps[:, j], [100 * tail, 100 * (1 - tail)])
        close("interval of " + p["name"], [p["lo"], p["hi"]], [lo, hi])
        close("SE of " + p["name"], p["se"], np.std(reps[:, j], ddof=1), rtol=1e-6)

    c = fit["curve"]
    x = np.array(c["x"], dtype=float)
    fitted = [d for d in fit["data"] if d["set"] == "fit"]
    held = [d for d in fit["data"] if d["set"] == "heldout"]
    xs = [d["x"] for d in fitted]
    lo, data_max = min(xs + [d["x"] for d in held]), max(xs)
    close("dataRange", fit["dataRange"], [lo, data_max])
    inside = 80
    close("grid start and data end", [x[0], x[inside]], [lo, data_max])
    steps = np.diff(np.log(x[: inside + 1]))
    close("log spacing inside the data", steps, np.full(inside, np.log(data_max / lo) / inside), rtol=1e-7)
    if fit["extrapolation"] is not None:
        end = fit["extrapolation"][1]
        close("extrapolation", fit["extrapolation"], [data_max, end])
        beyond = np.diff(np.log(x[inside:]))
        close("log spacing beyond", beyond, np.full(len(x) - 1 - inside, np.log(end / data_max) / (len(x) - 1 - inside)),
              rtol=1e-7)
        close("grid end", x[-1], end)
    else:
        assert len(x) == inside + 1, len(x)

    close("curve", c["y"], law(params, x), rtol=1e-9)
    values = np.array([law(dict(zip(names, r)), x) for r in reps])  # [replicate, x]
    band = np.percentile(values, [5, 95], axis=0)
    assert abs(c["bandLevel"] - 0.9) < 1e-12, c["bandLevel"]
    close("band lower (5%)", c["bandLo"], band[0])
    close("band upper (95%)", c["bandHi"], band[1])

    for d in held:
        close("error of " + d["id"], d["error"], d["y"] - d["forecast"])
        close("log error of " + d["id"], d["logError"], np.log(d["y"] / d["forecast"]))
        assert d["inside"] == (d["lo"] <= d["y"] <= d["hi"]), d
    if held:
        le = np.log(np.array([d["y"] for d in held]) / np.array([d["forecast"] for d in held]))
        close("mean |log error|", fit["heldout"]["meanAbsLogError"], np.mean(np.abs(le)))
        close("rms log error", fit["heldout"]["rmsLogError"], np.sqrt(np.mean(le ** 2)))
    print("OK", len(x), "grid points,", len(reps), "replicates")


main()
