#!/usr/bin/env bash
# Runs the built runtime image the way a user would on a machine without a JDK: unpacked from the
# .tar.gz into a fresh folder, PATH holding no java, JAVA_HOME unset. Publishes and reads over HTTP,
# stops it with SIGTERM and checks exit code 0; checks the AOT cache fits the unpacked image; then drops the Kafka connector folder into plugins/
# and checks `storelog plugins` lists it. Called by .ci/run after `mvn verify`.
set -euo pipefail
cd "$(dirname "$0")/.."
archive=$(ls distribution/target/storelog-*.tar.gz)
work=$(mktemp -d /tmp/storelog-image-test.XXXXXX)
trap 'kill -9 ${pid:-} 2>/dev/null || true; rm -rf "$work"' EXIT
tar -xzf "$archive" -C "$work"
image=$work/storelog

# a PATH with only what the launcher script uses: no java anywhere
mkdir -p "$work/bin"
for tool in dirname readlink; do ln -s "$(command -v $tool)" "$work/bin/$tool"; done
port=$(python3 -c 'import socket;s=socket.socket();s.bind(("127.0.0.1",0));print(s.getsockname()[1])')
( cd "$work" && env -i PATH="$work/bin" HOME="$work" HTTP_PORT="$port" DATA_DIR="$work/data" \
    "$image/bin/storelog" > "$work/server.log" 2>&1 ) &
pid=$!
for _ in $(seq 1 100); do curl -sf "http://127.0.0.1:$port/health" >/dev/null 2>&1 && break; sleep 0.1; done
curl -sf "http://127.0.0.1:$port/health" >/dev/null || { echo "image did not start"; cat "$work/server.log"; exit 1; }
published=$(curl -sf -XPOST "http://127.0.0.1:$port/publish" -H 'Content-Type: application/json' \
  -d '{"data":{"from":"image"},"data_type":0,"partition_key":"smoke"}')
echo "publish: $published"
[[ $published == *'"offset":0'* ]] || { echo "unexpected publish answer"; exit 1; }
read=$(curl -sf "http://127.0.0.1:$port/read?partition=smoke&offset=0")
echo "read: $read"
[[ $read == *'"value":{"from":"image"}'* ]] || { echo "unexpected read answer"; exit 1; }
server=$(pgrep -P "$pid" -f storelog.server || echo "$pid")
kill -TERM "$server"
status=0; wait "$pid" || status=$?
grep -q "StoreLog stopped" "$work/server.log" || { echo "no orderly shutdown:"; cat "$work/server.log"; exit 1; }
[ "$status" = 0 ] || { echo "exit code $status after SIGTERM"; cat "$work/server.log"; exit 1; }
[ -f "$work/data/.clean-shutdown" ] || { echo "no clean-shutdown marker"; exit 1; }
echo "image: started without a JDK, served, stopped on SIGTERM with exit code 0"

# the AOT cache written at build time still fits the unpacked image (AOTMode=on: the JVM refuses to start otherwise)
aot_on=
if [ -f "$image/lib/storelog.aot" ]; then
  aot_on=-XX:AOTMode=on
  env -i PATH="$work/bin" HOME="$work" JAVA_OPTS="-XX:AOTMode=on" "$image/bin/storelog" plugins > /dev/null \
    || { echo "the image's AOT cache (lib/storelog.aot) is not usable after unpacking"; exit 1; }
  # JVM options with a class-data sharing choice of their own (the ITs pass -Xshare:auto) start without it
  env -i PATH="$work/bin" HOME="$work" JAVA_OPTS="-Xshare:auto" "$image/bin/storelog" plugins > /dev/null \
    || { echo "JAVA_OPTS=-Xshare:auto: the image did not start"; exit 1; }
  echo "image: its AOT cache is used after unpacking, and left out when JAVA_OPTS choose their own CDS"
  # a restart's first read of a stored partition (the partition's load: listing, clean check) runs on
  # classes from the cache: the training covers it (build/AotTraining.java). A store-file class read
  # from the module image (source: jrt:/...) is one the training left out.
  ( cd "$work" && env -i PATH="$work/bin" HOME="$work" HTTP_PORT="$port" DATA_DIR="$work/data" \
      JAVA_OPTS="-XX:AOTMode=on -Xlog:class+load=info:file=$work/classes.log" "$image/bin/storelog" > "$work/restart.log" 2>&1 ) &
  pid=$!
  for _ in $(seq 1 100); do curl -sf "http://127.0.0.1:$port/health/ready" >/dev/null 2>&1 && break; sleep 0.1; done
  read=$(curl -sf "http://127.0.0.1:$port/read?partition=smoke&offset=0") || { echo "no read after the restart"; cat "$work/restart.log"; exit 1; }
  [[ $read == *'"value":{"from":"image"}'* ]] || { echo "unexpected read answer after the restart: $read"; exit 1; }
  kill -TERM "$(pgrep -P "$pid" -f storelog.server || echo "$pid")"
  wait "$pid" || true
  outside=$(grep "source: jrt:/storelog.store.file" "$work/classes.log" || true)
  [ -z "$outside" ] || { echo "a restart's first read loaded store-file classes outside the AOT cache:"; echo "$outside"; exit 1; }
  echo "image: a restart's first read of a stored partition runs on classes from the AOT cache"
fi

kafka=plugins/connector-kafka/target/plugin/connector-kafka
if [ -d "$kafka" ]; then
  cp -r "$kafka" "$image/plugins/"
  # with the AOT cache in use (if the image has one): a dropped plugin loads in its own layer, beside it
  listing=$(env -i PATH="$work/bin" HOME="$work" JAVA_OPTS="$aot_on" "$image/bin/storelog" plugins)
  echo "$listing"
  grep -q "^kafka .*connector .*plugins/connector-kafka" <<< "$listing" || { echo "the dropped Kafka plugin is not listed"; exit 1; }
  if grep -q "^FAILED" <<< "$listing"; then echo "a plugin failed to load"; exit 1; fi
  echo "image: the dropped Kafka connector folder is a plugin, no rebuild"
fi
