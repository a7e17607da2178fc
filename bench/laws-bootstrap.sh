#!/usr/bin/env bash
# Wall time of 4,000 bootstrap refits of L(N, D) on the Chinchilla points (laws module).
# Usage: bench/laws-bootstrap.sh [resamples] [threads]   (from the project root; reads data/chinchilla)
set -euo pipefail
cd "$(dirname "$0")/.."
# one reactor invocation, so that numeric and store resolve to their target/classes (nothing is installed);
# every module writes the file in turn and laws, built last, writes it last
mvn -q -B -pl laws -am test-compile dependency:build-classpath -Dmaven.test.skip.exec=true \
  -Dmdep.outputFile="$PWD/laws/target/bench.classpath"
java -cp "laws/target/classes:laws/target/test-classes:$(cat laws/target/bench.classpath)" \
  dev.vivarium.laws.bench.BootstrapBenchmark "$@"
