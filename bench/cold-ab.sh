#!/usr/bin/env bash
# Cold first reads (issue 11 item 2), two jlink images alternately on one data set, same machine, same run:
# partitions a0.., b0.., c0.., d0.. (N each, one record of 10 B, written with FSYNC=never and stopped cleanly
# once, kept under BENCH_WORK for the next call), then per image and round a clean start (FSYNC=always) and
# four passes of N cold first reads, 64 connections: a right after the start, then b, c, d, each after more
# warm-up (the passes before it and, before c, 20,000 reads of one partition: the run's hot bound). Prints
# each pass's reads/s, the open-files LRU's misses per partition read (/metrics), and the clean stop's time
# (SIGTERM to exit) after the 4 x N partitions were read.
#   A=<image> B=<image> [N=10000] [ROUNDS=2] flock /work/bench.lock bench/cold-ab.sh
# Needs: JDK 21+ (JAVA_HOME, default Temurin 25), wrk, python3, curl. Loopback only; kills what it started.
set -euo pipefail
cd "$(dirname "$0")/.."
export JAVA_HOME=${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}
: "${A:?A=<image dir>}" "${B:?B=<image dir>}"
N=${N:-10000}
ROUNDS=${ROUNDS:-2}
W=${BENCH_WORK:-/tmp/storelog-bench}/cold-ab
mkdir -p "$W" bench/results
log=bench/results/cold-ab-$(date -u +%Y%m%dT%H%M%SZ).log
IMAGE=$A
. bench/image-server.sh # start_server, stop_server, metric, per_partition (its cleanup removes $W on exit: the data set lives beside it)
W=$W/run; mkdir -p "$W"
D=${BENCH_WORK:-/tmp/storelog-bench}/cold-ab-data-$N

if [ ! -f "$D/.made" ]; then
  rm -rf "$D"; mkdir -p "$D"
  start_server "$D" never
  for p in a b c d; do echo "created $N partitions ${p}0.. at $(per_partition publish "$N" $p)/s"; done
  stop_server
  touch "$D/.made"
fi

{
  echo "# cold-ab $(date -u) N=$N rounds=$ROUNDS load $(cut -d' ' -f1-3 /proc/loadavg); A=$A B=$B"
  for r in $(seq 1 "$ROUNDS"); do
    for side in A B; do
      IMAGE=${!side}
      start_server "$D" always
      line="round $r $side:"
      for p in a b hot c d; do
        m0=$(metric open_file_misses_total)
        if [ $p = hot ]; then line="$line hot $(per_partition hot 20000 a)/s"; continue; fi
        rate=$(per_partition read "$N" $p)
        m1=$(metric open_file_misses_total)
        line="$line cold-$p $rate/s (misses/partition $(awk -v d=$((m1 - m0)) -v n="$N" 'BEGIN{printf "%.2f", d / n}'))"
      done
      t0=$(now_ms); stop_server; line="$line clean stop $(( $(now_ms) - t0 )) ms"
      echo "$line"
    done
  done
} | tee "$log"
echo "log: $log"
