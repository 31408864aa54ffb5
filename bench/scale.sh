#!/usr/bin/env bash
# Scale (issue 11, items 1 and 2), from outside with the jlink image, FSYNC=always unless said:
#   - time to /health/ready after a clean stop and after kill -9 with N partitions of one record each
#     (PARTITIONS, default "10000 100000") and with about 1 GiB in one partition (BIG=0 skips it), and
#     that partition's first read after such a restart, also after a crash of a run under FSYNC=never;
#   - cold first reads/s over 10,000 partitions, 64 connections, right after a clean restart and right
#     after the kill -9 restart (each partition then awaits its recovery), the same reads again (warm),
#     cold first reads on a warmed-up server (WARM other partitions read first, default 5,000),
#     and the same number of reads of ONE partition (the HTTP bound of the run), each with the
#     open-files LRU's hits and misses from /metrics;
#   - first publishes/s to new partitions (FSYNC=always) vs the raw fsync rate of this disk and vs the
#     same creations without StoreLog (bench/create-ceiling.py). The cold reads' bound, a bare Helidon
#     server doing the least a first read needs, is bench/cold-ceiling.sh (bench/RESULTS.md, 2026-12-05).
#   bench/scale.sh    (about 10 minutes with the defaults; writes bench/results/scale-<time>.log and
#                      bench/scale-restart.png and bench/scale-cold.png)
# Needs: JDK 21+ (JAVA_HOME, default Temurin 25), wrk, python3, curl. Loopback only; data under
# BENCH_WORK (default /tmp/storelog-bench), removed at the end. Every wait is bounded; kills what it started.
# The data sets are created over HTTP with FSYNC=never (creation speed is not what is measured here).
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
export JAVA_HOME=${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}
W=${BENCH_WORK:-/tmp/storelog-bench}/scale
PARTITIONS=${PARTITIONS:-10000 100000}
BIG=${BIG:-1}
NEW=${NEW:-5000}
WARM=${WARM:-5000}   # partitions read cold before the 10,000 on a warmed-up server
NEW_WARM=${NEW_WARM:-3000}   # partitions created before the NEW measured ones (a fresh server's JIT)
stamp=$(date -u +%Y%m%dT%H%M%SZ)
log=$ROOT/bench/results/scale-$stamp.log
mkdir -p "$W" bench/results

for tool in wrk python3 curl; do # a missing one would show only as a pass waiting for its bounded 15 minutes
  command -v "$tool" > /dev/null || { echo "bench/scale.sh needs $tool (Debian: apt-get install $tool)"; exit 2; }
done

IMAGE=${IMAGE:-$ROOT/distribution/target/storelog}   # IMAGE=<another build's image> compares code in one session
[ -x "$IMAGE/bin/storelog" ] || mvn -B -q -o -pl distribution -am package -DskipTests

. bench/image-server.sh # start_server, stop_server, kill9_server, metric, now_ms, per_partition

create_partitions() { # dir n: one record in each of p0..p(n-1), FSYNC=never, then a clean stop
  rm -rf "$1"
  start_server "$1" never
  local rate; rate=$(per_partition publish "$2" p)
  for _ in $(seq 1 600); do [ "$(metric partitions)" = "$2" ] && break; sleep 0.1; done
  echo "created $(metric partitions) partitions over HTTP (FSYNC=never) at $rate/s"
  stop_server
}

# reads MODE (read|hot) over N partitions (PREFIX0.., default p); RESULT <label>_reads_per_s, the LRU's hits and misses meanwhile
reads() { # mode n label [prefix]
  local h0 m0 rate
  h0=$(metric open_file_hits_total); m0=$(metric open_file_misses_total)
  rate=$(per_partition "$1" "$2" "${4:-p}")
  echo "RESULT ${3}_reads_per_s $rate"
  echo "RESULT ${3}_open_file_hits $(( $(metric open_file_hits_total) - h0 ))"
  echo "RESULT ${3}_open_file_misses $(( $(metric open_file_misses_total) - m0 ))"
}

# cold first reads on a warmed-up server, what users meet most: after a clean restart, first WARM other
# partitions (w0..) are read cold and one of them hot, so the JIT has compiled the paths, then the N
# partitions p0.. (untouched since the restart) are read for the first time
warmed_cold_reads() { # dir n
  start_server "$1" never   # the warm-up partitions, created without touching p0..
  echo "created $WARM warm-up partitions (w0..) at $(per_partition publish "$WARM" w)/s"
  stop_server
  start_server "$1" always
  echo "# cold first reads on a warmed-up server: after this clean restart, $WARM other partitions read cold ($(per_partition read "$WARM" w)/s) and one of them $((2 * $2)) times ($(per_partition hot $((2 * $2)) w)/s)"
  sleep 1
  reads read "$2" cold_warmed_up
  stop_server
}

restart_times() { # dir label [cold-reads n]: ready after a clean stop, then after kill -9 (server left running, recovered)
  local t0 t1
  t0=$(now_ms); start_server "$1" always; t1=$(now_ms)
  echo "RESULT restart $2 clean $((t1 - t0))"
  if [ "${3:-}" = cold-reads ]; then
    echo "# cold first reads right after the clean restart (nothing awaits recovery; open files now: $(metric open_files))"
    reads read "$4" cold_clean
    echo "open files now: $(metric open_files)"
  fi
  kill9_server   # an idle kill -9: the start above removed the marker, so every partition awaits recovery
  t0=$(now_ms); start_server "$1" always; t1=$(now_ms)
  echo "RESULT restart $2 crash $((t1 - t0))"
  grep -h "opened .* partitions" "$W/server.out" | tail -1 || true
}

{
echo "# scale run $stamp on $(nproc) cores, $(uname -r), image $IMAGE ($(cd "$IMAGE/../.." 2>/dev/null && git rev-parse --short HEAD 2>/dev/null)); load average at the start: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "# raw fsync rate: 100 B appended + fsync, one file, 3 s (the bound for new partitions: each costs 3 fsyncs)"
python3 - "$W" <<'PY'
import os, sys, time
path = os.path.join(sys.argv[1], "raw-fsync")
fd = os.open(path, os.O_CREAT | os.O_WRONLY | os.O_APPEND)
n, t0 = 0, time.time()
while time.time() - t0 < 3:
    os.write(fd, b"x" * 100); os.fsync(fd); n += 1
print("RESULT raw_fsyncs_per_s %d" % (n / (time.time() - t0)))
os.close(fd); os.remove(path)
PY

for n in $PARTITIONS; do
  echo "# $n partitions of one record"
  create_partitions "$W/p$n" "$n"
  if [ "$n" = 10000 ]; then
    restart_times "$W/p$n" "${n}_partitions" cold-reads "$n"
    echo "# cold first reads right after the kill -9 restart (background recovery still running: $(metric partitions_awaiting_recovery) partitions await it)"
    reads read "$n" cold_crash
    echo "open files now: $(metric open_files) (ulimit -n $(ulimit -n); STORE_MAX_OPEN_FILES ${STORE_MAX_OPEN_FILES:-unset})"
    echo "# the same reads again (warm: every partition loaded)"
    reads read "$n" warm_again
    echo "# the bound of the same run: $n reads of ONE partition (nothing cold: HTTP + the engine's hot read path)"
    reads hot "$n" hot
  else
    restart_times "$W/p$n" "${n}_partitions"
  fi
  t0=$(now_ms)
  for _ in $(seq 1 1200); do [ "$(metric partitions_awaiting_recovery)" = 0 ] && break; sleep 0.1; done
  echo "background recovery done $(( $(now_ms) - t0 )) ms after the measurements above (awaiting: $(metric partitions_awaiting_recovery))"
  stop_server
  if [ "$n" = 10000 ]; then
    warmed_cold_reads "$W/p$n" "$n"
  fi
  rm -rf "$W/p$n"
done

if [ "$BIG" = 1 ]; then
  echo "# about 1 GiB in one partition (1,000,000 records of 1 KiB)"
  rm -rf "$W/big"; start_server "$W/big" never
  python3 - "$PORT" <<'PY'
import http.client, json, sys
port = int(sys.argv[1])
body = json.dumps({"partition_key": "big", "records": [{"data": "y" * 1022, "data_type": 0}] * 1000})
c = http.client.HTTPConnection("127.0.0.1", port)
for _ in range(1000):
    c.request("POST", "/publish/batch", body, {"Content-Type": "application/json"}); r = c.getresponse(); r.read()
    assert r.status == 200, r.status
PY
  du -sh "$W/big"
  stop_server
  restart_times "$W/big" "1GiB_one_partition"
  t0=$(now_ms)
  curl -sf "http://127.0.0.1:$PORT/read?partition=big&offset=999999" > /dev/null
  echo "RESULT big_first_read_after_crash_ms $(( $(now_ms) - t0 ))"
  stop_server
  # the same after a crash of a run under FSYNC=never: recovery then also reads and forces the newest
  # BackgroundFlush.MAX_PENDING sealed segments (their background fsync may have been pending)
  start_server "$W/big" never
  curl -sf -H 'Content-Type: application/json' -d '{"partition_key":"big","data_type":2,"data":"one more"}' \
    "http://127.0.0.1:$PORT/publish" > /dev/null
  kill9_server
  start_server "$W/big" never
  t0=$(now_ms)
  curl -sf "http://127.0.0.1:$PORT/read?partition=big&offset=999999" > /dev/null
  echo "RESULT big_first_read_after_never_crash_ms $(( $(now_ms) - t0 ))"
  stop_server
  rm -rf "$W/big"
fi

echo "# the filesystem's own rate for the same creations and fsyncs, without StoreLog (bench/create-ceiling.py, 64 threads)"
python3 bench/create-ceiling.py "$W" 64 "$NEW" sequential
echo "# first publishes to $NEW new partitions, FSYNC=always, 64 connections, after $NEW_WARM others (the JIT's warm-up)"
rm -rf "$W/new"; start_server "$W/new" always
[ "$NEW_WARM" = 0 ] || echo "warm-up: $NEW_WARM partitions created at $(per_partition publish "$NEW_WARM" w)/s"
f0=$(metric fsyncs_total)
echo "RESULT new_partitions_per_s $(per_partition publish "$NEW" n)"
echo "segment-file fsyncs: $(( $(metric fsyncs_total) - f0 )) for $(metric partitions) partitions (directory fsyncs are not in this count)"
stop_server
} 2>&1 | tee "$log"

"$JAVA_HOME/bin/java" bench/src/main/java/storelog/bench/ScalePlot.java "$log" bench/scale-restart.png bench/scale-cold.png
echo "wrote $log, bench/scale-restart.png and bench/scale-cold.png"
