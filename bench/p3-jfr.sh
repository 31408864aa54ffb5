#!/bin/bash
cd "$(dirname "$0")/.."  # paths below are relative to the checkout
# P3 profile (usage: flock /work/bench.lock bench/p3-jfr.sh; then jfr view hot-methods $OUT): server FSYNC=always on the full JDK (the image has no jdk.jfr), wrk -t2 -c64 POST /publish, JFR 15 s
set -e
J=/usr/lib/jvm/temurin-25-jdk-amd64/bin
MODS=${MODS:-distribution/target/modules}; OUT=${OUT:-/tmp/storelog-bench/p3.jfr}
W=/tmp/storelog-bench/p3-jfr; rm -rf $W; mkdir -p $W
PORT=18977
echo "# load: $(cat /proc/loadavg)"
DATA_DIR=$W/data FSYNC=${FSYNC:-always} HTTP_PORT=$PORT HTTP_HOST=127.0.0.1 $J/java -Xms1g -Xmx1g -p $MODS -m storelog.server/storelog.server.Main > $W/server.out 2>&1 &
PID=$!
trap "kill $PID 2>/dev/null; wait $PID 2>/dev/null" EXIT
for i in $(seq 1 200); do curl -sf http://127.0.0.1:$PORT/health >/dev/null && break; sleep 0.05; done
wrk -t2 -c64 -d5s -s bench/lua/publish100.lua http://127.0.0.1:$PORT/publish > /dev/null
$J/jcmd $PID JFR.start name=p3 settings=profile duration=15s filename=$OUT > /dev/null
wrk -t2 -c64 -d15s --latency -s bench/lua/publish100.lua http://127.0.0.1:$PORT/publish
sleep 2
curl -s http://127.0.0.1:$PORT/metrics | grep -E "fsyncs_total|records_appended_total" 
