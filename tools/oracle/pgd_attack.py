#!/usr/bin/python3
"""PGD on the token embeddings of a Vivarium transformer checkpoint, in PyTorch: the oracle of PgdVsTorchTest.

    /usr/bin/python3 tools/oracle/pgd_attack.py CHECKPOINT DATA OUT EPSILON STEPS STEP_SIZE NORM

CHECKPOINT  a Vivarium transformer checkpoint (safetensors; model config JSON under "config").
DATA        safetensors with "tokens" (int64 [batch, pos]), "targets" (int64 [batch, |S|]) and
            "scored" (int64 [|S|]).
OUT         safetensors to write: "delta" (float32 [batch, pos, dModel]) and "loss" (float64 [], the
            mean cross-entropy at the scored positions with delta added to the token embeddings).
NORM        linf or l2.

The attack, written independently of Vivarium's: delta = 0; STEPS times: g = d loss / d delta (autograd);
linf: delta = clamp(delta + STEP_SIZE * sign(g), -EPSILON, EPSILON); l2 (per example, over positions and
embedding dimensions): delta = delta + STEP_SIZE * g / ||g||, then delta * min(1, EPSILON / ||delta||).
"""

import json
import os
import sys

import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import safetensors_io  # noqa: E402
from models import build, transformer_loss  # noqa: E402


def forward(model, tokens, delta):
    n = tokens.shape[1]
    resid = model.embed.W_E[tokens] + delta + model.pos_embed.W_pos[:n].unsqueeze(0)
    for l, block in enumerate(model.blocks):
        resid = block(resid, None, "blocks.%d." % l)
    if model.layer_norm:
        resid = model.ln_final(resid)
    return resid @ model.unembed.W_U + model.unembed.b_U


def main(argv):
    if len(argv) != 8:
        print(__doc__, file=sys.stderr)
        sys.exit(1)
    ckpt, data, out, eps, steps, size, norm = argv[1:]
    eps, steps, size = float(eps), int(steps), float(size)
    state, meta = safetensors_io.load_torch(ckpt)
    model = build(meta.get("kind", "transformer"), json.loads(meta["config"]))
    model.load_state_dict({k: v.to(torch.float32) for k, v in state.items()}, strict=True)
    d, _ = safetensors_io.load_torch(data)
    tokens, targets, scored = d["tokens"].long(), d["targets"].long(), d["scored"].long()
    for p in model.parameters():
        p.requires_grad_(False)
    delta = torch.zeros(tokens.shape + (model.embed.W_E.shape[1],), dtype=torch.float32)
    for _ in range(steps):
        delta.requires_grad_(True)
        loss = transformer_loss(forward(model, tokens, delta), targets, scored)
        (g,) = torch.autograd.grad(loss, delta)
        with torch.no_grad():
            if norm == "linf":
                delta = torch.clamp(delta + size * g.sign(), -eps, eps)
            else:
                gn = g.flatten(1).norm(dim=1).clamp_min(1e-30).view(-1, 1, 1)
                delta = delta + size * g / gn
                dn = delta.flatten(1).norm(dim=1).view(-1, 1, 1)
                delta = delta * torch.clamp(eps / dn, max=1.0)
    with torch.no_grad():
        loss = transformer_loss(forward(model, tokens, delta), targets, scored)
    safetensors_io.save(out, {"delta": delta.detach().to(torch.float32), "loss": loss.to(torch.float64)},
                        {"torch_version": torch.__version__})


if __name__ == "__main__":
    main(sys.argv)
