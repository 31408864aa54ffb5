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
#   PHASES=single|batch|idle        only /publish, only /publish/batch, or the CPU of the idle nodes
#   THREADS=1                       also each node's CPU per second of the measured load by thread (names without digits)
# Each measured load starts once every node holds the partition (the warm-up's backlog replicated) and
# prints: wrk's figures; the CPU time each node spent per 1,000 records published (in start order);
# and, on a cluster, the "replicated" rate: the run's records over the time until every node held them
# (under ACKS=leader the leader alone can outrun its followers for as long as a run lasts, not for good).
# The cluster runs start once every node holds the Raft group (its formation costs CPU for seconds).
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

thread_cpu() { # pid: "name ms" per thread of the process so far (the name's digits dropped, so pools add up); one awk, fast
  awk '{ sub(/^[0-9]+ \(/, ""); n = $0; sub(/\) .*$/, "", n); sub(/^.*\) /, ""); gsub(/[0-9]+/, "#", n); gsub(/ /, "_", n); print n, ($12 + $13) * 10 }' \
    /proc/"$1"/task/*/stat 2>/dev/null
}

threads_report() { # before-file after-file seconds: CPU ms per second of each thread group that used any
  awk -v s="$3" 'FNR == NR { b[$1] += $2; next } { a[$1] += $2 } END { for (n in a) if (a[n] - b[n] > 0) printf "    %7.1f ms/s %s\n", (a[n] - b[n]) / s, n }' "$1" "$2" | sort -rn -k1 | head -15
}

cpu_ms() { # pid: user + system CPU time of the process so far, in ms (clock ticks of 10 ms)
  awk '{ print ($14 + $15) * 10 }' "/proc/$1/stat" 2>/dev/null || echo 0
}

timed_wrk() { # records-per-request url script: wrk, then the CPU each node spent per 1,000 records it was given
  local before=() after=() i out=$W/wrk-timed.out
  for p in "${NODES[@]}"; do before+=("$(cpu_ms "$p")"); done
  [ "${THREADS:-0}" = 1 ] && for i in "${!NODES[@]}"; do thread_cpu "${NODES[$i]}" > "$W/threads-before-$i"; done
  wrk -t2 -c64 -d"${D}s" --latency -s "$3" "$2" | tee "$out"
  for p in "${NODES[@]}"; do after+=("$(cpu_ms "$p")"); done
  if [ "${THREADS:-0}" = 1 ]; then
    for i in "${!NODES[@]}"; do
      thread_cpu "${NODES[$i]}" > "$W/threads-after-$i"
      echo "  node $((i + 1)) CPU by thread (ms per second of the load):"
      threads_report "$W/threads-before-$i" "$W/threads-after-$i" "$D"
    done
  fi
  local records; records=$(awk -v n="$1" '/requests in/ { print $1 * n }' "$out")
  local line="CPU per 1,000 records (ms, by node in start order):" total=0
  for i in "${!NODES[@]}"; do
    local ms=$(( after[i] - before[i] )); total=$(( total + ms ))
    line="$line $(awk -v ms="$ms" -v r="$records" 'BEGIN { printf "%.1f", (r > 0 ? ms * 1000 / r : 0) }')"
  done
  echo "$line; all nodes $(awk -v ms="$total" -v r="$records" 'BEGIN { printf "%.1f", (r > 0 ? ms * 1000 / r : 0) }')"
}

idle_cpu() { # the CPU each node spends per second with no load (elections, gossip, leases, pings)
  local before=() i line="idle CPU (ms per second, by node in start order):"
  for p in "${NODES[@]}"; do before+=("$(cpu_ms "$p")"); done
  sleep "$D"
  for i in "${!NODES[@]}"; do line="$line $(( ($(cpu_ms "${NODES[$i]}") - before[i]) / D ))"; done
  echo "$line"
}

next_offset() { # port partition: that node's next offset in the partition (0 when it has none)
  curl -sf "http://127.0.0.1:$1/status" | python3 -c 'import json,sys; p=json.load(sys.stdin).get("partitions") or {}; v=p.get(sys.argv[1]); print(v.get("next_offset", 0) if isinstance(v, dict) else 0)' "$2" 2>/dev/null || echo 0
}

all_hold() { # partition end: waits (at most 180 s, polling every 10 ms) until every cluster node holds the partition up to end
  python3 - "$1" "$2" "${CLUSTER_PORTS[@]}" <<'PY'
import json, sys, time, urllib.request
partition, end, ports = sys.argv[1], int(sys.argv[2]), sys.argv[3:]
def held(port):
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/status", timeout=5) as r:
            v = (json.load(r).get("partitions") or {}).get(partition)
            return v.get("next_offset", 0) if isinstance(v, dict) else 0
    except OSError:
        return 0
deadline = time.time() + 180
waiting = list(ports)
while waiting and time.time() < deadline:
    waiting = [p for p in waiting if held(p) < end]
    if waiting:
        time.sleep(0.01)
if waiting:
    print(f"(nodes on {waiting} did not reach {end} in {partition} within 180 s)")
PY
}

phase() { # label port path partition lua records-per-request
  wrk -t2 -c64 -d"${WARMUP}s" -s "$5" "http://127.0.0.1:$2$3" > /dev/null
  local start t0 t1 t2 end
  [ "${#CLUSTER_PORTS[@]}" -gt 0 ] && all_hold "$4" "$(next_offset "$2" "$4")" # each run starts with the followers caught up
  start=$(next_offset "$2" "$4"); t0=$(date +%s%N)
  echo "== POST $3, 64 connections ($1; $6 record(s) of 100 B per request)"
  timed_wrk "$6" "http://127.0.0.1:$2$3" "$5"
  [ "${#CLUSTER_PORTS[@]}" -gt 0 ] || return 0
  t1=$(date +%s%N); end=$(next_offset "$2" "$4")
  all_hold "$4" "$end"; t2=$(date +%s%N)
  # what the cluster replicated: the records of the run over the time until every node held them; under
  # ACKS=leader the leader's own rate can outrun the followers for as long as a run lasts, not for good
  echo "replicated: $((end - start)) records held by every node $(( (t2 - t1) / 1000000 )) ms after the load ended:" \
    "$(( (end - start) * 1000000000 / (t2 - t0) )) records/s"
}

measure() { # label port
  [ "${PHASES:-}" = idle ] && { idle_cpu; idle_cpu; idle_cpu; return; }
  [ "${PHASES:-single batch}" != batch ] && phase "$1" "$2" /publish p bench/lua/publish100.lua 1
  [ "${PHASES:-single batch}" != single ] && phase "$1" "$2" /publish/batch b bench/lua/batch.lua 100
  return 0
}

{
trap stop_all_nodes EXIT # this block runs in a subshell (| tee): its nodes are stopped when it ends, however
echo "# image: $IMAGE; load average at the start: $(cut -d' ' -f1-3 /proc/loadavg)"
if [ "${SOLO:-1}" = 1 ]; then
echo "# ceiling: one standalone node, same run"
P=$(free_port); start_node solo "$P"
CLUSTER_PORTS=()
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
  CLUSTER_PORTS=("${ports[@]}")
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
  for p in "${ports[@]}"; do # pushes each follower took (their records are in the partitions above)
    curl -s "http://127.0.0.1:$p/metrics" | awk -v p="$p" '/^storelog_http_requests_total\{endpoint="\/replicate"/ { n += $2 } END { if (n) print "node on " p ": " n " /replicate requests" }'
  done
  stop_all_nodes
done
} 2>&1 | tee "$log"
echo "log: $log"
