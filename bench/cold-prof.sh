#!/bin/bash
# CPU profile (async-profiler, cpu, 1 ms) of 10,000 cold first reads over 10,000 partitions right after a
# clean restart of a jlink image, 64 connections (as bench/scale.sh's "cold first reads after a clean
# restart"), and the samples by part: the JIT's compiler threads, the engine, Helidon, other.
#   AP_LIB=<linux-x64/libasyncProfiler.so> flock /work/bench.lock bench/cold-prof.sh <image dir> <out.collapsed>
# (the .so is in the Maven Central jar tools.profiler:async-profiler:4.1). The data set (one record in each
# of p0..p9999, FSYNC=never) is made once under BENCH_WORK and kept for the next call; attaches with the
# JDK's jcmd (JAVA_HOME, default Temurin 25: the image's JVM version). Loopback only; kills what it started.
set -euo pipefail
cd "$(dirname "$0")/.."
J=${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}/bin
AP_LIB=${AP_LIB:?path of libasyncProfiler.so}
IMAGE=$1; OUT=$2
W=${BENCH_WORK:-/tmp/storelog-bench}/cold-prof; D=$W/data
mkdir -p "$W"
PORT=$(python3 -c 'import socket;s=socket.socket();s.bind(("127.0.0.1",0));print(s.getsockname()[1])')
PID=
trap '[ -n "$PID" ] && kill -9 $PID 2>/dev/null || true' EXIT
start() { # fsync
  DATA_DIR=$D FSYNC=$1 HTTP_PORT=$PORT HTTP_HOST=127.0.0.1 JAVA_OPTS="-Xms1g -Xmx1g" "$IMAGE/bin/storelog" > "$W/server.out" 2>&1 &
  PID=$!
  for _ in $(seq 1 1000); do curl -sf "http://127.0.0.1:$PORT/health/ready" >/dev/null 2>&1 && return 0; sleep 0.02; done
  echo "server did not become ready"; tail -20 "$W/server.out"; exit 1
}
stop() { kill -TERM $PID; wait $PID || true; PID=; }
pass() { # mode: one request per partition p0..p9999, 64 connections (bench/lua/partitions.lua); prints the rate
  local t0 t1 w
  rm -rf "$W/done"; mkdir -p "$W/done"
  t0=$(date +%s%N)
  MODE=$1 N=10000 PREFIX=p THREADS=2 DONE_DIR=$W/done wrk -t2 -c64 -d900s --timeout 30s -s bench/lua/partitions.lua \
    "http://127.0.0.1:$PORT" > /dev/null 2>&1 &
  w=$!
  for _ in $(seq 1 6000); do [ "$(ls "$W/done" | wc -l)" -ge 2 ] && break; sleep 0.05; done
  kill $w; wait $w 2>/dev/null || true
  t1=$(cat "$W"/done/done-* | awk '{ if ($1 > m) m = $1 } END { print m }')
  echo "$1: $(( 10000 * 1000000000 / (t1 - t0) ))/s"
}
if [ ! -d "$D" ]; then
  start never; pass publish
  curl -sf -H 'Content-Type: application/json' -d '{"partition_key":"p0","data_type":2,"data":"x"}' \
    "http://127.0.0.1:$PORT/publish" > /dev/null # the request wrk drops (see partitions.lua)
  stop
fi
start always
JPID=$(pgrep -P $PID -f storelog.server || echo $PID)
"$J/jcmd" "$JPID" JVMTI.agent_load "$AP_LIB" "\"start,event=cpu,interval=1ms\"" > /dev/null
pass read
"$J/jcmd" "$JPID" JVMTI.agent_load "$AP_LIB" "\"stop,file=$OUT,collapsed\"" > /dev/null
stop
python3 - "$OUT" <<'PY'
import sys, collections
parts, total = collections.Counter(), 0
for line in open(sys.argv[1]):
    stack, _, n = line.rstrip().rpartition(' ')
    n = int(n); total += n
    if 'C2Compiler' in stack or 'Compile::' in stack: part = 'JIT C2'
    elif 'Compilation::' in stack or 'C1_' in stack or 'Compiler::compile' in stack: part = 'JIT C1'
    elif 'CompileBroker' in stack: part = 'JIT other'
    elif 'storelog/store' in stack or 'storelog.store' in stack: part = 'engine (store-file)'
    elif 'io/helidon' in stack or 'io.helidon' in stack: part = 'Helidon'
    else: part = 'other (GC, kernel, JDK, interpreter stubs)'
    parts[part] += n
for part, n in parts.most_common():
    print(f"  {part:44s} {n:6d} {100 * n / total:5.1f} %")
print(f"  samples {total}")
PY
