#!/usr/bin/env bash
# The hostile inputs of issues 7 and 8, each run through the real command line in a fresh folder; prints a
# Markdown table row per case: what, the command, the exit code and the first line on stderr.
# Usage: tools/hostile-inputs.sh [WORKDIR]     (WORKDIR defaults to a new temporary folder)
set -u
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
V="$root/vivarium"
K="$root/core/src/test/resources/recipes/kill-loop.yaml"
Q="$root/recipes/grokking-quick.yaml"
work="${1:-$(mktemp -d)}"
mkdir -p "$work" && cd "$work" || exit 1
"$V" --version >/dev/null 2>&1 # build once, outside the cases
case_() { label="$1"; shift; out=$("$@" 2>&1 >/dev/null); rc=$?; n=$(printf "%s" "$out" | grep -c .); echo "| $label | \`${*#$V }\` | $rc | $(printf "%s" "$out" | grep -v '^building\|^removed\|^resuming\|^skipped' | head -1 | sed 's/|/\\|/g') |"; }
python3 -c "print('name: ' + 'x'*50_000_000)" > big.yaml
case_ "50 MB recipe" $V run big.yaml --out r1
case_ "/dev/zero as a recipe" $V run /dev/zero --out r2
printf 'name: a\nname: b\n' > dup.yaml; case_ "duplicate key" $V run dup.yaml --out r3
cat $Q > two.yaml; printf -- '---\nname: other\n' >> two.yaml; case_ "second YAML document" $V run two.yaml --out r4
case_ "modular p=10000" $V run $Q --set task.p=10000 --out r5
case_ "nLayers=100000" $V run $Q --set model.nLayers=100000 --out r6
case_ "dModel=50000" $V run $Q --set model.dModel=50000 --set model.nHeads=1 --out r7
case_ "dMlp=2e9" $V run $Q --set model.dMlp=2000000000 --out r8
case_ "addition samples=2e9" $V run $root/recipes/addition.yaml --set task.samples=2000000000 --out r9
case_ "parity samples overflow" $V run $root/recipes/parity.yaml --set task.samples=2000000000 --set task.testSamples=2000000000 --out r10
case_ "trainFraction=0.0001" $V run $Q --set task.trainFraction=0.0001 --out r11
case_ "--set of an unknown field" $V run $Q --set train.lrr=1 --out r12
case_ "lr=1e30 (diverges)" $V run $K --set train.lr=1e30 --set train.warmupSteps=0 --out r13
echo "status after lr=1e30: $(tr -d '\n' < r13/status.json | grep -o '"state" : "[A-Z]*"')"
case_ "--out through a missing folder" $V run $K --set train.steps=5 --out missing/../r14; echo "missing/ exists afterwards: $( [ -e missing ] && echo yes || echo no)"
case_ "plot --out /dev/full" $V plot r14 --out /dev/full; ls -l /dev/full
case_ "lens --checkpoint -1" $V lens r14 --checkpoint -1 fourier
mkdir -p broken && cp -r r14 broken/noconfig && rm broken/noconfig/config.yaml && cp -r r14 broken/ok
case_ "runs with a run missing config.yaml" $V runs --runs broken
