#!/bin/bash
cd "$(dirname "$0")/.."  # paths below are relative to the checkout
# P3 CPU profile with async-profiler (sees virtual threads; JFR samples them sparsely):
#   AP_LIB=<linux-x64/libasyncProfiler.so> MODS=<distribution/target/modules> OUT=<file.collapsed> flock /work/bench.lock bench/p3-prof.sh
# (the .so is in the Maven Central jar tools.profiler:async-profiler:4.1). Server FSYNC=always (or $FSYNC) on the full JDK,
# wrk -t2 -c64 POST /publish 5 s warm-up, then 15 s profiled (event $EVENT, default cpu); prints the top self and
# inclusive frames (bench/ap-top.py) after wrk's summary.
set -e
J=/usr/lib/jvm/temurin-25-jdk-amd64/bin
MODS=${MODS:-distribution/target/modules}; OUT=${OUT:-/tmp/storelog-bench/p3.collapsed}; AP_LIB=${AP_LIB:?path of libasyncProfiler.so}
W=/tmp/storelog-bench/p3-prof; rm -rf $W; mkdir -p $W
PORT=18976
echo "# $(date -u) load: $(cat /proc/loadavg) mods: $MODS"
DATA_DIR=$W/data FSYNC=${FSYNC:-always} HTTP_PORT=$PORT HTTP_HOST=127.0.0.1 $J/java -Xms1g -Xmx1g -p $MODS -m storelog.server/storelog.server.Main > $W/server.out 2>&1 &
PID=$!
trap "kill $PID 2>/dev/null; wait $PID 2>/dev/null" EXIT
for i in $(seq 1 200); do curl -sf http://127.0.0.1:$PORT/health >/dev/null && break; sleep 0.05; done
wrk -t2 -c64 -d5s -s bench/lua/publish100.lua http://127.0.0.1:$PORT/publish > /dev/null
$J/jcmd $PID JVMTI.agent_load $AP_LIB "\"start,event=${EVENT:-cpu},interval=1ms\"" > /dev/null
wrk -t2 -c64 -d15s --latency -s bench/lua/publish100.lua http://127.0.0.1:$PORT/publish | grep -E "Requests/sec|50%|99%"
$J/jcmd $PID JVMTI.agent_load $AP_LIB "\"stop,file=$OUT,collapsed\"" > /dev/null
curl -s http://127.0.0.1:$PORT/metrics | grep -E "^storelog_storage_fsyncs_total|^storelog_records_appended_total" || true
python3 bench/ap-top.py $OUT
