#!/usr/bin/python3
"""The explicit Hessian of a small transformer's training loss and its extreme eigenvalues.

    /usr/bin/python3 tools/oracle/lens_sharpness.py
      -> lens/src/test/resources/oracle/sharpness_model.safetensors  (weights, TransformerLens names)
         lens/src/test/resources/oracle/sharpness.json               (data and eigenvalues)

The model is a one-layer transformer (GELU, no LayerNorm, frozen zero biases) with seeded random
weights, on all 49 inputs of a + b mod 7. The loss is Vivarium's: the mean float64 cross-entropy
at the answer position. The Hessian with respect to every trainable parameter (flattened in
parameter order) is built in float64 by torch.autograd.functional.hessian, then diagonalised by
numpy.linalg.eigvalsh.
"""

import json
import os
import sys

import numpy as np
import torch

sys.path.insert(0, os.path.dirname(__file__))
import safetensors_io  # noqa: E402
from models import HookedTransformerRef, transformer_loss  # noqa: E402

P = 7
CFG = {"nLayers": 1, "dModel": 8, "nHeads": 2, "dHead": 4, "dMlp": 16, "dVocab": P + 1,
       "dVocabOut": P, "nCtx": 3, "act": "gelu", "layerNorm": False, "attnOnly": False, "bias": False}


def main():
    out_dir = sys.argv[1] if len(sys.argv) > 1 else os.path.join(
        os.path.dirname(__file__), "..", "..", "lens", "src", "test", "resources", "oracle")
    torch.set_num_threads(1)
    gen = torch.Generator().manual_seed(4242)
    model = HookedTransformerRef(CFG)
    with torch.no_grad():
        for _, param in model.named_parameters():
            if param.requires_grad:
                param.copy_(torch.randn(param.shape, generator=gen) * 0.5)
    a = torch.arange(P).repeat_interleave(P)
    b = torch.arange(P).repeat(P)
    tokens = torch.stack([a, b, torch.full_like(a, P)], dim=1)
    targets = ((a + b) % P)[:, None]
    scored = torch.tensor([2])

    names = [n for n, p in model.named_parameters() if p.requires_grad]
    shapes = [p.shape for n, p in model.named_parameters() if p.requires_grad]
    sizes = [int(np.prod(s)) for s in shapes]
    model64 = HookedTransformerRef(CFG).double()
    model64.load_state_dict({k: v.double() for k, v in model.state_dict().items()})
    flat0 = torch.cat([p.detach().reshape(-1) for n, p in model64.named_parameters() if p.requires_grad])

    def loss_of(flat):
        params = {}
        i = 0
        for n, s, k in zip(names, shapes, sizes):
            params[n] = flat[i:i + k].reshape(s)
            i += k
        logits = torch.func.functional_call(model64, params, (tokens,)) if hasattr(torch, "func") else \
            torch.nn.utils.stateless.functional_call(model64, params, (tokens,))
        return transformer_loss(logits, targets, scored)

    loss = float(loss_of(flat0))
    hess = torch.autograd.functional.hessian(loss_of, flat0).numpy()
    assert np.allclose(hess, hess.T, atol=1e-10)
    eig = np.linalg.eigvalsh(hess)

    os.makedirs(out_dir, exist_ok=True)
    tensors = {n: p.detach().numpy() for n, p in model.state_dict().items()}
    safetensors_io.save(os.path.join(out_dir, "sharpness_model.safetensors"), tensors,
                        {"config": json.dumps(CFG), "step": "0", "generator": "tools/oracle/lens_sharpness.py"})
    expected = {
        "generator": "tools/oracle/lens_sharpness.py", "torch": torch.__version__,
        "tokens": tokens.tolist(), "targets": targets.tolist(), "scored": scored.tolist(),
        "parameters": names, "dimension": int(flat0.numel()), "loss": loss,
        "top_eigenvalue": float(eig[-1]), "bottom_eigenvalue": float(eig[0]),
        "top5": [float(v) for v in eig[-5:][::-1]],
    }
    with open(os.path.join(out_dir, "sharpness.json"), "w") as f:
        json.dump(expected, f)
    print("n=%d loss=%.6f top=%.6f second=%.6f bottom=%.6f" % (
        flat0.numel(), loss, eig[-1], eig[-2], eig[0]))


if __name__ == "__main__":
    main()
