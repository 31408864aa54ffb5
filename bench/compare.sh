#!/usr/bin/env bash
# Before/after on the same machine in the same run: the image of another commit (built in a git
# worktree under BENCH_WORK) against this checkout's image, alternating, on P5 (GET /read and
# GET /records of 1M records of 100 B, page cache warm) and start-up (first 200 after a clean stop
# and after kill -9, same data). Ratios against another machine's figures mix in its syscall and
# CPU costs; this compares the code only.
#   bench/compare.sh <commit> [ROUNDS]   (default 2 rounds; about 2 minutes per round plus the build)
# Needs: JDK 21+ (JAVA_HOME, default Temurin 25), wrk, python3, curl. Loopback only; writes
# bench/results/compare-<time>.log and data under BENCH_WORK (default /tmp/storelog-bench).
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
export JAVA_HOME=${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}
BASE=${1:?usage: bench/compare.sh <commit> [ROUNDS]}
ROUNDS=${2:-2}
D=${DURATION:-10}
W=${BENCH_WORK:-/tmp/storelog-bench}/compare
stamp=$(date -u +%Y%m%dT%H%M%SZ)
log=$ROOT/bench/results/compare-$stamp.log
mkdir -p "$W" bench/results

BASE_TREE=${BASE_TREE:-$W/tree-$(git rev-parse --short "$BASE")}  # or a built checkout of it
if [ ! -x "$BASE_TREE/distribution/target/storelog/bin/storelog" ]; then
  rm -rf "$BASE_TREE"; git worktree prune
  git worktree add -f --detach "$BASE_TREE" "$BASE" >/dev/null
  (cd "$BASE_TREE" && mvn -B -o -q package -DskipTests -DskipITs)
fi
[ -x "$ROOT/distribution/target/storelog/bin/storelog" ] || mvn -B -o -q package -DskipTests -DskipITs
declare -A IMAGES=([base]=$BASE_TREE/distribution/target/storelog [head]=$ROOT/distribution/target/storelog)

free_port() { python3 -c 'import socket;s=socket.socket();s.bind(("127.0.0.1",0));print(s.getsockname()[1])'; }
PID=
MS=
start_server() { # image data-dir port; sets MS to the milliseconds to the first 200 of /health
  local t0 t1
  t0=$(date +%s%N)
  DATA_DIR=$2 FSYNC=never HTTP_PORT=$3 HTTP_HOST=127.0.0.1 JAVA_OPTS="-Xms1g -Xmx1g" "$1/bin/storelog" > "$W/server.out" 2>&1 &
  PID=$!
  for _ in $(seq 1 1000); do
    if curl -sf "http://127.0.0.1:$3/health" >/dev/null; then t1=$(date +%s%N); MS=$(( (t1 - t0) / 1000000 )); return 0; fi
    sleep 0.01
  done
  echo "server did not start" >&2; cat "$W/server.out" >&2; exit 1
}
stop_server() { kill -TERM "$PID"; wait "$PID" || true; PID=; }
trap '[ -n "$PID" ] && kill -9 $PID 2>/dev/null || true' EXIT
rate() { grep -o 'Requests/sec: *[0-9.]*' | grep -o '[0-9.]*$'; }

{
echo "# compare $(git rev-parse --short "$BASE") (base) with $(git rev-parse --short HEAD) (head), $ROUNDS rounds, load $(cut -d' ' -f1-3 /proc/loadavg)"
for which in base head; do
  rm -rf "$W/data-$which"; PORT=$(free_port); start_server "${IMAGES[$which]}" "$W/data-$which" "$PORT"
  python3 - "$PORT" 1000000 <<'PY'
import http.client, json, sys
port, n = int(sys.argv[1]), int(sys.argv[2])
body = json.dumps({"partition_key": "r", "records": [{"data": "x" * 98, "data_type": 0}] * 5000})
c = http.client.HTTPConnection("127.0.0.1", port)
for _ in range(n // 5000):
    c.request("POST", "/publish/batch", body, {"Content-Type": "application/json"}); r = c.getresponse(); r.read()
    assert r.status == 200, r.status
PY
  stop_server
done
for round in $(seq 1 "$ROUNDS"); do
  for which in base head; do
    PORT=$(free_port); start_server "${IMAGES[$which]}" "$W/data-$which" "$PORT"; clean=$MS
    RECORDS=1000000 wrk -t2 -c64 -d3s -s bench/lua/read-random.lua "http://127.0.0.1:$PORT/read" > /dev/null
    read=$(RECORDS=1000000 wrk -t2 -c64 -d"${D}s" -s bench/lua/read-random.lua "http://127.0.0.1:$PORT/read" | rate)
    records=$(RECORDS=1000000 MAX=1000 wrk -t2 -c64 -d"${D}s" -s bench/lua/records-random.lua "http://127.0.0.1:$PORT/records" | rate)
    kill -9 "$PID"; wait "$PID" 2>/dev/null || true
    PORT=$(free_port); start_server "${IMAGES[$which]}" "$W/data-$which" "$PORT"; crash=$MS
    stop_server
    echo "round $round $which: GET /read $read req/s, GET /records?max=1000 $records req/s, start-up after clean stop $clean ms, after kill -9 $crash ms"
  done
done
} 2>&1 | tee "$log"
echo "log: $log"
