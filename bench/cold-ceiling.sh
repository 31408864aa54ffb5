#!/usr/bin/env bash
# Cold first reads (issue 11 item 2) against their bound, in alternating rounds of one session: StoreLog's
# image and bench/ceiling/ColdReadCeiling.java (a bare Helidon WebServer on the image's modules that lists,
# opens, reads and closes a partition's first segment per request, nothing kept open) read the same data directory: N partitions (p0.., default
# 10000) of one record, first WARM others (w0.., default 5000) as a warm-up, then p0.. once each, cold,
# one client, 64 connections (bench/lua/partitions.lua). StoreLog starts after a clean stop (FSYNC=always).
# Each server's hot bound follows: N reads of p0 alone (the ceiling answers a partition read before from memory).
#   ROUNDS=3 N=10000 WARM=5000 [IMAGE=...] bench/cold-ceiling.sh   (writes bench/results/cold-ceiling-<time>.log)
# Loopback only; data under BENCH_WORK (default /tmp/storelog-bench), removed at the end; bounded waits.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
export JAVA_HOME=${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}
W=${BENCH_WORK:-/tmp/storelog-bench}/cold-ceiling
N=${N:-10000}
WARM=${WARM:-5000}
ROUNDS=${ROUNDS:-3}
IMAGE=${IMAGE:-$ROOT/distribution/target/storelog}
stamp=$(date -u +%Y%m%dT%H%M%SZ)
log=$ROOT/bench/results/cold-ceiling-$stamp.log
mkdir -p "$W" bench/results
command -v wrk > /dev/null || { echo "bench/cold-ceiling.sh needs wrk (Debian: apt-get install wrk)"; exit 2; }
[ -x "$IMAGE/bin/storelog" ] || mvn -B -q -o -pl distribution -am package -DskipTests
MODULES=$ROOT/distribution/target/modules   # the image's module jars, to compile the ceiling against
[ -d "$MODULES" ] || mvn -B -q -o -pl distribution -am package -DskipTests
mkdir -p "$W/ceiling"
"$JAVA_HOME/bin/javac" --release 21 -p "$MODULES" --add-modules io.helidon.webserver -d "$W/ceiling" bench/ceiling/ColdReadCeiling.java
. bench/image-server.sh # start_server, stop_server, metric, per_partition

start_ceiling() { # data-dir: starts ColdReadCeiling on the image's java and modules, sets PID, PORT
  PORT=$(free_port)
  "$IMAGE/bin/java" -Xms1g -Xmx1g -cp "$W/ceiling" ColdReadCeiling "$PORT" "$1" >> "$W/server.out" 2>&1 &
  PID=$!
  for _ in $(seq 1 3000); do
    curl -s -o /dev/null "http://127.0.0.1:$PORT/read?partition=w0&offset=0" && return 0
    sleep 0.01
  done
  echo "the ceiling did not start"; tail -30 "$W/server.out"; exit 1
}

{
echo "# cold-ceiling run $stamp on $(nproc) cores, image $IMAGE; load average at the start: $(cut -d' ' -f1-3 /proc/loadavg)"
rm -rf "$W/data"; start_server "$W/data" never
echo "created $N partitions at $(per_partition publish "$N" p)/s and $WARM warm-up ones at $(per_partition publish "$WARM" w)/s (FSYNC=never)"
stop_server
for r in $(seq 1 "$ROUNDS"); do
  start_server "$W/data" always
  warm=$(per_partition read "$WARM" w)
  h0=$(metric open_file_hits_total); m0=$(metric open_file_misses_total)
  echo "RESULT storelog_cold_reads_per_s $(per_partition read "$N" p) (after $WARM warm-up reads at $warm/s; LRU hits $(( $(metric open_file_hits_total) - h0 )), misses $(( $(metric open_file_misses_total) - m0 )))"
  echo "RESULT storelog_hot_reads_per_s $(per_partition hot "$N" p)"
  stop_server
  start_ceiling "$W/data"
  warm=$(per_partition read "$WARM" w)
  echo "RESULT ceiling_cold_reads_per_s $(per_partition read "$N" p) (after $WARM warm-up reads at $warm/s)"
  echo "RESULT ceiling_hot_reads_per_s $(per_partition hot "$N" p)"
  kill -TERM "$PID"; wait "$PID" 2>/dev/null || true; PID=
done
} 2>&1 | tee "$log"
echo "wrote $log"
