#!/usr/bin/env bash
# Registers three predictions and resolves one in a scratch registry, then tampers with copies of the ledger
# (edited forecast, deleted prediction, edited resolution, reordered entries, back-dated entry with the whole
# chain and head file recomputed) and shows what 'vivarium predict verify' prints for each.
# Usage: laws/demo/ledger-tamper.sh [SCRATCH_DIR]   (run from the repository root)
set -euo pipefail
v=./vivarium
dir="${1:-$(mktemp -d)}"
reg="$dir/reg"
rm -rf "$reg" && mkdir -p "$reg"
$v predict add --registry "$reg" --author ada --recipe grokking-quick --quantity grok_step \
  --event '<= 1200' --probability 0.7 >/dev/null
$v predict add --registry "$reg" --author bob --recipe grokking-quick --quantity grok_step \
  --interval 800,1200 --confidence 0.8 >/dev/null
$v predict add --registry "$reg" --author eve --recipe grokking-quick --quantity memorisation_step \
  --quantiles 0.1:100,0.5:150,0.9:300 >/dev/null
first=$(sed -n 1p "$reg/predictions.ledger" | cut -c1-12)
$v predict resolve --registry "$reg" "$first" --value 900 >/dev/null
echo "== intact"
$v predict verify --registry "$reg" || true

copy() { rm -rf "$dir/$1" && cp -r "$reg" "$dir/$1" && echo "== $1" ; }

copy edited-forecast
sed -i '1s/"probability":0.7/"probability":0.9/' "$dir/edited-forecast/predictions.ledger"
$v predict verify --registry "$dir/edited-forecast" || true

copy deleted-prediction
sed -i '2d' "$dir/deleted-prediction/predictions.ledger"
$v predict verify --registry "$dir/deleted-prediction" || true

copy edited-resolution
sed -i '4s/"value":900.0/"value":9000.0/' "$dir/edited-resolution/predictions.ledger"
$v predict verify --registry "$dir/edited-resolution" || true

copy deleted-resolution
sed -i '4d' "$dir/deleted-resolution/predictions.ledger"
$v predict verify --registry "$dir/deleted-resolution" || true

copy reordered
sed -i '1{h;d};2{G}' "$dir/reordered/predictions.ledger"
$v predict verify --registry "$dir/reordered" || true

copy back-dated
# the forger back-dates entry 2 to 2020 and recomputes every hash, every link and the head file
python3 - "$dir/back-dated/predictions.ledger" <<'PY'
import hashlib, re, sys
path = sys.argv[1]
lines = open(path, encoding="utf-8").read().splitlines()
prev, out = "0" * 64, []
for n, line in enumerate(lines, start=1):
    text = line.split(" ", 1)[1]
    if n == 2:
        text = re.sub(r'"recordedAt":"[^"]+"', '"recordedAt":"2020-01-01T00:00:00Z"', text)
    text = re.sub(r'"prev":"[0-9a-f]{64}"', '"prev":"%s"' % prev, text)
    prev = hashlib.sha256(text.encode()).hexdigest()
    out.append(prev + " " + text)
open(path, "w", encoding="utf-8").write("\n".join(out) + "\n")
open(path + ".head", "w").write("%d %s\n" % (len(out), prev))
PY
head=$($v predict verify --registry "$reg" | sed -n 's/^head //p')
$v predict verify --registry "$dir/back-dated" --head "$head" || true

echo "== a path as an id"
$v predict resolve --registry "$reg" ../../x --value 1 || true
