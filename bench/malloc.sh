#!/usr/bin/env bash
# ms per training step under three allocators, alternating A B C A B C ... so drift of a shared machine
# hits all three: glibc's defaults, glibc with the launcher's tunables (no mmap, no trim), and jemalloc
# (when libjemalloc2 is installed). The recipe is the full grokking setup at 60% of the pairs, whose
# activations are large enough for glibc's mmap threshold to matter.
# Usage: bench/malloc.sh [rounds] [steps]        (from anywhere; needs only Java and Maven)
set -euo pipefail
cd "$(dirname "$0")/.."
rounds=${1:-3}
steps=${2:-30}
args=(bench recipes/grokking.yaml --set threads=1 --set task.trainFraction=0.6 --steps "$steps" --warmup 5)
./vivarium --version >/dev/null # build once, outside the timings
one() { # prints the median ms/step of one bench run
  env "$@" ./vivarium "${args[@]}" 2>/dev/null | sed -n 's/.*vivarium_ms_per_step=\([0-9.]*\).*/\1/p'
}
have_jemalloc=""
ls /usr/lib/*-linux-gnu/libjemalloc.so.2 >/dev/null 2>&1 && have_jemalloc=1
for r in $(seq 1 "$rounds"); do
  g=$(one VIVARIUM_NO_JEMALLOC=1 GLIBC_TUNABLES=glibc.malloc.check=0)
  t=$(one VIVARIUM_NO_JEMALLOC=1)
  j=$([ -n "$have_jemalloc" ] && one || echo "n/a")
  echo "round $r: glibc default ${g} ms  glibc tunables ${t} ms  jemalloc ${j} ms" \
       "  tunables/default $(awk "BEGIN{printf \"%.3f\", $t/$g}")"
done
