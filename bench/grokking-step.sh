#!/usr/bin/env bash
# Milliseconds per training step of recipes/grokking.yaml (Nanda et al. 2023, full batch) in
# Vivarium and in the same model written in plain PyTorch, same thread count, same machine, in one
# run, alternating A B A B so that drift of a shared machine hits both; prints the ratio per round
# and the median ratio. Needs Debian's python3-torch and libopenblas0-pthread for the reference.
#
#   bench/grokking-step.sh            # THREADS=2 STEPS=200 ROUNDS=3
#   THREADS=1 ROUNDS=5 bench/grokking-step.sh
set -euo pipefail
cd "$(dirname "$0")/.."
threads=${THREADS:-2}
steps=${STEPS:-200}
rounds=${ROUNDS:-3}
if ! /usr/bin/python3 -c 'import torch' 2>/dev/null; then
  echo "the PyTorch reference needs Debian's python3-torch: apt-get install python3-torch libopenblas0-pthread" >&2
  exit 1
fi
./vivarium --version >/dev/null
echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), load $(cut -d' ' -f1-3 /proc/loadavg)"
ratios=()
for r in $(seq "$rounds"); do
  v=$(./vivarium bench recipes/grokking.yaml --set threads="$threads" --steps "$steps" 2>/dev/null | grep '^vivarium_ms_per_step=')
  t=$(/usr/bin/python3 bench/torch_grokking.py --threads "$threads" --steps "$steps" 2>/dev/null | grep '^torch_ms_per_step=')
  vm=$(sed -E 's/^vivarium_ms_per_step=([0-9.]+).*/\1/' <<<"$v")
  tm=$(sed -E 's/^torch_ms_per_step=([0-9.]+).*/\1/' <<<"$t")
  ratio=$(awk -v a="$vm" -v b="$tm" 'BEGIN { printf "%.3f", a / b }')
  ratios+=("$ratio")
  echo "round $r: $v"
  echo "round $r: $t"
  echo "round $r: ratio vivarium/torch = $ratio"
done
median=$(printf '%s\n' "${ratios[@]}" | sort -n | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }')
echo "median ratio vivarium/torch ms per step = $median (threads=$threads, target <= 0.5)"
