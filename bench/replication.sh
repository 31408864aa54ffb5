#!/usr/bin/env bash
# Replication cost (issue 9): POST /publish and /publish/batch on the leader of a 3-node cluster of the
# image with ACKS=leader and ACKS=all, against one standalone node measured in the same run (the
# ceiling: the same server without replication). wrk, 64 connections, FSYNC=always everywhere.
#   bench/replication.sh      (about 3 minutes; writes bench/results/replication-<time>.log)
#   WINDOW=1 bench/replication.sh   sets the cluster nodes' REPLICATION_WINDOW (1: the serial push)
#   IMAGE=/path/to/storelog-image   another build's image (base against head in one locked run)
#   MODES="all" SOLO=0              only some of the runs (default: the standalone ceiling, then leader and all)
#   JFR_DIR=/tmp/jfr                a JFR recording (profile settings) per node, named after the node
#   AP_DIR=/tmp/ap AP_LIB=<libasyncProfiler.so>   async-profiler CPU stacks (collapsed) per node instead
#   PHASES=single|batch             only /publish or only /publish/batch
# After each load it prints the CPU time each node spent per 1,000 records published (leader first once
# elected: in start order), which moves less with the machine's other load than the rates do.
# Needs: JAVA_HOME (default Temurin 25), wrk, redis-server, curl, python3. Loopback only; data under
# BENCH_WORK (default /tmp/storelog-bench); stops everything it started.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
export JAVA_HOME=${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}
W=${BENCH_WORK:-/tmp/storelog-bench}/replication
D=${DURATION:-10}
WARMUP=${WARMUP:-8} # seconds of the same load before each measured one (the JIT compiles the request path meanwhile)
stamp=$(date -u +%Y%m%dT%H%M%SZ)
log=$ROOT/bench/results/replication-$stamp.log
IMAGE=${IMAGE:-$ROOT/distribution/target/storelog}
[ -x "$IMAGE/bin/storelog" ] || mvn -B -q package -DskipTests
rm -rf "$W"; mkdir -p "$W" bench/results

free_port() { python3 -c 'import socket;s=socket.socket();s.bind(("127.0.0.1",0));print(s.getsockname()[1])'; }
PIDS=()
cleanup() { for p in "${PIDS[@]}"; do kill -9 "$p" 2>/dev/null || true; done; }
trap cleanup EXIT

REDIS_PORT=$(free_port)
redis-server --port "$REDIS_PORT" --bind 127.0.0.1 --save "" --appendonly no --dir "$W" > "$W/redis.log" 2>&1 &
PIDS+=($!)

await_http() { for _ in $(seq 1 400); do curl -sf "http://127.0.0.1:$1/health" >/dev/null && return 0; sleep 0.05; done; echo "node on $1 did not start"; exit 1; }

NODES=() # the node processes started and not yet stopped (bin/storelog execs java: $! is the JVM)
start_node() { # name port extra-env...
  local name=$1 port=$2; shift 2
  mkdir -p "$W/$name"
  local jfr=""
  [ -n "${JFR_DIR:-}" ] && mkdir -p "$JFR_DIR" && jfr="-XX:StartFlightRecording=filename=$JFR_DIR/$name.jfr,settings=profile,dumponexit=true"
  [ -n "${AP_DIR:-}" ] && mkdir -p "$AP_DIR" && jfr="-agentpath:$AP_LIB=start,event=cpu,interval=1ms,collapsed,file=$AP_DIR/$name.collapsed"
  (cd "$W/$name" && exec env DATA_DIR="$W/$name/data" HTTP_PORT="$port" HTTP_HOST=127.0.0.1 FSYNC=always \
     JAVA_OPTS="-Xms512m -Xmx512m $jfr" "$@" "$IMAGE/bin/storelog" > "$W/$name/node.log" 2>&1) &
  NODES+=($!)
  await_http "$port"
}

stop_all_nodes() { # by process id, only the nodes this script started
  kill -TERM "${NODES[@]}" 2>/dev/null || true
  for _ in $(seq 1 200); do
    local alive=0; for p in "${NODES[@]}"; do kill -0 "$p" 2>/dev/null && alive=1; done
    [ "$alive" = 0 ] && break; sleep 0.1
  done
  kill -9 "${NODES[@]}" 2>/dev/null || true
  NODES=()
}

leader_port() { # ports...
  for _ in $(seq 1 600); do
    for p in "$@"; do
      if curl -sf "http://127.0.0.1:$p/status" | python3 -c 'import json,sys; s=json.load(sys.stdin); sys.exit(0 if s["role"]=="leader" and not s.get("catching_up") else 1)' 2>/dev/null; then
        echo "$p"; return 0
      fi
    done
    sleep 0.1
  done
  echo "no leader" >&2; exit 1
}

cpu_ms() { # pid: user + system CPU time of the process so far, in ms (clock ticks of 10 ms)
  awk '{ print ($14 + $15) * 10 }' "/proc/$1/stat" 2>/dev/null || echo 0
}

timed_wrk() { # records-per-request url script: wrk, then the CPU each node spent per 1,000 records it was given
  local before=() after=() i out=$W/wrk-timed.out
  for p in "${NODES[@]}"; do before+=("$(cpu_ms "$p")"); done
  wrk -t2 -c64 -d"${D}s" --latency -s "$3" "$2" | tee "$out"
  for p in "${NODES[@]}"; do after+=("$(cpu_ms "$p")"); done
  local records; records=$(awk -v n="$1" '/requests in/ { print $1 * n }' "$out")
  local line="CPU per 1,000 records (ms, by node in start order):" total=0
  for i in "${!NODES[@]}"; do
    local ms=$(( after[i] - before[i] )); total=$(( total + ms ))
    line="$line $(awk -v ms="$ms" -v r="$records" 'BEGIN { printf "%.1f", (r > 0 ? ms * 1000 / r : 0) }')"
  done
  echo "$line; all nodes $(awk -v ms="$total" -v r="$records" 'BEGIN { printf "%.1f", (r > 0 ? ms * 1000 / r : 0) }')"
}

measure() { # label port
  if [ "${PHASES:-single batch}" != batch ]; then
  wrk -t2 -c64 -d"${WARMUP}s" -s bench/lua/publish100.lua "http://127.0.0.1:$2/publish" > /dev/null
  echo "== POST /publish, 100 B, 64 connections ($1)"
  timed_wrk 1 "http://127.0.0.1:$2/publish" bench/lua/publish100.lua
  fi
  [ "${PHASES:-single batch}" = single ] && return
  wrk -t2 -c64 -d"${WARMUP}s" -s bench/lua/batch.lua "http://127.0.0.1:$2/publish/batch" > /dev/null
  echo "== POST /publish/batch, 100 x 100 B, 64 connections ($1; records/s = requests/s x 100)"
  timed_wrk 100 "http://127.0.0.1:$2/publish/batch" bench/lua/batch.lua
}

{
trap stop_all_nodes EXIT # this block runs in a subshell (| tee): its nodes are stopped when it ends, however
echo "# image: $IMAGE; load average at the start: $(cut -d' ' -f1-3 /proc/loadavg)"
if [ "${SOLO:-1}" = 1 ]; then
echo "# ceiling: one standalone node, same run"
P=$(free_port); start_node solo "$P"
measure "standalone" "$P"
stop_all_nodes
fi

for acks in ${MODES:-leader all}; do
  echo "# 3-node cluster, ACKS=$acks, MIN_INSYNC=2, Redis election, REPLICATION_WINDOW=${WINDOW:-default}"
  ports=(); gossip=(); raft=()
  for i in 1 2 3; do ports+=("$(free_port)"); gossip+=("$(free_port)"); raft+=("$(free_port)"); done
  seeds="127.0.0.1:${gossip[0]},127.0.0.1:${gossip[1]},127.0.0.1:${gossip[2]}"
  for i in 0 1 2; do
    start_node "$acks-node$((i + 1))" "${ports[$i]}" NODE_ID="node$((i + 1))" BIND_ADDR="127.0.0.1:${gossip[$i]}" \
      ADVERTISE_ADDR="127.0.0.1:${gossip[$i]}" RAFT_PORT="${raft[$i]}" SEEDS="$seeds" SERVICE_NAME="bench-$acks-$stamp" \
      CLUSTER_SECRET=bench REDIS_ADDR="127.0.0.1:$REDIS_PORT" ACKS="$acks" MIN_INSYNC=2 ${WINDOW:+REPLICATION_WINDOW=$WINDOW}
  done
  L=$(leader_port "${ports[@]}")
  echo "leader on port $L"
  # the Raft elector beside Redis forms its group in the first seconds (probing the peers costs CPU):
  # measured once every node holds the group, so both modes measure the settled cluster
  for i in 1 2 3; do
    for _ in $(seq 1 600); do grep -qE "formed Raft group|joined it" "$W/$acks-node$i/node.log" && break; sleep 0.1; done
  done
  measure "3 nodes, ACKS=$acks" "$L"
  echo "-- follower state after the load:"
  for p in "${ports[@]}"; do curl -s "http://127.0.0.1:$p/status" | python3 -c 'import json,sys; s=json.load(sys.stdin); print(s["node_id"], s["role"], "lag", s.get("lag"), "partitions", {k: v.get("next_offset") for k, v in s.get("partitions", {}).items()} if isinstance(s.get("partitions"), dict) else s.get("partitions"))'; done
  stop_all_nodes
done
} 2>&1 | tee "$log"
echo "log: $log"
