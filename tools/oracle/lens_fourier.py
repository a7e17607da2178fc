#!/usr/bin/python3
"""Expected Fourier analyses of a small modular-addition transformer (Nanda et al. 2023), in float64
torch/numpy: restricted and excluded loss as the paper defines them (section 5.1: components of the
logits' 2-d Fourier transform over the inputs, built here from outer products of the 1-d basis, as in
the paper's notebook), and the TransformerLens grokking demo's neuron-based restricted loss.

    /usr/bin/python3 tools/oracle/lens_fourier.py
      -> lens/src/test/resources/oracle/fourier_model.safetensors  (weights, TransformerLens names)
         lens/src/test/resources/oracle/fourier.json               (inputs and expected values)

The model (p = 13, one layer, ReLU, no LayerNorm, frozen zero biases) has random weights except
its embedding, which is planted: frequencies 2 and 5 plus a little noise, so that the key
frequencies are known. The forward pass runs in float32 (as Vivarium's does); the analyses of
its outputs run in float64.
"""

import json
import math
import os
import sys

import numpy as np
import torch

sys.path.insert(0, os.path.dirname(__file__))
import safetensors_io  # noqa: E402
from models import HookedTransformerRef  # noqa: E402

P = 13
KEY_FREQS = [2, 5]
CFG = {"nLayers": 1, "dModel": 24, "nHeads": 2, "dHead": 12, "dMlp": 40, "dVocab": P + 1,
       "dVocabOut": P, "nCtx": 3, "act": "relu", "layerNorm": False, "attnOnly": False, "bias": False}


def fourier_basis(p):
    """Rows: const, cos 1, sin 1, ..., as in the demo (each row normalised)."""
    rows = [np.ones(p)]
    for k in range(1, p // 2 + 1):
        rows.append(np.cos(2 * np.pi * k * np.arange(p) / p))
        rows.append(np.sin(2 * np.pi * k * np.arange(p) / p))
    basis = np.stack(rows)[:p]
    return basis / np.linalg.norm(basis, axis=1, keepdims=True)


def gini(x):
    x = np.sort(np.asarray(x, dtype=np.float64))
    n = len(x)
    return float(np.sum((2 * np.arange(1, n + 1) - n - 1) * x) / (n * np.sum(x)))


def loss_fn(logits, labels):
    logp = torch.log_softmax(logits.to(torch.float64), dim=-1)
    return float(-logp.gather(-1, labels[:, None]).mean())


def main():
    out_dir = sys.argv[1] if len(sys.argv) > 1 else os.path.join(
        os.path.dirname(__file__), "..", "..", "lens", "src", "test", "resources", "oracle")
    gen = torch.Generator().manual_seed(1302)
    model = HookedTransformerRef(CFG)
    with torch.no_grad():
        for name, param in model.named_parameters():
            if param.requires_grad:
                param.copy_(torch.randn(param.shape, generator=gen) * 0.3)
        x = torch.arange(P, dtype=torch.float64)
        planted = torch.zeros(P + 1, CFG["dModel"], dtype=torch.float64)
        mix = torch.randn(4, CFG["dModel"], generator=gen, dtype=torch.float64)
        for i, k in enumerate(KEY_FREQS):
            planted[:P] += torch.cos(2 * math.pi * k * x / P)[:, None] * mix[2 * i]
            planted[:P] += torch.sin(2 * math.pi * k * x / P)[:, None] * mix[2 * i + 1]
        planted += 0.05 * torch.randn(P + 1, CFG["dModel"], generator=gen, dtype=torch.float64)
        model.embed.W_E.copy_(planted.float())

    a = torch.arange(P).repeat_interleave(P)
    b = torch.arange(P).repeat(P)
    tokens = torch.stack([a, b, torch.full_like(a, P)], dim=1)  # row a*P + b
    labels = (a + b) % P
    perm = torch.randperm(P * P, generator=gen)
    n_train = round(0.4 * P * P)
    train, test = perm[:n_train].sort().values, perm[n_train:].sort().values

    cache = {}
    with torch.no_grad():
        logits32 = model(tokens, cache)[:, -1]
    logits = logits32.double()
    neuron_acts = cache["blocks.0.mlp.hook_post"][:, -1].double()
    W_out = model.blocks[0].mlp.W_out.detach().double()
    W_U = model.unembed.W_U.detach().double()

    # neuron-restricted loss: TransformerLens demo, get_restricted_loss (MLP activations, test inputs)
    approx = torch.zeros_like(neuron_acts) + neuron_acts.mean(dim=0)
    ga = torch.arange(P)[:, None]
    gb = torch.arange(P)[None, :]
    for freq in KEY_FREQS:
        for f in (torch.cos, torch.sin):
            v = f(2 * torch.pi * freq * (ga + gb) / P).double()
            v = (v / v.norm()).reshape(P * P, 1)
            approx += (neuron_acts * v).sum(dim=0) * v
    neuron_logits = approx @ W_out @ W_U
    neuron_logits += logits.mean(dim=0, keepdim=True) - neuron_logits.mean(dim=0, keepdim=True)
    neuron_restricted = loss_fn(neuron_logits[test], labels[test])

    # the paper's cos(w(a+b)) and sin(w(a+b)) directions over the inputs, from the 2-d Fourier basis
    basis = torch.tensor(fourier_basis(P))
    directions = []
    for freq in KEY_FREQS:
        cc = torch.outer(basis[2 * freq - 1], basis[2 * freq - 1]).flatten()
        ss = torch.outer(basis[2 * freq], basis[2 * freq]).flatten()
        sc = torch.outer(basis[2 * freq], basis[2 * freq - 1]).flatten()
        cs = torch.outer(basis[2 * freq - 1], basis[2 * freq]).flatten()
        directions += [(cc - ss) / math.sqrt(2), (sc + cs) / math.sqrt(2)]  # cos(x+y), sin(x+y)

    # restricted loss (paper): keep the constant (class means over all inputs) and the key directions
    restricted_logits = logits.mean(dim=0, keepdim=True).repeat(P * P, 1)
    for d in directions:
        restricted_logits += d[:, None] @ (d[None, :] @ logits)
    restricted_all = loss_fn(restricted_logits, labels)
    restricted_train = loss_fn(restricted_logits[train], labels[train])
    restricted_test = loss_fn(restricted_logits[test], labels[test])

    # excluded loss (paper): remove the key directions of all key frequencies at once, train inputs
    excluded_logits = logits.clone()
    for d in directions:
        excluded_logits -= d[:, None] @ (d[None, :] @ logits)
    excluded = loss_fn(excluded_logits[train], labels[train])

    W_E = model.embed.W_E.detach().double().numpy()[:P]
    coeffs = fourier_basis(P) @ W_E
    basis_norms = np.linalg.norm(coeffs, axis=1)
    energy = [float(basis_norms[0] ** 2)] + [
        float(sum(basis_norms[i] ** 2 for i in (2 * k - 1, 2 * k))) for k in range(1, P // 2 + 1)]

    F = fourier_basis(P)
    acts = neuron_acts.numpy().reshape(P, P, -1)
    best_freq, best_share = [], []
    for j in range(acts.shape[2]):
        c = F @ acts[:, :, j] @ F.T
        c2 = c ** 2
        total = c2.sum() - c2[0, 0]
        shares = []
        for k in range(1, P // 2 + 1):
            idx = [0, 2 * k - 1, 2 * k]
            shares.append((c2[np.ix_(idx, idx)].sum() - c2[0, 0]) / total)
        best_freq.append(int(np.argmax(shares)) + 1)
        best_share.append(float(np.max(shares)))

    os.makedirs(out_dir, exist_ok=True)
    tensors = {n: p.detach().numpy() for n, p in model.state_dict().items()}
    safetensors_io.save(os.path.join(out_dir, "fourier_model.safetensors"), tensors,
                        {"config": json.dumps(CFG), "step": "0", "generator": "tools/oracle/lens_fourier.py"})
    expected = {
        "generator": "tools/oracle/lens_fourier.py", "torch": torch.__version__,
        "p": P, "key_freqs": KEY_FREQS, "train": train.tolist(), "test": test.tolist(),
        "restricted_loss_all": restricted_all, "restricted_loss_train": restricted_train,
        "restricted_loss_test": restricted_test, "excluded_loss": excluded,
        "neuron_restricted_loss_test": neuron_restricted,
        "train_loss": loss_fn(logits[train], labels[train]), "test_loss": loss_fn(logits[test], labels[test]),
        "basis_norms": basis_norms.tolist(), "energy": energy, "gini_embed": gini(basis_norms),
        "gini_neuron_logit": gini(np.linalg.norm((W_out @ W_U).numpy() @ F.T, axis=0)),
        "neuron_best_freq": best_freq, "neuron_best_share": best_share,
    }
    with open(os.path.join(out_dir, "fourier.json"), "w") as f:
        json.dump(expected, f)
    print("restricted (all) %.6g excluded %.6g neuron-restricted %.6g train %.6g test %.6g" % (
        restricted_all, excluded, neuron_restricted, expected["train_loss"], expected["test_loss"]))


if __name__ == "__main__":
    main()
