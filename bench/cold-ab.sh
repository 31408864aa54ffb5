#!/usr/bin/env bash
# Cold first reads (issue 11 item 2), two jlink images alternately on one data set, same machine, same run:
# partitions a0.., b0.., c0.., d0.. (N each, one record of 10 B, written with FSYNC=never and stopped cleanly
# once, kept under BENCH_WORK for the next call), then per image and round a clean start (FSYNC=always) and
# four passes of N cold first reads, 64 connections: a right after the start, then b, c, d, each after more
# warm-up (the passes before it and, before c, 20,000 reads of one partition: the run's hot bound). Prints
# each pass's reads/s and the open-files LRU's misses per partition read (/metrics).
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
. bench/image-server.sh # start_server, stop_server, metric (its cleanup removes $W on exit: the data set lives beside it)
W=$W/run; mkdir -p "$W"
D=${BENCH_WORK:-/tmp/storelog-bench}/cold-ab-data-$N

pass() { # mode n prefix: prints the rate per second
  local done_dir=$W/wrk-done t0 t1 wpid
  rm -rf "$done_dir"; mkdir -p "$done_dir"
  t0=$(date +%s%N)
  MODE=$1 N=$2 PREFIX=$3 THREADS=2 DONE_DIR=$done_dir wrk -t2 -c64 -d900s --timeout 30s \
    -s bench/lua/partitions.lua "http://127.0.0.1:$PORT" > "$W/wrk.out" 2>&1 &
  wpid=$!
  for _ in $(seq 1 9000); do [ "$(ls "$done_dir" | wc -l)" -ge 2 ] && break; sleep 0.05; done
  kill "$wpid" 2>/dev/null; wait "$wpid" 2>/dev/null || true
  t1=$(cat "$done_dir"/done-* | awk '{ if ($1 > m) m = $1 } END { print m }')
  if [ "$1" = publish ]; then # the request wrk dropped (see the script)
    curl -sf -H 'Content-Type: application/json' -d "{\"partition_key\":\"${3}0\",\"data_type\":2,\"data\":\"one record\"}" \
      "http://127.0.0.1:$PORT/publish" > /dev/null
  fi
  echo $(( $2 * 1000000000 / (t1 - t0) ))
}

if [ ! -f "$D/.made" ]; then
  rm -rf "$D"; mkdir -p "$D"
  start_server "$D" never
  for p in a b c d; do echo "created $N partitions ${p}0.. at $(pass publish "$N" $p)/s"; done
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
        if [ $p = hot ]; then line="$line hot $(pass hot 20000 a)/s"; continue; fi
        rate=$(pass read "$N" $p)
        m1=$(metric open_file_misses_total)
        line="$line cold-$p $rate/s (misses/partition $(awk -v d=$((m1 - m0)) -v n="$N" 'BEGIN{printf "%.2f", d / n}'))"
      done
      stop_server
      echo "$line"
    done
  done
} | tee "$log"
echo "log: $log"
