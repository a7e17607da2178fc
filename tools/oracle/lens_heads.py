#!/usr/bin/python3
"""Expected induction-head scores (Olsson et al. 2022) of a small two-layer attention-only transformer, in
float64 numpy, by a route independent of Vivarium's: the forward pass written out with einsum, the scores read
off the attention patterns with numpy's diagonal offsets, the copying score from numpy's general eigenvalues.

    /usr/bin/python3 tools/oracle/lens_heads.py
      -> lens/src/test/resources/oracle/heads_model.safetensors  (weights, TransformerLens names)
         lens/src/test/resources/oracle/heads.json               (sequences and expected values)

Layout of a sequence (Vivarium's induction task): [BOS, x_1 .. x_m, x_1 .. x_m, c ...], 2L+1 tokens, BOS = vocab,
a prefix of m in {L-1, L} tokens (the largest m whose prefix the next m tokens repeat).
  previous-token score: mean over examples and q = 1..2L of pattern[q, q-1]
  prefix-matching score: mean over examples and their q = m+1..2m of pattern[q, q-m+1], each query once
  copying score: sum(eig) / sum(|eig|) of W_E[:vocab] W_V W_O W_U
  loss by position: cross-entropy of the logits at position p against the token at p+1

The weights are random except that layer 0's head 0 is planted to attend to the previous token (through the
positional embeddings) and layer 1's head 0 to copy (W_V W_O close to a multiple of the identity on the
embedding), so the scores span their range. Only numpy is needed.
"""

import json
import os
import sys

import numpy as np

sys.path.insert(0, os.path.dirname(__file__))
import safetensors_io  # noqa: E402

V, L, D, H, E = 6, 4, 12, 2, 6
T = 2 * L + 1
CFG = {"nLayers": 2, "dModel": D, "nHeads": H, "dHead": E, "dMlp": 0, "dVocab": V + 1, "dVocabOut": V,
       "nCtx": T, "act": "relu", "layerNorm": False, "attnOnly": True, "bias": False}


def weights(rng):
    w = {"embed.W_E": rng.normal(0, 0.5, (V + 1, D)), "pos_embed.W_pos": rng.normal(0, 0.5, (T, D))}
    for l in range(2):
        b = "blocks.%d.attn." % l
        w[b + "W_Q"] = rng.normal(0, 0.6, (H, D, E))
        w[b + "W_K"] = rng.normal(0, 0.6, (H, D, E))
        w[b + "W_V"] = rng.normal(0, 0.4, (H, D, E))
        w[b + "W_O"] = rng.normal(0, 0.4, (H, E, D))
    # plant a previous-token head: position p's query matches position p-1's key, strongly
    pos = w["pos_embed.W_pos"]
    shift = np.zeros((T, T))
    for p in range(1, T):
        shift[p, p - 1] = 1.0
    # W_Q W_K^T restricted to positions: pos W_Q W_K^T pos^T ~ 8 * shift (rank cut to dHead)
    target = 8.0 * shift
    pinv = np.linalg.pinv(pos)
    m = pinv @ target @ pinv.T  # [D, D] with pos m pos^T = target (pos has full row rank when T <= D)
    u, s, vt = np.linalg.svd(m)
    w["blocks.0.attn.W_Q"][0] = u[:, :E] * np.sqrt(s[:E])
    w["blocks.0.attn.W_K"][0] = vt[:E].T * np.sqrt(s[:E])
    # plant a copying OV on layer 1 head 0: W_V W_O = c * projection onto the embedding's span
    emb = w["embed.W_E"][:V]
    basis, _ = np.linalg.qr(emb.T)  # [D, V]
    w["blocks.1.attn.W_V"][0] = basis[:, :E] * 2.0
    w["blocks.1.attn.W_O"][0] = basis[:, :E].T * 2.0
    w["unembed.W_U"] = np.linalg.pinv(emb) + rng.normal(0, 0.1, (D, V))
    w = {n: a.astype(np.float32) for n, a in w.items()}
    for l in range(2):
        b = "blocks.%d.attn." % l
        w[b + "b_Q"] = np.zeros((H, E), np.float32)
        w[b + "b_K"] = np.zeros((H, E), np.float32)
        w[b + "b_V"] = np.zeros((H, E), np.float32)
        w[b + "b_O"] = np.zeros((D,), np.float32)
    w["unembed.b_U"] = np.zeros((V,), np.float32)
    return w


def forward(w, tokens):
    """Attention-only, no LayerNorm, no biases; returns logits and each layer's pattern, float64."""
    f = {n: a.astype(np.float64) for n, a in w.items()}
    resid = f["embed.W_E"][tokens] + f["pos_embed.W_pos"][None, :T]
    patterns = []
    causal = np.tril(np.ones((T, T), bool))
    for l in range(2):
        b = "blocks.%d.attn." % l
        q = np.einsum("bpd,hde->bhpe", resid, f[b + "W_Q"])
        k = np.einsum("bpd,hde->bhpe", resid, f[b + "W_K"])
        v = np.einsum("bpd,hde->bhpe", resid, f[b + "W_V"])
        scores = np.einsum("bhqe,bhke->bhqk", q, k) / np.sqrt(E)
        scores = np.where(causal, scores, -np.inf)
        scores -= scores.max(-1, keepdims=True)
        pat = np.exp(scores)
        pat /= pat.sum(-1, keepdims=True)
        patterns.append(pat)
        z = np.einsum("bhqk,bhke->bhqe", pat, v)
        resid = resid + np.einsum("bhqe,hed->bqd", z, f[b + "W_O"])
    return resid @ f["unembed.W_U"], patterns


def main():
    out_dir = sys.argv[1] if len(sys.argv) > 1 else os.path.join(
        os.path.dirname(__file__), "..", "..", "lens", "src", "test", "resources", "oracle")
    rng = np.random.default_rng(1302)
    w = weights(rng)
    n = 24
    rows = []
    for i in range(n):
        m = L - (i % 2)
        x = rng.integers(0, V, m)
        rows.append(np.concatenate([[V], x, x, rng.integers(0, V, 2 * (L - m))]))
    tokens = np.stack(rows).astype(np.int64)
    periods = []
    for t in tokens:
        periods.append(max(m for m in (L - 1, L) if np.array_equal(t[1:1 + m], t[1 + m:1 + 2 * m])))
    logits, patterns = forward(w, tokens)
    prev, match = [], []
    for pat in patterns:
        # offset -1 diagonal: (q, q-1) for q = 1..2L
        prev.append(np.diagonal(pat, offset=-1, axis1=2, axis2=3).mean(axis=(0, 2)).tolist())
        # offset -(m-1) diagonal: (q, q-m+1) for q = m-1..2L; keep q = m+1..2m (entries 2 .. m+1)
        total = np.zeros(H)
        for i, m in enumerate(periods):
            d = np.diagonal(pat[i], offset=-(m - 1), axis1=1, axis2=2)  # [H, 2L+2-m]
            total += d[:, 2:m + 2].sum(axis=1)
        match.append((total / sum(periods)).tolist())
    f = {k: a.astype(np.float64) for k, a in w.items()}
    copying = []
    for l in range(2):
        row = []
        for h in range(H):
            ov = f["embed.W_E"][:V] @ f["blocks.%d.attn.W_V" % l][h] @ f["blocks.%d.attn.W_O" % l][h] @ f["unembed.W_U"]
            lam = np.linalg.eigvals(ov)
            row.append(float(np.sum(lam).real / np.sum(np.abs(lam))))
        copying.append(row)
    z = logits - logits.max(-1, keepdims=True)
    logp = z - np.log(np.exp(z).sum(-1, keepdims=True))
    targets = tokens[:, 1:]
    nll = -np.take_along_axis(logp[:, :-1], targets[..., None], -1)[..., 0]  # [n, 2L]
    rep = np.mean(np.concatenate([nll[i, m + 1:2 * m] for i, m in enumerate(periods)]))
    first = np.mean(np.concatenate([nll[i, 1:m] for i, m in enumerate(periods)]))
    os.makedirs(out_dir, exist_ok=True)
    safetensors_io.save(os.path.join(out_dir, "heads_model.safetensors"), w,
                        {"config": json.dumps(CFG), "step": "0", "generator": "tools/oracle/lens_heads.py"})
    expected = {
        "generator": "tools/oracle/lens_heads.py", "numpy": np.__version__,
        "vocab": V, "prefixLen": L, "config": CFG,
        "tokens": tokens.tolist(), "periods": periods,
        "previous_token": prev, "prefix_matching": match, "copying": copying,
        "loss_by_position": nll.mean(0).tolist(), "loss_repeat": float(rep), "loss_first": float(first),
    }
    with open(os.path.join(out_dir, "heads.json"), "w") as fh:
        json.dump(expected, fh, indent=1)
        fh.write("\n")
    print("previous-token", np.round(prev, 3).tolist(), "prefix matching", np.round(match, 3).tolist(),
          "copying", np.round(copying, 3).tolist())


if __name__ == "__main__":
    main()
