#!/usr/bin/env bash
# Benchmarks of the dashboard (`vivarium serve`) and of metric logging, as bench/DashboardBench.java says:
#   metric logging (points appended per second through store's MetricLog), the runs list of 1,000 runs
#   (cold and warm), the compare page with 100 runs x 10,000 logged steps in headless Chromium.
# usage: bench/dashboard.sh [DIR]   (fixtures are written under DIR, default /tmp/vivarium-dashboard-bench,
#        and reused by the next run; about 0.7 GB)
# needs: Debian's chromium and chromium-driver
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
dir="${1:-/tmp/vivarium-dashboard-bench}"
"$here/vivarium" --version >/dev/null   # builds the jar if the sources changed
exec java -Xmx4g -cp "$here/app/target/vivarium-app-0.1.0-SNAPSHOT.jar:$here/app/target/runtime/*:$here/app/target/duckdb/jar/*" \
  "$here/bench/DashboardBench.java" "$dir"
