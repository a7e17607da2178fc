#!/usr/bin/python3
"""Expected toy-model-of-superposition measures for random weight matrices, by an independent numpy route.

    /usr/bin/python3 tools/oracle/lens_superposition.py   # -> lens/src/test/resources/oracle/superposition.json

Follows Elhage et al. 2022 in the reference notebook's layout: W stored as (n_features, n_hidden), one row a
feature; W_norm = W / ||W_i||; interference = W_norm @ W.T with its diagonal zeroed; superposition is the row's
sum of squares (the paper's sum_{j != i} (W^_i . W_j)^2), polysemanticity its norm (the notebook's colour);
dimensionality ||W_i||^2 / sum_j (W^_i . W_j)^2; dimensions per feature m / ||W||_F^2. Some cases have zeroed
features and an antipodal pair, which the measures must handle.
"""

import json
import os

import numpy as np


def measures(w_fh):
    norms = np.linalg.norm(w_fh, axis=1)
    safe = np.where(norms > 0, norms, 1.0)
    w_norm = w_fh / safe[:, None]
    inter = w_norm @ w_fh.T
    np.fill_diagonal(inter, 0.0)
    inter[norms == 0, :] = 0.0
    sup = (inter ** 2).sum(axis=1)
    poly = np.linalg.norm(inter, axis=1)
    full = ((w_norm @ w_fh.T) ** 2).sum(axis=1)
    dim = np.where(norms > 0, norms ** 2 / np.where(full > 0, full, 1.0), 0.0)
    dstar = w_fh.shape[1] / (w_fh ** 2).sum()
    return norms, sup, poly, dim, dstar


def main():
    rng = np.random.default_rng(20221)
    cases = []
    for n, m in [(20, 5), (6, 2), (40, 10)]:
        w_fh = rng.normal(0.0, 0.6, size=(n, m))
        w_fh[n - 2, :] = 0.0  # a feature that is not represented
        w_fh[1, :] = -w_fh[0, :]  # an antipodal pair
        w_fh = w_fh.astype(np.float32).astype(np.float64)
        norms, sup, poly, dim, dstar = measures(w_fh)
        cases.append({
            "m": m,
            "n": n,
            "W": w_fh.T.tolist(),  # Vivarium's W is (m, n): column i is feature i
            "norms": norms.tolist(),
            "superposition": sup.tolist(),
            "polysemanticity": poly.tolist(),
            "dimensionality": dim.tolist(),
            "dimensions_per_feature": float(dstar),
        })
    out = os.path.join(os.path.dirname(__file__), "../../lens/src/test/resources/oracle/superposition.json")
    with open(out, "w") as f:
        json.dump({"source": "tools/oracle/lens_superposition.py", "cases": cases}, f)


if __name__ == "__main__":
    main()
