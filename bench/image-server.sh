# The server of a jlink image for the bench scripts (sourced): IMAGE (its directory) and W (a work
# directory, removed on exit; server.out collects the output) are set by the caller. Loopback only.
free_port() { python3 -c 'import socket;s=socket.socket();s.bind(("127.0.0.1",0));print(s.getsockname()[1])'; }
now_ms() { echo $(( $(date +%s%N) / 1000000 )); }
PID=
PORT=
start_server() { # data-dir fsync; starts $IMAGE, sets PID, PORT; returns when /health/ready answers 200 (at most 120 s)
  PORT=$(free_port)
  DATA_DIR=$1 FSYNC=$2 HTTP_PORT=$PORT HTTP_HOST=127.0.0.1 JAVA_OPTS="-Xms1g -Xmx1g" \
    "$IMAGE/bin/storelog" >> "$W/server.out" 2>&1 &
  PID=$!
  for _ in $(seq 1 12000); do
    curl -sf "http://127.0.0.1:$PORT/health/ready" >/dev/null 2>&1 && return 0
    kill -0 "$PID" 2>/dev/null || break
    sleep 0.01
  done
  echo "server did not become ready"; tail -30 "$W/server.out"; exit 1
}
stop_server() { kill -TERM "$PID"; wait "$PID" || true; PID=; }
kill9_server() { kill -9 "$PID"; wait "$PID" 2>/dev/null || true; PID=; }
metric() { curl -sf "http://127.0.0.1:$PORT/metrics" | awk -v m="storelog_storage_$1" '$1 == m {print $2}'; }
cleanup() { [ -n "$PID" ] && kill -9 "$PID" 2>/dev/null; rm -rf "$W"; }
trap cleanup EXIT
# wrk over partitions PREFIX0..N-1 (bench/lua/partitions.lua), 64 connections, to $PORT; prints the rate per second
per_partition() { # mode n prefix
  local t0 t1 done_dir=$W/wrk-done wpid
  rm -rf "$done_dir"; mkdir -p "$done_dir"
  t0=$(date +%s%N)
  MODE=$1 N=$2 PREFIX=$3 THREADS=2 DONE_DIR=$done_dir wrk -t2 -c64 -d900s --timeout 30s \
    -s bench/lua/partitions.lua "http://127.0.0.1:$PORT" > "$W/wrk.out" 2>&1 &
  wpid=$!
  for _ in $(seq 1 9000); do [ "$(ls "$done_dir" | wc -l)" -ge 2 ] && break; sleep 0.1; done
  kill "$wpid" 2>/dev/null; wait "$wpid" 2>/dev/null || true
  t1=$(cat "$done_dir"/done-* | awk '{ if ($1 > m) m = $1 } END { print m }')
  failed=$(cat "$done_dir"/done-* | awk '{ s += $2 } END { print s }')
  [ "$failed" = 0 ] || echo "($failed answers were not 200)" >&2
  if [ "$1" = publish ]; then # the request wrk dropped (see the script)
    curl -sf -H 'Content-Type: application/json' -d "{\"partition_key\":\"${3}0\",\"data_type\":2,\"data\":\"one record\"}" \
      "http://127.0.0.1:$PORT/publish" > /dev/null
  fi
  echo "$(( $2 * 1000000000 / (t1 - t0) ))"
}
