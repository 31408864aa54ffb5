#!/usr/bin/env bash
# HTTP benchmarks P3, P4, P5 and start-up time, each against its ceiling or peer measured in the same run.
#   bench/http.sh        (about 10 minutes; writes bench/results/http-<time>.log)
# Needs: JDK 21+ (JAVA_HOME, default Temurin 25), wrk (Debian package `wrk`), python3, Maven (Kafka from
# Maven Central via ../shared/bench/kafka/kafka.sh). Loopback only; data under BENCH_WORK (default /tmp/storelog-bench).
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
export JAVA_HOME=${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}
SHARED=${SHARED_BENCH:-$ROOT/../shared/bench}
W=${BENCH_WORK:-/tmp/storelog-bench}/http
D=${DURATION:-10}
RECORDS=${RECORDS:-1000000}
stamp=$(date -u +%Y%m%dT%H%M%SZ)
log=$ROOT/bench/results/http-$stamp.log
mkdir -p "$W" bench/results

IMAGE=$ROOT/distribution/target/storelog
[ -x "$IMAGE/bin/storelog" ] || mvn -B -q package -DskipTests

free_port() { python3 -c 'import socket;s=socket.socket();s.bind(("127.0.0.1",0));print(s.getsockname()[1])'; }
PID=
start_server() { # data-dir fsync port
  DATA_DIR=$1 FSYNC=$2 HTTP_PORT=$3 HTTP_HOST=127.0.0.1 JAVA_OPTS="-Xms1g -Xmx1g" \
    "$IMAGE/bin/storelog" > "$W/server.out" 2>&1 &
  PID=$!
  for _ in $(seq 1 200); do curl -sf "http://127.0.0.1:$3/health" >/dev/null && return 0; sleep 0.05; done
  echo "server did not start"; cat "$W/server.out"; exit 1
}
stop_server() { kill -TERM "$PID"; wait "$PID" || true; }
trap '[ -n "$PID" ] && kill -9 $PID 2>/dev/null; bash "$SHARED/kafka/kafka.sh" stop >/dev/null 2>&1 || true' EXIT
wrk_run() { echo "== $1"; shift; wrk -t2 -c64 -d"${D}s" --latency "$@"; }

{
echo "# ceiling: trivial JDK HTTP server (../shared/bench/http-ceiling.sh), same run"
bash "$SHARED/http-ceiling.sh" "$D"

rm -rf "$W/data"; PORT=$(free_port); start_server "$W/data" always "$PORT"
echo "# P3: POST /publish, 100 B JSON, 64 connections, FSYNC=always"
wrk -t2 -c64 -d3s -s bench/lua/publish100.lua "http://127.0.0.1:$PORT/publish" > /dev/null
wrk_run "POST /publish (StoreLog, FSYNC=always)" -s bench/lua/publish100.lua "http://127.0.0.1:$PORT/publish"
echo "# P4: POST /publish/batch, 100 records of 100 B per request, FSYNC=always (records/s = requests/s x 100)"
wrk -t2 -c64 -d3s -s bench/lua/batch.lua "http://127.0.0.1:$PORT/publish/batch" > /dev/null
wrk_run "POST /publish/batch x100 (StoreLog, FSYNC=always)" -s bench/lua/batch.lua "http://127.0.0.1:$PORT/publish/batch"
stop_server

echo "# P5: reads of partition r holding $RECORDS records of 100 B (page cache warm)"
rm -rf "$W/data"; PORT=$(free_port); start_server "$W/data" never "$PORT"
python3 - "$PORT" "$RECORDS" <<'PY'
import http.client, json, sys
port, n = int(sys.argv[1]), int(sys.argv[2])
body = json.dumps({"partition_key": "r", "records": [{"data": "x" * 98, "data_type": 0}] * 5000})
c = http.client.HTTPConnection("127.0.0.1", port)
for _ in range(n // 5000):
    c.request("POST", "/publish/batch", body, {"Content-Type": "application/json"}); r = c.getresponse(); r.read()
    assert r.status == 200, r.status
PY
RECORDS=$RECORDS wrk -t2 -c64 -d3s -s bench/lua/read-random.lua "http://127.0.0.1:$PORT/read" > /dev/null
RECORDS=$RECORDS wrk_run "GET /read random offset (StoreLog)" -s bench/lua/read-random.lua "http://127.0.0.1:$PORT/read"
RECORDS=$RECORDS MAX=1000 wrk_run "GET /records max=1000 random offset (StoreLog; records/s = requests/s x 1000)" \
  -s bench/lua/records-random.lua "http://127.0.0.1:$PORT/records"
stop_server

echo "# start-up to first 200 with about 1 GiB of data"
rm -rf "$W/big"; PORT=$(free_port); start_server "$W/big" never "$PORT"
python3 - "$PORT" <<'PY'
import http.client, json, sys
port = int(sys.argv[1])
body = json.dumps({"partition_key": "big", "records": [{"data": "y" * 1022, "data_type": 0}] * 1000})
c = http.client.HTTPConnection("127.0.0.1", port)
for _ in range(1000):  # 1,000,000 records of 1 KiB: about 1 GiB of payload
    c.request("POST", "/publish/batch", body, {"Content-Type": "application/json"}); r = c.getresponse(); r.read()
PY
du -sh "$W/big"
stop_server
for kind in clean kill9; do
  PORT=$(free_port); t0=$(date +%s%N); start_server "$W/big" always "$PORT"; t1=$(date +%s%N)
  echo "start-up to first 200 after a $kind stop: $(( (t1 - t0) / 1000000 )) ms"
  if [ $kind = clean ]; then kill -9 "$PID"; wait "$PID" || true; else stop_server; fi
done

echo "# peer: Kafka $(grep -o '<kafka.version>[^<]*' "$SHARED/kafka/pom.xml" | cut -d'>' -f2) on the same machine"
bash "$SHARED/kafka/kafka.sh" start
echo "== Kafka producer, 100 B, acks=all batch.size=262144 linger.ms=20"
bash "$SHARED/kafka/kafka.sh" produce-perf 100 2000000 acks=all batch.size=262144 linger.ms=20
echo "== Kafka consumer, 100 B"
bash "$SHARED/kafka/kafka.sh" consume-perf perf100 2000000
bash "$SHARED/kafka/kafka.sh" stop
} 2>&1 | tee "$log"
echo "log: $log"
