#!/usr/bin/python3
"""Expected parameters after a few steps of torch.optim.AdamW and torch.optim.SGD.

    /usr/bin/python3 tools/oracle/make_optimizer_fixture.py

Writes core/src/test/resources/fixtures/optimizers.safetensors: a starting parameter `p0`
[3, 4], gradients `g.1` .. `g.4`, learning rates `lr` [4] (a warm-up), and the parameter after
each step for AdamW(betas (0.9, 0.98), eps 1e-8, weight_decay 1.0) as `adamw.1` .. `adamw.4` and
for SGD(momentum 0.9, weight_decay 0.01) as `sgd.1` .. `sgd.4`. Deterministic.
"""

import os
import sys

import numpy as np
import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import safetensors_io  # noqa: E402

OUT = os.path.join(os.path.dirname(__file__), "..", "..", "core", "src", "test", "resources", "fixtures",
                   "optimizers.safetensors")
STEPS = 4


def run(make, p0, grads, lrs):
    p = torch.nn.Parameter(torch.tensor(p0))
    opt = make([p])
    out = []
    for g, lr in zip(grads, lrs):
        for group in opt.param_groups:
            group["lr"] = float(lr)
        p.grad = torch.tensor(g)
        opt.step()
        out.append(p.detach().numpy().copy())
    return out


def main():
    torch.manual_seed(0)
    rng = np.random.default_rng(1234)
    p0 = rng.normal(size=(3, 4)).astype(np.float32)
    grads = [rng.normal(scale=0.5, size=(3, 4)).astype(np.float32) for _ in range(STEPS)]
    lrs = np.array([0.0, 1e-3 / 3, 2e-3 / 3, 1e-3], dtype=np.float64)  # warm-up over 3 steps
    adamw = run(lambda ps: torch.optim.AdamW(ps, lr=1e-3, betas=(0.9, 0.98), eps=1e-8, weight_decay=1.0),
                p0, grads, lrs)
    sgd = run(lambda ps: torch.optim.SGD(ps, lr=0.1, momentum=0.9, weight_decay=0.01), p0, grads, lrs * 100)
    tensors = {"p0": p0, "lr": lrs}
    for i in range(STEPS):
        tensors["g.%d" % (i + 1)] = grads[i]
        tensors["adamw.%d" % (i + 1)] = adamw[i]
        tensors["sgd.%d" % (i + 1)] = sgd[i]
    safetensors_io.save(OUT, tensors, {"torch_version": torch.__version__,
                                       "sgd_lr": "lr * 100", "adamw": "betas (0.9, 0.98), eps 1e-8, wd 1.0",
                                       "sgd": "momentum 0.9, weight_decay 0.01"})
    print("wrote", os.path.normpath(OUT))


if __name__ == "__main__":
    main()
