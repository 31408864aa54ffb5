#!/bin/bash
cd "$(dirname "$0")/.."  # paths below are relative to the checkout
# usage: MODS_BASE=<modules dir> MODS_HEAD=<modules dir> flock /work/bench.lock bench/p3-ab.sh  (modules dirs: distribution/target/modules of each build; full JDK, since the image has no jdk.jfr)
# P3 A/B in one run: trivial JDK server (ceiling), the same made durable (bench DurableHttpCeiling; BENCH_JAR, default
# bench/target/benchmarks.jar), then base and head servers alternately, FSYNC=always, wrk -t2 -c64 10 s;
# besides wrk's figures, the server's CPU time (user + system, /proc) per 1,000 requests of the window
J=/usr/lib/jvm/temurin-25-jdk-amd64/bin
# LUA=batch.lua URL=/publish/batch DURABLE=0 SKIP_CEILING=1: the same A/B on P4 (100 records of 100 B per request)
LUA=${LUA:-publish100.lua} URL=${URL:-/publish}
W=/tmp/storelog-bench/p3-ab; mkdir -p $W
echo "# $(date -u) load: $(cat /proc/loadavg)"
[ "${SKIP_CEILING:-0}" = 1 ] || bash ${SHARED_BENCH:-../shared/bench}/http-ceiling.sh 10 2>&1 | grep -E "==|Requests/sec|50%|99%"
cpu() { awk '{print $14 + $15}' /proc/$1/stat; }  # the process's user + system time, in clock ticks (1/100 s)
run() { # name mods fsync [JVM options]
  rm -rf $W/data; PORT=18978
  DATA_DIR=$W/data FSYNC=$3 HTTP_PORT=$PORT HTTP_HOST=127.0.0.1 $J/java -Xms1g -Xmx1g $4 -p $2 -m storelog.server/storelog.server.Main > $W/server.out 2>&1 &
  PID=$!
  for i in $(seq 1 200); do curl -sf http://127.0.0.1:$PORT/health >/dev/null && break; sleep 0.05; done
  wrk -t2 -c64 -d3s -s bench/lua/$LUA http://127.0.0.1:$PORT$URL > /dev/null
  f0=$(curl -s http://127.0.0.1:$PORT/metrics | awk '/^storelog_storage_fsyncs_total/{print $2}')
  c0=$(cpu $PID)
  echo "== $1 FSYNC=$3"; wrk -t2 -c64 -d10s --latency -s bench/lua/$LUA http://127.0.0.1:$PORT$URL > $W/wrk.out
  c1=$(cpu $PID)
  grep -E "Requests/sec|50%|99%" $W/wrk.out
  f1=$(curl -s http://127.0.0.1:$PORT/metrics | awk '/^storelog_storage_fsyncs_total/{print $2}')
  n=$(awk '/requests in/{print $1}' $W/wrk.out)
  echo "fsyncs during the window (+ ~0.1 s): $((f1 - f0)); server CPU (user+sys) per 1,000 requests: $(awk -v t=$((c1 - c0)) -v n=$n 'BEGIN{printf "%.1f", t * 10000 / n}') ms ($(( (c1 - c0) * 10 )) ms for $n)"
  kill $PID; wait $PID 2>/dev/null
}
durable() { # the trivial server made durable (DurableHttpCeiling: a minimal group commit, answer after the fdatasync)
  PORT=18979
  BENCH_WORK=$W $J/java -Xms1g -Xmx1g -cp ${BENCH_JAR:-bench/target/benchmarks.jar} storelog.bench.DurableHttpCeiling $PORT > $W/durable.out 2>&1 &
  PID=$!
  for i in $(seq 1 200); do grep -q READY $W/durable.out 2>/dev/null && break; sleep 0.05; done
  wrk -t2 -c64 -d3s -s bench/lua/publish100.lua http://127.0.0.1:$PORT/publish > /dev/null
  c0=$(cpu $PID)
  echo "== trivial server made durable (DurableHttpCeiling)"; wrk -t2 -c64 -d10s --latency -s bench/lua/publish100.lua http://127.0.0.1:$PORT/publish > $W/wrk.out
  c1=$(cpu $PID)
  grep -E "Requests/sec|50%|99%|Non-2xx" $W/wrk.out
  n=$(awk '/requests in/{print $1}' $W/wrk.out)
  echo "server CPU (user+sys) per 1,000 requests: $(awk -v t=$((c1 - c0)) -v n=$n 'BEGIN{printf "%.1f", t * 10000 / n}') ms"
  kill $PID; wait $PID 2>/dev/null
}
# DURABLE=0 skips the durable trivial server (run once, after the trivial one)
[ "${DURABLE:-1}" = 0 ] || durable
# JAVA_OPTS_BASE / JAVA_OPTS_HEAD: each side's JVM options (an A/B of a flag with the same modules); NEVER=0 skips the FSYNC=never run
for r in ${ROUNDS:-1 2}; do run base ${MODS_BASE:?} always "$JAVA_OPTS_BASE"; run head ${MODS_HEAD:?} always "$JAVA_OPTS_HEAD"; done
[ "${NEVER:-1}" = 0 ] || run head ${MODS_HEAD:?} never "$JAVA_OPTS_HEAD"
