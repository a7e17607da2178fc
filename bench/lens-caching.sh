#!/usr/bin/env bash
# Overhead of caching every activation over a plain forward pass (lens module), on the grokking
# model of Nanda et al. with all 12,769 inputs of a + b mod 113.
# Usage: bench/lens-caching.sh [rounds] [threads]   (from anywhere; builds what it needs offline-first)
set -euo pipefail
cd "$(dirname "$0")/.."
mvn -q -B -pl lens -am install -DskipTests
mvn -q -B -pl lens test-compile
mvn -q -B -pl lens dependency:build-classpath -Dmdep.outputFile="$PWD/lens/target/bench.classpath"
java -Dai.djl.offline=true -Xss4m -cp "lens/target/classes:lens/target/test-classes:$(cat lens/target/bench.classpath)" \
  dev.vivarium.lens.bench.CachingBenchmark "$@"
