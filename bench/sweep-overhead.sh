#!/usr/bin/env bash
# Scheduling overhead of the local sweep executor: 16 points of the quick recipe (16 seeds), the sweep's wall
# time against the sum of its points' training time (each run's own wall_s at its last logged step, which
# starts when its first step does: JVM start, engine, data and checkpoint writes are overhead).
#   overhead = (PARALLEL x sweep wall - sum of training time) / sum of training time
# PARALLEL=1 trains the points one after another in one process (the recipe's 2 threads); PARALLEL=2 runs two
# child processes of 1 thread each. STEPS shortens the runs (default: the recipe's 2,500). Every point alone
# (--no-batch): batched, the 16 seeds would be one population, whose overhead this formula does not measure.
set -euo pipefail
cd "$(dirname "$0")/.."
parallel=${PARALLEL:-1}
points=${POINTS:-16}
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
cp recipes/grokking-quick.yaml "$out/quick.yaml"
{
  echo "recipe: quick.yaml"
  [ -n "${STEPS:-}" ] && echo "set: {train.steps: $STEPS}"
  echo "sweep: {seeds: $points}"
} >"$out/overhead.yaml"
./vivarium --version >/dev/null
args=(--no-batch)
[ "$parallel" != 1 ] && args+=(--parallel "$parallel")
start=$(date +%s.%N)
VIVARIUM_PLAIN=1 ./vivarium sweep "$out/overhead.yaml" --sweeps "$out/sweeps" "${args[@]}" >"$out/log.txt" 2>&1 \
  || { tail -20 "$out/log.txt"; exit 1; }
end=$(date +%s.%N)
/usr/bin/python3 - "$out/sweeps/overhead/runs" "$start" "$end" "$parallel" <<'PY'
import json, os, sys
runs, start, end, parallel = sys.argv[1], float(sys.argv[2]), float(sys.argv[3]), int(sys.argv[4])
train = []
for d in sorted(os.listdir(runs)):
    rows = [json.loads(l) for l in open(os.path.join(runs, d, "metrics.jsonl"))]
    train.append(rows[-1]["wall_s"])
wall = end - start
total = sum(train)
print(f"points={len(train)} parallel={parallel} sweep_wall_s={wall:.1f} sum_training_s={total:.1f} "
      f"mean_point_training_s={total / len(train):.1f} overhead={(parallel * wall - total) / total * 100:.1f}%")
PY
