#!/usr/bin/env bash
# Cost of the local learning coefficient at one checkpoint of the grokking model, with the llc analysis's
# default settings (4 chains x (150 burn-in + 200 draws) SGLD steps, minibatch 256): trains
# recipes/grokking-quick.yaml (or reuses RUN=DIR), then times `vivarium lens RUN --checkpoint LAST llc` and
# reports the SGLD steps (each one forward and one backward pass on a minibatch), the wall time of the
# estimate itself (its JSON's `seconds`, without JVM start and model load), the time per pass, and the
# FLOP rate from 6 x parameters x tokens per pass (the usual forward + backward estimate; attention's
# 3-token context adds under 1%). THREADS sets the engine's threads of the run it trains (default: the
# recipe's 2); the estimate runs with the run's own threads, printed.
set -euo pipefail
cd "$(dirname "$0")/.."
threads=${THREADS:-2}
run=${RUN:-}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
if [ -z "$run" ]; then
  run="$tmp/grok"
  ./vivarium run recipes/grokking-quick.yaml --set threads="$threads" --out "$run" >"$tmp/train.log" 2>&1 \
    || { tail -20 "$tmp/train.log"; exit 1; }
fi
last=$(ls "$run/checkpoints" | sed -n 's/^step_\([0-9]*\)\.safetensors$/\1/p' | sort | tail -1)
start=$(date +%s.%N)
./vivarium lens "$run" --checkpoint "$((10#$last))" llc >"$tmp/llc.log" 2>&1 || { tail -20 "$tmp/llc.log"; exit 1; }
end=$(date +%s.%N)
run_threads=$(sed -n 's/^threads: *//p' "$run/config.yaml")
/usr/bin/python3 - "$run/analyses/llc.json" "$start" "$end" "$run_threads" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
c = d["checkpoints"][-1]
o = d["options"]
batch = min(o["batch"], o["n"])
passes = c["sgld_steps"]
tokens = 3  # a b = : the modular task's sequence length
flops = 6 * d["parameters"] * batch * tokens * passes
print(f"step={c['step']} llc={c['llc']:.4g}+-{c['se']:.2g} chains={o['chains']} burnin={o['burnin']} draws={o['draws']} "
      f"batch={batch} threads={sys.argv[4]}")
print(f"forward_backward_passes={passes} baseline_forward_examples={c['baseline_forward_examples']} "
      f"estimate_s={c['seconds']:.1f} command_wall_s={float(sys.argv[3]) - float(sys.argv[2]):.1f} "
      f"ms_per_pass={1000 * c['seconds'] / passes:.1f} gflop_per_s={flops / c['seconds'] / 1e9:.1f}")
PY
