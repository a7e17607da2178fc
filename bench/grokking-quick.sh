#!/usr/bin/env bash
# Wall time of the README's default experiment, start-up included: the command a researcher types,
# timed as a whole process (GNU time), ROUNDS times. Prints each run's wall seconds and the step
# at which test accuracy first reached 99%.
set -euo pipefail
cd "$(dirname "$0")/.."
rounds=${ROUNDS:-3}
recipe=${1:-recipes/grokking-quick.yaml}
./vivarium --version >/dev/null
out=$(mktemp -d)
for r in $(seq "$rounds"); do
  start=$(date +%s.%N)
  VIVARIUM_PLAIN=1 ./vivarium run "$recipe" --runs "$out" >"$out/log-$r.txt" 2>&1
  end=$(date +%s.%N)
  run=$(ls -td "$out"/*/ | head -1)
  grok=$(/usr/bin/python3 - "$run/metrics.jsonl" <<'PY'
import json, sys
rows = [json.loads(l) for l in open(sys.argv[1])]
mem = next((int(r["step"]) for r in rows if r["train_acc"] >= 0.999 and r["test_acc"] < 0.5), None)
grok = next((int(r["step"]) for r in rows if r["test_acc"] >= 0.99), None)
print(f"memorised_at_step={mem} test_acc_99_at_step={grok} last_step={int(rows[-1]['step'])}")
PY
)
  awk -v s="$start" -v e="$end" -v g="$grok" -v r="$r" 'BEGIN { printf "round %d: wall_s=%.1f %s\n", r, e - s, g }'
done
rm -rf "$out"
