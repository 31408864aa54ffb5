#!/usr/bin/env bash
# P2 on one partition, profiled (issue 11 item 3): N virtual-thread appenders, FSYNC=always, one engine,
# 2 s to settle, then a window of S seconds with async-profiler running in-process (event cpu or wall).
#   AP_JAR=<async-profiler-4.1.jar, unzipped next to it: linux-x64/libasyncProfiler.so> \
#     bench/p2prof/run.sh <benchmarks.jar> <N> <S> [none|cpu|wall] [out file]
# Prints rec/s, fsyncs/s and records per fsync; with cpu/wall writes a collapsed profile to the out file.
# Summaries: python3 bench/p2prof/sync-wall.py <wall file> (the sync loop's cycle: fdatasync, gather, wake, ...)
#            python3 bench/p2prof/carrier-cpu.py <cpu file> (what the appenders' carriers spend CPU on)
# Run under the benchmark lock: flock /work/bench.lock bench/p2prof/run.sh ...
set -euo pipefail
export JAVA_HOME=${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}
jar=$1; n=$2; s=$3; ev=${4:-none}; out=${5:-/tmp/p2prof.collapsed}
cls=$(mktemp -d)
trap 'rm -rf "$cls"' EXIT
"$JAVA_HOME/bin/javac" -cp "$jar:$AP_JAR" -d "$cls" "$(dirname "$0")/Prof.java"
mkdir -p /tmp/storelog-bench
timeout 120 "$JAVA_HOME/bin/java" -Xms2g -Xmx2g -Dap.lib="$(dirname "$AP_JAR")/linux-x64/libasyncProfiler.so" \
  -cp "$jar:$AP_JAR:$cls" Prof "$n" "$s" "$ev" "$out" collapsed
