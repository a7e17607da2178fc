#!/usr/bin/python3
"""Plain-PyTorch reference timing for the Nanda et al. (2023) grokking setup.

    /usr/bin/python3 bench/torch_grokking.py [--threads N] [--steps N] [--warmup N]

Modular addition, p = 113: inputs (a, b, "=") with "=" the token 113, target
(a + b) mod p, a random 30 % of all p^2 pairs as the training set, trained
full batch. One-layer transformer as in the TransformerLens grokking notebook:
dModel 128, 4 heads of 32, dMlp 512, ReLU, no LayerNorm, biases present but
frozen at zero, dVocab 114, dVocabOut 113, nCtx 3. AdamW(lr 1e-3,
weight_decay 1.0, betas (0.9, 0.98)) with a linear warm-up over 10 steps. The
loss is the float64 log-softmax cross-entropy at the last position; the model
still computes all positions.

stdout:
  torch_ms_per_step=<median float> mean_ms=<float> threads=<n> steps=<n> torch=<version>
  gflop_per_step=<float>
stderr: BLAS information and the training loss.
"""

import argparse
import math
import os
import sys
import time

P = 113
FRAC_TRAIN = 0.3
DATA_SEED = 598
MODEL_SEED = 999
D_MODEL, N_HEADS, D_HEAD, D_MLP = 128, 4, 32, 512
D_VOCAB, D_VOCAB_OUT, N_CTX = P + 1, P, 3
LR, WD, BETAS, WARMUP_STEPS = 1e-3, 1.0, (0.9, 0.98), 10


def parse_args():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--threads", type=int, default=2, help="torch.set_num_threads (default 2)")
    ap.add_argument("--steps", type=int, default=200, help="timed steps (default 200)")
    ap.add_argument("--warmup", type=int, default=20, help="untimed steps first (default 20)")
    args = ap.parse_args()
    if args.threads < 1 or args.steps < 1 or args.warmup < 0:
        ap.error("--threads and --steps must be >= 1, --warmup >= 0")
    return args


ARGS = parse_args()
# Debian's torch runs element-wise kernels on libgomp's OpenMP pool and matmuls
# on OpenBLAS' own pthread pool. Both must be sized before torch is loaded.
# libgomp's default busy-wait after a parallel region (~300k spins) then steals
# the cores OpenBLAS' workers need, which makes 2 threads slower than 1 on a
# 2-core machine; a short spin removes that. Any value already in the
# environment wins.
os.environ.setdefault("OPENBLAS_NUM_THREADS", str(ARGS.threads))
os.environ.setdefault("OMP_NUM_THREADS", str(ARGS.threads))
os.environ.setdefault("GOMP_SPINCOUNT", "10000")

import torch  # noqa: E402
import torch.nn as nn  # noqa: E402


def report_blas():
    lines = [l.strip() for l in torch.__config__.show().splitlines() if "BLAS" in l]
    for l in lines:
        # the "Build settings" line is long: keep the BLAS/LAPACK entries
        parts = [p.strip() for p in l.split(",") if "BLAS" in p or "LAPACK" in p]
        print("torch config: " + (", ".join(parts) if parts else l), file=sys.stderr)
    torch.ones(64, 64) @ torch.ones(64, 64)  # make sure the BLAS library is mapped
    libs = set()
    try:
        with open("/proc/self/maps") as f:
            for line in f:
                path = line.split()[-1] if len(line.split()) >= 6 else ""
                if "blas" in path.lower() or "lapack" in path.lower():
                    libs.add(os.path.realpath(path))
    except OSError:
        pass
    for lib in sorted(libs):
        print("blas library mapped: " + lib, file=sys.stderr)
    print("env: " + " ".join("%s=%s" % (k, os.environ.get(k, "")) for k in (
        "OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "GOMP_SPINCOUNT", "OMP_WAIT_POLICY")),
        file=sys.stderr)
    try:
        import ctypes

        get = ctypes.CDLL("libopenblas.so.0").openblas_get_num_threads
        print("openblas threads=%d, torch (OpenMP) threads=%d"
              % (get(), torch.get_num_threads()), file=sys.stderr)
    except (OSError, AttributeError):
        pass
    if not any("openblas" in l and "pthread" in l for l in libs):
        print("WARNING: OpenBLAS with pthreads is not in use; install libopenblas0-pthread "
              "(apt-get install libopenblas0-pthread)", file=sys.stderr)


def make_data():
    a = torch.arange(P).repeat_interleave(P)
    b = torch.arange(P).repeat(P)
    tokens = torch.stack([a, b, torch.full_like(a, P)], dim=1)
    labels = (a + b) % P
    gen = torch.Generator().manual_seed(DATA_SEED)
    perm = torch.randperm(P * P, generator=gen)
    cut = int(P * P * FRAC_TRAIN)
    return tokens[perm[:cut]], labels[perm[:cut]], tokens[perm[cut:]], labels[perm[cut:]]


class GrokTransformer(nn.Module):
    def __init__(self):
        super().__init__()
        g = torch.Generator().manual_seed(MODEL_SEED)
        s = 1.0 / math.sqrt(D_MODEL)

        def w(*shape, std=s):
            return nn.Parameter(torch.randn(*shape, generator=g) * std)

        def zero(*shape):
            return nn.Parameter(torch.zeros(*shape), requires_grad=False)

        self.W_E = w(D_VOCAB, D_MODEL)
        self.W_pos = w(N_CTX, D_MODEL)
        self.W_Q = w(N_HEADS, D_MODEL, D_HEAD)
        self.W_K = w(N_HEADS, D_MODEL, D_HEAD)
        self.W_V = w(N_HEADS, D_MODEL, D_HEAD)
        self.W_O = w(N_HEADS, D_HEAD, D_MODEL)
        self.b_Q, self.b_K, self.b_V = zero(N_HEADS, D_HEAD), zero(N_HEADS, D_HEAD), zero(N_HEADS, D_HEAD)
        self.b_O = zero(D_MODEL)
        self.W_in = w(D_MODEL, D_MLP)
        self.b_in = zero(D_MLP)
        self.W_out = w(D_MLP, D_MODEL)
        self.b_out = zero(D_MODEL)
        self.W_U = w(D_MODEL, D_VOCAB_OUT, std=1.0 / math.sqrt(D_VOCAB_OUT))
        self.b_U = zero(D_VOCAB_OUT)
        mask = torch.triu(torch.ones(N_CTX, N_CTX, dtype=torch.bool), diagonal=1)
        self.register_buffer("mask", mask, persistent=False)

    def forward(self, tokens):
        n = tokens.shape[1]
        resid = self.W_E[tokens] + self.W_pos[:n]
        q = torch.einsum("bpd,hde->bphe", resid, self.W_Q) + self.b_Q
        k = torch.einsum("bpd,hde->bphe", resid, self.W_K) + self.b_K
        v = torch.einsum("bpd,hde->bphe", resid, self.W_V) + self.b_V
        scores = torch.einsum("bqhe,bkhe->bhqk", q, k) / math.sqrt(D_HEAD)
        scores = scores.masked_fill(self.mask[:n, :n], float("-inf"))
        pattern = scores.softmax(-1)
        z = torch.einsum("bhqk,bkhe->bqhe", pattern, v)
        resid = resid + torch.einsum("bqhe,hem->bqm", z, self.W_O) + self.b_O
        post = torch.relu(resid @ self.W_in + self.b_in)
        resid = resid + post @ self.W_out + self.b_out
        return resid @ self.W_U + self.b_U


def loss_fn(logits, labels):
    logp = logits[:, -1].to(torch.float64).log_softmax(-1)
    return -logp.gather(-1, labels[:, None]).mean()


def forward_matmul_flops(batch, n=N_CTX):
    """Multiply-adds counted as 2 FLOPs, matmuls/einsums of the forward only."""
    he = N_HEADS * D_HEAD
    per_example = (
        3 * 2 * n * D_MODEL * he              # Q, K, V
        + 2 * 2 * N_HEADS * n * n * D_HEAD    # scores and pattern @ V (full n x n)
        + 2 * n * he * D_MODEL                # W_O
        + 2 * 2 * n * D_MODEL * D_MLP         # W_in, W_out
        + 2 * n * D_MODEL * D_VOCAB_OUT       # unembed, every position
    )
    return per_example * batch


def main():
    torch.set_num_threads(ARGS.threads)
    report_blas()

    train_x, train_y, _, _ = make_data()
    model = GrokTransformer()
    params = [p for p in model.parameters() if p.requires_grad]
    opt = torch.optim.AdamW(params, lr=LR, weight_decay=WD, betas=BETAS)
    sched = torch.optim.lr_scheduler.LambdaLR(opt, lambda step: min(step / WARMUP_STEPS, 1))

    def step():
        logits = model(train_x)
        loss = loss_fn(logits, train_y)
        loss.backward()
        opt.step()
        sched.step()
        opt.zero_grad(set_to_none=True)
        return loss

    first = None
    for _ in range(ARGS.warmup):
        loss = step()
        first = loss.item() if first is None else first
    times = []
    t0 = time.perf_counter()
    for _ in range(ARGS.steps):
        t = time.perf_counter()
        loss = step()
        times.append(time.perf_counter() - t)
    elapsed = time.perf_counter() - t0
    times.sort()
    last = loss.item()
    if first is None:
        first = last

    ms = elapsed * 1000.0 / ARGS.steps
    gflop = 3 * forward_matmul_flops(train_x.shape[0]) / 1e9
    print("train examples=%d  loss first=%.4f last=%.4f  achieved=%.1f GFLOP/s"
          % (train_x.shape[0], first, last, gflop / (ms / 1000.0)), file=sys.stderr)
    print("step ms: min=%.3f median=%.3f max=%.3f"
          % (times[0] * 1e3, times[len(times) // 2] * 1e3, times[-1] * 1e3), file=sys.stderr)
    print("torch_ms_per_step=%.3f mean_ms=%.3f threads=%d steps=%d torch=%s"
          % (times[len(times) // 2] * 1e3, ms, ARGS.threads, ARGS.steps, torch.__version__))
    print("gflop_per_step=%.4f" % gflop)


if __name__ == "__main__":
    main()
