#!/usr/bin/python3
"""Write the PyTorch reference fixtures for Vivarium's model tests.

    /usr/bin/python3 tools/oracle/make_fixtures.py [OUT_DIR]

OUT_DIR defaults to core/src/test/resources/fixtures/ of this repository.
Everything is drawn from fixed seeds and computed on one thread, so running
the script again gives byte-identical files. Before writing, the reference
models are checked against an independent float64 numpy implementation
(forward, hook activations, loss and finite-difference gradients).
"""

import json
import math
import os
import sys

import numpy as np
import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import safetensors_io  # noqa: E402
from models import HookedTransformerRef, MlpRef, mlp_loss, transformer_loss  # noqa: E402

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
DEFAULT_OUT = os.path.join(REPO, "core", "src", "test", "resources", "fixtures")

WEIGHT_STD = 0.4


def transformer_config(**kw):
    keys = ["nLayers", "dModel", "nHeads", "dHead", "dMlp", "dVocab", "dVocabOut",
            "nCtx", "act", "layerNorm", "attnOnly", "bias"]
    assert set(kw) == set(keys), set(kw) ^ set(keys)
    return {k: kw[k] for k in keys}


def mlp_config(**kw):
    keys = ["input", "nInputs", "dVocab", "dEmbed", "depth", "width", "act", "dOut", "bias"]
    assert set(kw) == set(keys), set(kw) ^ set(keys)
    return {k: kw[k] for k in keys}


def init_weights(model, gen):
    """Deterministic, deliberately non-trivial weights.

    Matrices and (trainable) biases ~ N(0, 0.4^2); LayerNorm w = 1 + 0.1 N,
    LayerNorm b = 0.1 N; frozen biases stay zero.
    """
    with torch.no_grad():
        for name, p in model.named_parameters():
            leaf = name.rsplit(".", 1)
            is_ln = len(leaf) == 2 and leaf[0].split(".")[-1] in ("ln1", "ln2", "ln_final")
            noise = torch.randn(p.shape, generator=gen, dtype=torch.float32)
            if not p.requires_grad:
                p.zero_()
            elif is_ln and leaf[1] == "w":
                p.copy_(1.0 + 0.1 * noise)
            elif is_ln and leaf[1] == "b":
                p.copy_(0.1 * noise)
            else:
                p.copy_(WEIGHT_STD * noise)


# --------------------------------------------------------------------------
# Independent float64 numpy implementations (loops and plain matmuls)
# --------------------------------------------------------------------------


def np_act(name, x):
    if name == "relu":
        return np.maximum(x, 0.0)
    erf = np.vectorize(math.erf)
    return 0.5 * x * (1.0 + erf(x / math.sqrt(2.0)))


def np_layer_norm(x, w, b):
    out = np.empty_like(x)
    for idx in np.ndindex(*x.shape[:-1]):
        row = x[idx]
        mu = row.sum() / row.size
        var = ((row - mu) ** 2).sum() / row.size
        out[idx] = (row - mu) / math.sqrt(var + 1e-5) * w + b
    return out


def np_transformer(cfg, P, tokens):
    """Returns (logits, cache) in float64, computed position by position."""
    B, N = tokens.shape
    H, E, L = cfg["nHeads"], cfg["dHead"], cfg["nLayers"]
    cache = {}
    embed = np.stack([np.stack([P["embed.W_E"][tokens[b, p]] for p in range(N)]) for b in range(B)])
    pos = np.stack([P["pos_embed.W_pos"][:N]] * B)
    cache["hook_embed"], cache["hook_pos_embed"] = embed, pos
    resid = embed + pos
    for l in range(L):
        pre = "blocks.%d." % l
        cache[pre + "hook_resid_pre"] = resid
        if cfg["layerNorm"]:
            x = np_layer_norm(resid, P[pre + "ln1.w"], P[pre + "ln1.b"])
            cache[pre + "ln1.hook_normalized"] = x
        else:
            x = resid
        q = np.zeros((B, N, H, E))
        k = np.zeros((B, N, H, E))
        v = np.zeros((B, N, H, E))
        for b in range(B):
            for p in range(N):
                for h in range(H):
                    q[b, p, h] = x[b, p] @ P[pre + "attn.W_Q"][h] + P[pre + "attn.b_Q"][h]
                    k[b, p, h] = x[b, p] @ P[pre + "attn.W_K"][h] + P[pre + "attn.b_K"][h]
                    v[b, p, h] = x[b, p] @ P[pre + "attn.W_V"][h] + P[pre + "attn.b_V"][h]
        scores = np.full((B, H, N, N), -np.inf)
        pattern = np.zeros((B, H, N, N))
        z = np.zeros((B, N, H, E))
        for b in range(B):
            for h in range(H):
                for i in range(N):
                    s = np.array([q[b, i, h] @ k[b, j, h] / math.sqrt(E) for j in range(i + 1)])
                    scores[b, h, i, : i + 1] = s
                    w = np.exp(s - s.max())
                    w /= w.sum()
                    pattern[b, h, i, : i + 1] = w
                    for j in range(i + 1):
                        z[b, i, h] += w[j] * v[b, j, h]
        attn_out = np.zeros((B, N, cfg["dModel"]))
        for b in range(B):
            for p in range(N):
                acc = P[pre + "attn.b_O"].copy()
                for h in range(H):
                    acc += z[b, p, h] @ P[pre + "attn.W_O"][h]
                attn_out[b, p] = acc
        cache[pre + "attn.hook_q"], cache[pre + "attn.hook_k"], cache[pre + "attn.hook_v"] = q, k, v
        cache[pre + "attn.hook_attn_scores"], cache[pre + "attn.hook_pattern"] = scores, pattern
        cache[pre + "attn.hook_z"], cache[pre + "hook_attn_out"] = z, attn_out
        resid = resid + attn_out
        if not cfg["attnOnly"]:
            cache[pre + "hook_resid_mid"] = resid
            if cfg["layerNorm"]:
                x2 = np_layer_norm(resid, P[pre + "ln2.w"], P[pre + "ln2.b"])
            else:
                x2 = resid
            hpre = x2 @ P[pre + "mlp.W_in"] + P[pre + "mlp.b_in"]
            hpost = np_act(cfg["act"], hpre)
            mlp_out = hpost @ P[pre + "mlp.W_out"] + P[pre + "mlp.b_out"]
            cache[pre + "mlp.hook_pre"], cache[pre + "mlp.hook_post"] = hpre, hpost
            cache[pre + "hook_mlp_out"] = mlp_out
            resid = resid + mlp_out
        cache[pre + "hook_resid_post"] = resid
    if cfg["layerNorm"]:
        resid = np_layer_norm(resid, P["ln_final.w"], P["ln_final.b"])
        cache["ln_final.hook_normalized"] = resid
    logits = resid @ P["unembed.W_U"] + P["unembed.b_U"]
    return logits, cache


def np_mlp(cfg, P, tokens):
    B = tokens.shape[0]
    if cfg["input"] == "embed":
        x = np.stack([np.concatenate([P["embed.W_E"][t] for t in row]) for row in tokens])
    else:
        x = np.zeros((B, cfg["nInputs"] * cfg["dVocab"]))
        for b in range(B):
            for i, t in enumerate(tokens[b]):
                x[b, i * cfg["dVocab"] + t] = 1.0
    for l in range(cfg["depth"]):
        x = np_act(cfg["act"], x @ P["layers.%d.W_in" % l] + P["layers.%d.b_in" % l])
    return x @ P["unembed.W_U"] + P["unembed.b_U"]


def np_cross_entropy(logits, targets):
    """logits [..., V] float64, targets [...] -> mean negative log-likelihood."""
    m = logits.max(-1, keepdims=True)
    lse = (m + np.log(np.exp(logits - m).sum(-1, keepdims=True)))[..., 0]
    picked = np.take_along_axis(logits, targets[..., None], -1)[..., 0]
    return float((lse - picked).mean())


def verify(kind, cfg, model, tokens, targets, scored, logits, loss, cache, grads):
    """Assert the torch reference agrees with the numpy float64 implementation."""
    P = {k: v.detach().double().numpy() for k, v in model.state_dict().items()}
    tok = tokens.numpy()
    tgt = targets.numpy()

    def np_loss(params):
        if kind == "transformer":
            lg, _ = np_transformer(cfg, params, tok)
            return np_cross_entropy(lg[:, scored.numpy()], tgt)
        return np_cross_entropy(np_mlp(cfg, params, tok), tgt)

    if kind == "transformer":
        ref_logits, ref_cache = np_transformer(cfg, P, tok)
        assert set(ref_cache) == set(cache), sorted(set(ref_cache) ^ set(cache))
        for name, val in cache.items():
            got = val.detach().double().numpy()
            ref = ref_cache[name]
            assert got.shape == ref.shape, (name, got.shape, ref.shape)
            assert np.array_equal(np.isneginf(got), np.isneginf(ref)), name
            fin = np.isfinite(ref)
            assert np.all(np.isfinite(got[fin])), name
            assert np.allclose(got[fin], ref[fin], rtol=1e-4, atol=1e-4), (
                name, np.abs(got[fin] - ref[fin]).max())
    else:
        ref_logits = np_mlp(cfg, P, tok)
    got_logits = logits.detach().double().numpy()
    assert np.allclose(got_logits, ref_logits, rtol=1e-4, atol=1e-4), np.abs(got_logits - ref_logits).max()
    ref_loss = np_loss(P)
    assert abs(loss.item() - ref_loss) <= 1e-5 * max(1.0, abs(ref_loss)), (loss.item(), ref_loss)

    # central finite differences on a few entries of every trainable parameter
    h = 1e-6
    pick = torch.Generator().manual_seed(12345)
    for name, g in grads.items():
        flat = g.reshape(-1)
        n_check = min(4, flat.numel())
        idx = torch.randperm(flat.numel(), generator=pick)[:n_check].tolist()
        for i in idx:
            plus = {k: v.copy() for k, v in P.items()}
            minus = {k: v.copy() for k, v in P.items()}
            plus[name].reshape(-1)[i] += h
            minus[name].reshape(-1)[i] -= h
            fd = (np_loss(plus) - np_loss(minus)) / (2 * h)
            an = flat[i].item()
            assert abs(fd - an) <= 2e-4 + 2e-3 * abs(fd), (name, i, fd, an)


# --------------------------------------------------------------------------
# Fixture cases
# --------------------------------------------------------------------------


def write_fixture(path, kind, cfg, model, tokens, targets, scored=None):
    model.zero_grad(set_to_none=True)
    cache = {} if kind == "transformer" else None
    logits = model(tokens, cache)
    if kind == "transformer":
        loss = transformer_loss(logits, targets, scored)
    else:
        loss = mlp_loss(logits, targets)
    loss.backward()
    grads = {n: p.grad.detach().clone() for n, p in model.named_parameters() if p.requires_grad}
    assert all(torch.isfinite(g).all() for g in grads.values())
    assert all(g.abs().max() > 0 for g in grads.values()), "a gradient is identically zero"

    verify(kind, cfg, model, tokens, targets, scored, logits, loss, cache or {}, grads)

    tensors = {}
    for name, p in model.state_dict().items():
        tensors[name] = p.detach().to(torch.float32)
    tensors["input.tokens"] = tokens.to(torch.int64)
    tensors["input.targets"] = targets.to(torch.int64)
    if kind == "transformer":
        tensors["input.scored_positions"] = scored.to(torch.int64)
    tensors["expected.logits"] = logits.detach().to(torch.float32)
    tensors["expected.loss"] = loss.detach().to(torch.float64).reshape(())
    for name, g in grads.items():
        tensors["grad." + name] = g.to(torch.float32)
    if kind == "transformer":
        for name, val in cache.items():
            tensors["expected.cache." + name] = val.detach().to(torch.float32).contiguous()
    metadata = {
        "config": json.dumps(cfg, separators=(",", ":")),
        "kind": kind,
        "torch_version": torch.__version__,
    }
    safetensors_io.save(path, tensors, metadata)

    # round trip
    back, meta = safetensors_io.load(path)
    assert meta == metadata and list(back) == list(tensors)
    for k, v in tensors.items():
        a = v.numpy()
        assert back[k].dtype == a.dtype and back[k].shape == a.shape, k
        assert np.array_equal(back[k], a, equal_nan=True), k
    print("%-34s loss=%.6f  tensors=%d  bytes=%d" % (
        os.path.basename(path), loss.item(), len(tensors), os.path.getsize(path)))


def case_transformer_small(out):
    cfg = transformer_config(nLayers=2, dModel=16, nHeads=2, dHead=8, dMlp=32, dVocab=11,
                             dVocabOut=11, nCtx=6, act="gelu", layerNorm=True, attnOnly=False,
                             bias=True)
    gen = torch.Generator().manual_seed(1001)
    model = HookedTransformerRef(cfg)
    init_weights(model, gen)
    tokens = torch.randint(0, 11, (5, 6), generator=gen)
    scored = torch.tensor([3, 4, 5])
    targets = torch.randint(0, 11, (5, 3), generator=gen)
    write_fixture(os.path.join(out, "transformer_small.safetensors"), "transformer", cfg, model,
                  tokens, targets, scored)


def case_transformer_nanda(out):
    p = 17
    cfg = transformer_config(nLayers=1, dModel=32, nHeads=4, dHead=8, dMlp=64, dVocab=p + 1,
                             dVocabOut=p, nCtx=3, act="relu", layerNorm=False, attnOnly=False,
                             bias=False)
    gen = torch.Generator().manual_seed(1002)
    model = HookedTransformerRef(cfg)
    init_weights(model, gen)
    a = torch.randint(0, p, (7,), generator=gen)
    b = torch.randint(0, p, (7,), generator=gen)
    tokens = torch.stack([a, b, torch.full_like(a, p)], dim=1)
    scored = torch.tensor([2])
    targets = ((a + b) % p).unsqueeze(1)
    write_fixture(os.path.join(out, "transformer_nanda.safetensors"), "transformer", cfg, model,
                  tokens, targets, scored)


def case_transformer_attnonly(out):
    cfg = transformer_config(nLayers=2, dModel=12, nHeads=3, dHead=4, dMlp=0, dVocab=7,
                             dVocabOut=7, nCtx=5, act="relu", layerNorm=False, attnOnly=True,
                             bias=True)
    gen = torch.Generator().manual_seed(1003)
    model = HookedTransformerRef(cfg)
    init_weights(model, gen)
    tokens = torch.randint(0, 7, (4, 5), generator=gen)
    scored = torch.tensor([1, 2, 3, 4])
    targets = torch.randint(0, 7, (4, 4), generator=gen)
    write_fixture(os.path.join(out, "transformer_attnonly.safetensors"), "transformer", cfg, model,
                  tokens, targets, scored)


def case_mlp_onehot(out):
    cfg = mlp_config(input="onehot", nInputs=6, dVocab=2, dEmbed=0, depth=2, width=20,
                     act="relu", dOut=2, bias=True)
    gen = torch.Generator().manual_seed(1004)
    model = MlpRef(cfg)
    init_weights(model, gen)
    tokens = torch.randint(0, 2, (9, 6), generator=gen)
    targets = tokens.sum(1) % 2  # parity of the six bits
    write_fixture(os.path.join(out, "mlp_onehot.safetensors"), "mlp", cfg, model, tokens, targets)


def case_mlp_embed(out):
    p = 13
    cfg = mlp_config(input="embed", nInputs=2, dVocab=p, dEmbed=8, depth=1, width=24,
                     act="gelu", dOut=p, bias=True)
    gen = torch.Generator().manual_seed(1005)
    model = MlpRef(cfg)
    init_weights(model, gen)
    tokens = torch.randint(0, p, (10, 2), generator=gen)
    targets = tokens.sum(1) % p  # (a + b) mod p
    write_fixture(os.path.join(out, "mlp_embed.safetensors"), "mlp", cfg, model, tokens, targets)


def main():
    out = sys.argv[1] if len(sys.argv) > 1 else DEFAULT_OUT
    os.makedirs(out, exist_ok=True)
    torch.set_num_threads(1)
    torch.use_deterministic_algorithms(True)
    case_transformer_small(out)
    case_transformer_nanda(out)
    case_transformer_attnonly(out)
    case_mlp_onehot(out)
    case_mlp_embed(out)


if __name__ == "__main__":
    main()
