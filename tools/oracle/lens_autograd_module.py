#!/usr/bin/python3
"""Writes the TorchScript module through which Vivarium calls torch.autograd.grad.

    /usr/bin/python3 tools/oracle/lens_autograd_module.py
      -> lens/src/main/resources/dev/vivarium/lens/sharpness/autograd_grad.pt

DJL exposes only Tensor.backward, which accumulates into each leaf's .grad; with create_graph the
gradient then references the graph that references the leaf, a cycle libtorch never frees, and
repeated double backward grows it. torch.autograd.grad returns the gradients instead of storing
them, so no cycle forms. TorchScript is the one door DJL opens to it: a scripted module's methods
run in libtorch with the caller's tensors, graphs included.

  forward(outputs, inputs, grad_outputs) -> d(outputs . grad_outputs)/d inputs, with create_graph
  vjp(outputs, inputs, grad_outputs)     -> the same without create_graph (plain tensors)

Both retain the graph (the caller frees it by dropping its tensors) and return zeros for inputs
that the outputs do not depend on. The archive is plain TorchScript source plus a tiny pickle;
libtorch 2.x loads archives written by torch 1.13.
"""

import os
import sys
from typing import List, Optional

import torch


def _grad(outputs: List[torch.Tensor], inputs: List[torch.Tensor],
          grad_outputs: List[torch.Tensor], create_graph: bool) -> List[torch.Tensor]:
    go: List[Optional[torch.Tensor]] = []
    for g in grad_outputs:
        go.append(g)
    grads = torch.autograd.grad(outputs, inputs, grad_outputs=go, retain_graph=True,
                                create_graph=create_graph, allow_unused=True)
    out: List[torch.Tensor] = []
    for i in range(len(inputs)):
        g = grads[i]
        if g is None:
            out.append(torch.zeros_like(inputs[i]))
        else:
            out.append(g)
    return out


class AutogradGrad(torch.nn.Module):
    def forward(self, outputs: List[torch.Tensor], inputs: List[torch.Tensor],
                grad_outputs: List[torch.Tensor]) -> List[torch.Tensor]:
        return _grad(outputs, inputs, grad_outputs, True)

    @torch.jit.export
    def vjp(self, outputs: List[torch.Tensor], inputs: List[torch.Tensor],
            grad_outputs: List[torch.Tensor]) -> List[torch.Tensor]:
        return _grad(outputs, inputs, grad_outputs, False)


def main():
    out = sys.argv[1] if len(sys.argv) > 1 else os.path.join(
        os.path.dirname(__file__), "..", "..", "lens", "src", "main", "resources", "dev", "vivarium", "lens",
        "sharpness", "autograd_grad.pt")
    torch.jit.script(AutogradGrad()).save(out)
    print("wrote", out)


if __name__ == "__main__":
    main()
