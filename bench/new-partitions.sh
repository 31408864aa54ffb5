#!/usr/bin/env bash
# First publishes to new partitions under FSYNC=always (issue 11 item 2) against the filesystem's own rate
# for the same creations (bench/create-ceiling.py: mkdir, two files, the fsyncs durability needs), in
# alternating rounds of one session: NEW partitions (default 2000) per round, 64 connections / threads.
#   ROUNDS=4 NEW=2000 [WARM=0] [IMAGE=...] bench/new-partitions.sh   (writes bench/results/new-partitions-<time>.log)
# Loopback only; data under BENCH_WORK (default /tmp/storelog-bench), removed at the end; bounded waits.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
export JAVA_HOME=${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}
W=${BENCH_WORK:-/tmp/storelog-bench}/new-partitions
NEW=${NEW:-2000}
WARM=${WARM:-0}   # partitions created (w0..) before the measured ones, so the JIT has compiled the path
ROUNDS=${ROUNDS:-4}
IMAGE=${IMAGE:-$ROOT/distribution/target/storelog}
stamp=$(date -u +%Y%m%dT%H%M%SZ)
log=$ROOT/bench/results/new-partitions-$stamp.log
mkdir -p "$W" bench/results
command -v wrk > /dev/null || { echo "bench/new-partitions.sh needs wrk (Debian: apt-get install wrk)"; exit 2; }
[ -x "$IMAGE/bin/storelog" ] || mvn -B -q -o -pl distribution -am package -DskipTests
. bench/image-server.sh # start_server, stop_server, metric, per_partition
{
echo "# new partitions run $stamp on $(nproc) cores, image $IMAGE; load average at the start: $(cut -d' ' -f1-3 /proc/loadavg)"
for r in $(seq 1 "$ROUNDS"); do
  python3 bench/create-ceiling.py "$W" 64 "$NEW" sequential
  rm -rf "$W/new"; start_server "$W/new" always
  [ "$WARM" = 0 ] || echo "warm-up: $WARM partitions created at $(per_partition publish "$WARM" w)/s"
  f0=$(metric fsyncs_total)
  echo "RESULT new_partitions_per_s $(per_partition publish "$NEW" n) (segment-file fsyncs: $(( $(metric fsyncs_total) - f0 )))"
  stop_server
done
} 2>&1 | tee "$log"
echo "wrote $log"
