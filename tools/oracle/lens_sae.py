"""Oracle for the sae analysis: reads an SAE saved by Vivarium the way SAELens would, and scores it with numpy.

usage: lens_sae.py SAE_DIR ACTIVATIONS.safetensors OUT.json

SAE_DIR holds cfg.json and sae_weights.safetensors (SAELens's file names). The weights must be W_enc [d_in, d_sae],
W_dec [d_sae, d_in], b_enc [d_sae] and b_dec [d_in], float32; the forward pass is SAELens's for the "standard" and
"topk" architectures with apply_b_dec_to_input:

    f     = act((x - b_dec) @ W_enc + b_enc)      act = ReLU, or TopK(k) then ReLU
    x_hat = f @ W_dec + b_dec

ACTIVATIONS holds "x" [n, d_in]. Writes the names and shapes found, L0 (mean count of f > 0 per row), FVU
(sum ||x - x_hat||^2 / sum ||x - mean x||^2), the dead fraction (latents with f = 0 on every row), and x_hat of the
first rows, all computed in float64 from the float32 weights.
"""

import json
import os
import sys

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import safetensors_io  # noqa: E402


def main():
    sae_dir, acts_path, out_path = sys.argv[1:4]
    with open(os.path.join(sae_dir, "cfg.json")) as f:
        cfg = json.load(f)
    w, _ = safetensors_io.load(os.path.join(sae_dir, "sae_weights.safetensors"))
    x = safetensors_io.load(acts_path)[0]["x"].astype(np.float64)
    w_enc = w["W_enc"].astype(np.float64)
    w_dec = w["W_dec"].astype(np.float64)
    b_enc = w["b_enc"].astype(np.float64)
    b_dec = w["b_dec"].astype(np.float64)
    assert cfg["apply_b_dec_to_input"]
    pre = (x - b_dec) @ w_enc + b_enc
    if cfg["architecture"] == "topk":
        k = cfg["k"]
        keep = np.argpartition(-pre, k - 1, axis=1)[:, :k]
        f = np.zeros_like(pre)
        rows = np.arange(pre.shape[0])[:, None]
        f[rows, keep] = np.maximum(pre[rows, keep], 0)
    else:
        f = np.maximum(pre, 0)
    x_hat = f @ w_dec + b_dec
    out = {
        "names": sorted(w.keys()),
        "shapes": {name: list(a.shape) for name, a in w.items()},
        "dtypes": {name: str(a.dtype) for name, a in w.items()},
        "d_in": cfg["d_in"],
        "d_sae": cfg["d_sae"],
        "l0": float((f > 0).sum(axis=1).mean()),
        "fvu": float(((x - x_hat) ** 2).sum() / ((x - x.mean(axis=0)) ** 2).sum()),
        "dead_fraction": float(((f > 0).sum(axis=0) == 0).mean()),
        "x_hat_first_rows": x_hat[:8].tolist(),
    }
    with open(out_path, "w") as f_out:
        json.dump(out, f_out)


if __name__ == "__main__":
    main()
