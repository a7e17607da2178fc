#!/usr/bin/env bash
# Populations against separate runs (issue 10's benchmark). Sixteen seeds of recipes/grokking-quick.yaml:
#   (a) 16 separate `vivarium run` commands, one after another (a JVM, an engine and a data set each);
#   (b) the 16 as one sweep without batching (`sweep --no-batch`: one process, one point after another);
#   (c) one batched population (`vivarium run recipes/population/grokking-16-seeds.yaml`);
# each the whole command's wall time, with STEPS steps per run (default 500; the recipe's own is 2,500). Then the
# training step alone, batched and single (`vivarium bench`), with its GFLOP/s. SKIP_SEPARATE=1 skips (a) and (b).
# SUPERPOSITION=1 also times the step of recipes/population/superposition-256.yaml (256 members) against the step of
# recipes/superposition.yaml (one member), then whole commands of SP_STEPS steps (default 1000): the 256-member
# population against 4 separate runs of one of its members (the same examples per member), scaled to 256 (one at
# a time, the 256 would take 64 times as long as the 4).
set -euo pipefail
cd "$(dirname "$0")/.."
steps=${STEPS:-500}
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
./vivarium --version >/dev/null
now() { date +%s.%N; }
secs() { /usr/bin/python3 -c "print(f'{$2 - $1:.1f}')"; }
if [ -z "${SKIP_SEPARATE:-}" ]; then
  t0=$(now)
  for s in $(seq 0 15); do
    ./vivarium run recipes/grokking-quick.yaml --set seed="$s" --set train.steps="$steps" --runs "$out/a" >/dev/null 2>&1
  done
  t1=$(now)
  cp recipes/grokking-quick.yaml "$out/quick.yaml"
  printf 'recipe: quick.yaml\nset: {train.steps: %s}\nsweep: {seeds: 16}\n' "$steps" >"$out/seeds.yaml"
  VIVARIUM_PLAIN=1 ./vivarium sweep "$out/seeds.yaml" --sweeps "$out/b" --no-batch >/dev/null 2>&1
  t2=$(now)
  echo "a_separate_runs_s=$(secs "$t0" "$t1") b_sweep_no_batch_s=$(secs "$t1" "$t2")"
fi
t3=$(now)
./vivarium run recipes/population/grokking-16-seeds.yaml --set train.steps="$steps" --runs "$out/c" >/dev/null 2>&1
t4=$(now)
echo "c_population_s=$(secs "$t3" "$t4") steps=$steps"
echo "batched: $(./vivarium bench recipes/population/grokking-16-seeds.yaml --steps 20 --warmup 3 2>/dev/null | tail -1)"
echo "single:  $(./vivarium bench recipes/grokking-quick.yaml --steps 100 --warmup 10 2>/dev/null | tail -1)"
if [ -n "${SUPERPOSITION:-}" ]; then
  echo "batched: $(./vivarium bench recipes/population/superposition-256.yaml --steps 50 --warmup 10 2>/dev/null | tail -1)"
  echo "single:  $(./vivarium bench recipes/superposition.yaml --steps 500 --warmup 50 2>/dev/null | tail -1)"
  sp=${SP_STEPS:-1000}
  t5=$(now)
  for s in 0 1 2 3; do
    ./vivarium run recipes/superposition.yaml --set seed="$s" --set task.samples=20000 --set task.testSamples=2000 \
      --set train.steps="$sp" --runs "$out/sa" >/dev/null 2>&1
  done
  t6=$(now)
  ./vivarium run recipes/population/superposition-256.yaml --set train.steps="$sp" --runs "$out/sc" >/dev/null 2>&1
  t7=$(now)
  echo "superposition_4_separate_runs_s=$(secs "$t5" "$t6") scaled_to_256_s=$(/usr/bin/python3 -c "print(f'{64 * ($t6 - $t5):.0f}')") population_256_s=$(secs "$t6" "$t7") steps=$sp"
fi
