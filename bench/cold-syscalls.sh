#!/usr/bin/env bash
# System calls per cold first read (issue 11 item 2): the server of a jlink image, traced with `strace -f -c`
# while wrk reads N partitions a0.. of bench/cold-ab.sh's data set (run that once first) for the first time.
#   IMAGE=<image dir> [N=2000] flock /work/bench.lock bench/cold-syscalls.sh   (prints calls per read, >= 0.05)
# Needs: strace, wrk, curl. Loopback only; kills what it started.
set -euo pipefail
cd "$(dirname "$0")/.."
export JAVA_HOME=${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}
: "${IMAGE:?IMAGE=<image dir>}"
N=${N:-2000}
D=${BENCH_WORK:-/tmp/storelog-bench}/cold-ab-data-10000
[ -f "$D/.made" ] || { echo "run bench/cold-ab.sh once first (it makes the data set $D)"; exit 2; }
W=${BENCH_WORK:-/tmp/storelog-bench}/cold-syscalls; rm -rf $W; mkdir -p $W
PORT=18990
DATA_DIR=$D FSYNC=always HTTP_PORT=$PORT HTTP_HOST=127.0.0.1 JAVA_OPTS="-Xms1g -Xmx1g" $IMAGE/bin/storelog > $W/server.out 2>&1 &
PID=$!
for i in $(seq 1 500); do curl -sf http://127.0.0.1:$PORT/health/ready >/dev/null && break; sleep 0.02; done
JPID=$(pgrep -P $PID java || echo $PID) # the launcher execs java: the same process
strace -f -q -c -o $W/st.txt -p $JPID 2>/dev/null & SP=$!
sleep 1
mkdir -p $W/done; MODE=read N=$N PREFIX=a THREADS=2 DONE_DIR=$W/done wrk -t2 -c64 -d900s --timeout 30s -s bench/lua/partitions.lua http://127.0.0.1:$PORT > /dev/null 2>&1 & WP=$!
for _ in $(seq 1 6000); do [ "$(ls $W/done | wc -l)" -ge 2 ] && break; sleep 0.05; done
kill $WP; sleep 0.5; kill -INT $SP; wait $SP 2>/dev/null || true
kill $PID; wait $PID 2>/dev/null || true
awk -v n=$N 'NR>2 && $NF!="total" && $4+0>0 {c=$4; name=$NF; if (c/n >= 0.05) printf "%s %.2f\n", name, c/n}' $W/st.txt | sort -k2 -n -r
