#!/usr/bin/python3
"""Run a Vivarium checkpoint through the PyTorch reference model.

    /usr/bin/python3 tools/oracle/check_checkpoint.py CHECKPOINT TOKENS OUT

CHECKPOINT  safetensors file written by Vivarium; its "__metadata__" holds the
            model config JSON under "config" (and optionally "kind":
            "transformer", the default, or "mlp").
TOKENS      safetensors file with a tensor "tokens" (int64 [batch, pos]).
OUT         safetensors file to write, with the tensor "logits" (float32).

The checkpoint's tensors are loaded with load_state_dict(strict=True) and no
renaming, so a checkpoint that runs here also loads into TransformerLens.
Exit codes: 0 ok, 1 usage or unreadable input, 2 state dict keys/shapes do not
match the model the config describes.
"""

import json
import os
import sys

import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import safetensors_io  # noqa: E402
from models import build  # noqa: E402


def fail(code, msg):
    print("check_checkpoint: " + msg, file=sys.stderr)
    sys.exit(code)


def main(argv):
    if len(argv) != 4:
        fail(1, "usage: check_checkpoint.py CHECKPOINT TOKENS_SAFETENSORS OUT_SAFETENSORS")
    ckpt_path, tokens_path, out_path = argv[1:]

    try:
        state, meta = safetensors_io.load_torch(ckpt_path)
    except (OSError, ValueError, TypeError) as e:
        fail(1, "cannot read checkpoint %s: %s" % (ckpt_path, e))
    if "config" not in meta:
        fail(1, "checkpoint %s has no 'config' in its __metadata__" % ckpt_path)
    try:
        cfg = json.loads(meta["config"])
    except ValueError as e:
        fail(1, "checkpoint config is not valid JSON: %s" % e)
    kind = meta.get("kind", "transformer")
    try:
        model = build(kind, cfg)
    except (ValueError, KeyError) as e:
        fail(1, "cannot build a %s from the checkpoint config: %s" % (kind, e))

    expected = model.state_dict()
    missing = [k for k in expected if k not in state]
    unexpected = [k for k in state if k not in expected]
    wrong_shape = [
        "%s: checkpoint %s, model %s" % (k, list(state[k].shape), list(expected[k].shape))
        for k in expected
        if k in state and tuple(state[k].shape) != tuple(expected[k].shape)
    ]
    if missing or unexpected or wrong_shape:
        lines = ["checkpoint %s does not match the %s its config describes" % (ckpt_path, kind)]
        if missing:
            lines.append("  missing keys: " + ", ".join(missing))
        if unexpected:
            lines.append("  unexpected keys: " + ", ".join(unexpected))
        for w in wrong_shape:
            lines.append("  shape mismatch " + w)
        fail(2, "\n".join(lines))
    try:
        model.load_state_dict({k: v.to(torch.float32) for k, v in state.items()}, strict=True)
    except RuntimeError as e:
        fail(2, "load_state_dict(strict=True) failed: %s" % e)
    model.eval()

    try:
        tok, _ = safetensors_io.load_torch(tokens_path)
    except (OSError, ValueError, TypeError) as e:
        fail(1, "cannot read tokens %s: %s" % (tokens_path, e))
    if "tokens" not in tok:
        fail(1, "%s has no tensor named 'tokens'" % tokens_path)
    tokens = tok["tokens"]
    if tokens.dtype.is_floating_point or tokens.dtype == torch.bool or tokens.dim() != 2:
        fail(1, "'tokens' must be an integer tensor [batch, pos], got %s %s"
             % (tokens.dtype, list(tokens.shape)))
    tokens = tokens.to(torch.int64)
    vocab = cfg["dVocab"]
    if tokens.numel() and (tokens.min() < 0 or tokens.max() >= vocab):
        fail(1, "token ids must lie in [0, %d)" % vocab)

    with torch.no_grad():
        logits = model(tokens)
    safetensors_io.save(out_path, {"logits": logits.to(torch.float32)},
                        {"torch_version": torch.__version__})
    print("wrote %s: logits %s" % (out_path, list(logits.shape)))


if __name__ == "__main__":
    main(sys.argv)
