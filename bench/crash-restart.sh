#!/usr/bin/env bash
# Ready after kill -9 (issue 11, item 1) for two images on the SAME data sets, alternately, FSYNC=always:
#   - the floor: ready with an empty DATA_DIR (the JVM and Helidon, no partition);
#   - ready after a clean stop (marker naming no partition to recover), once per image;
#   - ROUNDS rounds of: ready after kill -9, each image in turn (the order flips every round), and the
#     times of the first GET /metrics after it (which walks DATA_DIR on a lazy engine) and of the
#     second one right after (an engine that keeps its counts walks only once).
#   IMAGES="base=/tmp/base-image head=distribution/target/storelog" PARTITIONS="10000 100000" ROUNDS=3 \
#     bench/crash-restart.sh        (about 5 minutes; writes bench/results/crash-restart-<time>.log)
# Each data set is made once: one record published over HTTP to partition p0 (FSYNC=never), then its
# directory copied to p1..p(N-1) (a segment holds no key: the copies are the partitions scale.sh
# makes over HTTP, in seconds instead of minutes). Loopback only; data under BENCH_WORK (default
# /tmp/storelog-bench), removed at the end. Every wait is bounded; kills only what it started.
# Needs: JDK 21+ (JAVA_HOME, default Temurin 25), python3, curl. Run under `flock /work/bench.lock`.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
export JAVA_HOME=${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}
W=${BENCH_WORK:-/tmp/storelog-bench}/crash-restart
IMAGES=${IMAGES:-head=$ROOT/distribution/target/storelog}
PARTITIONS=${PARTITIONS:-10000 100000}
ROUNDS=${ROUNDS:-3}
stamp=$(date -u +%Y%m%dT%H%M%SZ)
log=$ROOT/bench/results/crash-restart-$stamp.log
mkdir -p "$W" bench/results

. bench/image-server.sh # start_server (of $IMAGE), stop_server, kill9_server, metric, now_ms
image_of() { for pair in $IMAGES; do if [ "${pair%%=*}" = "$1" ]; then echo "${pair#*=}"; fi; done; }
names=$(for pair in $IMAGES; do echo "${pair%%=*}"; done)
first_image=$(image_of "$(echo "$names" | head -1)")

timed_start() { # name data label: prints the time to ready; the server is left running
  local t0 t1
  IMAGE=$(image_of "$1")
  t0=$(now_ms); start_server "$2" always; t1=$(now_ms)
  echo "RESULT $1 $3 $((t1 - t0))"
}

make_data() { # dir n
  rm -rf "$1"
  IMAGE=$first_image
  start_server "$1" never
  curl -sf -H 'Content-Type: application/json' -d '{"partition_key":"p0","data_type":2,"data":"one record"}' \
    "http://127.0.0.1:$PORT/publish" > /dev/null
  stop_server
  python3 - "$1" "$2" <<'PY'
import shutil, sys
data, n = sys.argv[1], int(sys.argv[2])
for i in range(1, n):
    shutil.copytree(f"{data}/p0", f"{data}/p{i}")
PY
  echo "made $2 partitions in $1 ($(du -sh "$1" | cut -f1)): $(ls "$1/p0" | tr '\n' ' ')"
}

{
echo "# crash-restart run $stamp on $(nproc) cores, $(uname -r); images: $IMAGES"
for name in $names; do echo "# $name: $(image_of "$name")"; done
echo "# load average at the start: $(cut -d' ' -f1-3 /proc/loadavg)"
for name in $names; do
  rm -rf "$W/empty"
  timed_start "$name" "$W/empty" floor_empty_data_dir
  stop_server
done
for n in $PARTITIONS; do
  echo "# $n partitions of one record"
  make_data "$W/p$n" "$n"
  for name in $names; do
    timed_start "$name" "$W/p$n" "clean_${n}"
    stop_server # a clean start recovers nothing: the close's marker names none
  done
  IMAGE=$first_image
  start_server "$W/p$n" always
  [ "$(curl -sf "http://127.0.0.1:$PORT/read?partition=p$((n - 1))&offset=0" | grep -c 'one record')" = 1 ] \
    || { echo "p$((n - 1)) does not read back"; exit 1; }
  kill9_server # from here every start is one after a kill -9: no marker, every partition awaits recovery
  order=$names
  for round in $(seq 1 "$ROUNDS"); do
    echo "# round $round, load average $(cut -d' ' -f1-3 /proc/loadavg)"
    for name in $order; do
      timed_start "$name" "$W/p$n" "crash_${n}"
      t0=$(now_ms); awaiting=$(metric partitions_awaiting_recovery)
      echo "RESULT $name first_metrics_after_crash_${n}_ms $(( $(now_ms) - t0 )) (awaiting recovery then: $awaiting)"
      t0=$(now_ms); awaiting=$(metric partitions_awaiting_recovery)
      echo "RESULT $name second_metrics_after_crash_${n}_ms $(( $(now_ms) - t0 )) (awaiting recovery then: $awaiting)"
      kill9_server
    done
    order=$(echo "$order" | tac)
  done
  grep -h "opened .*/p$n " "$W/server.out" | tail -4 || true
  rm -rf "$W/p$n"
done
echo "# load average at the end: $(cut -d' ' -f1-3 /proc/loadavg)"
} 2>&1 | tee "$log"

(python3 - "$log" <<'PY'
import re, statistics, sys
runs = {}
for line in open(sys.argv[1]):
    m = re.match(r"RESULT (\S+) (\S+) (\d+)", line)
    if m:
        runs.setdefault((m.group(2), m.group(1)), []).append(int(m.group(3)))
for (what, name), values in sorted(runs.items()):
    print(f"MEDIAN {what} {name} {statistics.median(values):.0f} of {values}")
PY
) | tee -a "$log"
"$JAVA_HOME/bin/java" bench/src/main/java/storelog/bench/ScalePlot.java "$log" bench/crash-restart.png
echo "wrote $log and bench/crash-restart.png"
