#!/usr/bin/env bash
# Wall time of `vivarium query` over RUNS synthetic runs (bench/make_runs.py: ROWS logged steps each, the
# 18 columns of a one-layer transformer's log), as the command a researcher types, start-up included,
# ROUNDS times each. For comparison: `vivarium --version` (the JVM and picocli alone) and a query that
# reads no metric log (the runs scan and DuckDB's start-up). "in-process" is the command's own time from
# parsing its arguments to its last line of output ($VIVARIUM_QUERY_TIMING=1 prints its phases), that is
# without the JVM's start-up; DuckDB's JDBC jar unpacks its 70 MB native library in every process, on a
# thread of its own while the runs are read. The first query over the runs fills the parsed-run cache (in
# $VIVARIUM_CACHE, here a temporary folder); "--no-cache" reads every run's files each time.
#
#   bench/query.sh                   # RUNS=1000 ROWS=100 ROUNDS=3
#   VIVARIUM_JAVA_OPTS='-XX:TieredStopAtLevel=1 -XX:+UseSerialGC' bench/query.sh   # a JVM tuned to start fast
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${RUNS:-1000}
rows=${ROWS:-100}
rounds=${ROUNDS:-3}
./vivarium --version >/dev/null
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
# the parsed-run cache (app/query/RunCache) of this benchmark's runs, apart from the user's own
export VIVARIUM_CACHE="$dir/cache"
/usr/bin/python3 bench/make_runs.py "$dir/runs" "$runs" "$rows"
echo "machine: $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg); $runs runs x $rows rows, $(du -sh "$dir/runs" | cut -f1)"
time_it() {
  local label=$1
  shift
  for r in $(seq "$rounds"); do
    local start end
    start=$(date +%s.%N)
    VIVARIUM_QUERY_TIMING=1 "$@" >"$dir/out.txt" 2>"$dir/err.txt"
    end=$(date +%s.%N)
    local inside
    inside=$(awk '/^timing:/ { ms += $(NF - 1) } END { if (NR) printf " in-process_s=%.3f", ms / 1000 }' "$dir/err.txt")
    awk -v s="$start" -v e="$end" -v l="$label" -v n="$(wc -l <"$dir/out.txt")" -v i="$inside" \
      'BEGIN { printf "%-24s wall_s=%.3f%s (%d lines of output)\n", l, e - s, i, n }'
  done
}
time_it "--version" ./vivarium --version
time_it "final, --no-cache" ./vivarium query "select run, value from final where metric='test_acc'" --runs "$dir/runs" --no-cache
time_it "query runs only" ./vivarium query "select count(*) from runs" --runs "$dir/runs"
time_it "query final test_acc" ./vivarium query "select run, value from final where metric='test_acc'" --runs "$dir/runs"
time_it "query metrics (long)" ./vivarium query "select metric, avg(value) from metrics group by metric" --runs "$dir/runs"
