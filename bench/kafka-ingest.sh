#!/usr/bin/env bash
# Kafka ingest: the Kafka connector plugin (dropped into the image's plugins/) stores GoStoreLog-shaped
# messages from a real broker, records/s, against Kafka's own ConsumerPerformance on the same topic.
#   bench/kafka-ingest.sh [records]     (needs a built image and plugin: mvn -B package -DskipTests)
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
export JAVA_HOME=${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}
export KAFKA_JAVA=$JAVA_HOME/bin/java
SHARED=${SHARED_BENCH:-$ROOT/../shared/bench}
N=${1:-1000000}
W=${BENCH_WORK:-/tmp/storelog-bench}/kafka-ingest
stamp=$(date -u +%Y%m%dT%H%M%SZ)
log=$ROOT/bench/results/kafka-ingest-$stamp.log
rm -rf "$W"; mkdir -p "$W" bench/results
PID=
trap '[ -n "$PID" ] && kill -9 $PID 2>/dev/null; bash "$SHARED/kafka/kafka.sh" stop >/dev/null 2>&1 || true' EXIT
KAFKA="bash $SHARED/kafka/kafka.sh"
{
$KAFKA start
python3 - "$W/messages.txt" <<'PY'
import json, sys
with open(sys.argv[1], "w") as f:
    f.write("\n".join(json.dumps({"data": "m" * 98, "data_type": 0, "partition_key": "k%d" % (i % 8)}, separators=(",", ":"))
                      for i in range(1000)))
PY
$KAFKA topic storage-topic >/dev/null
echo "== producing $N GoStoreLog-shaped messages (about 150 B) to storage-topic"
$KAFKA tool org.apache.kafka.tools.ProducerPerformance --topic storage-topic --num-records "$N" --payload-file "$W/messages.txt" \
  --throughput -1 --producer-props bootstrap.servers=127.0.0.1:19092 acks=1 linger.ms=20 batch.size=262144 2>&1 | tail -1
echo "== peer: Kafka ConsumerPerformance on the same topic"
$KAFKA consume-perf storage-topic "$N"

cp -r distribution/target/storelog "$W/image"
cp -r plugins/connector-kafka/target/plugin/connector-kafka "$W/image/plugins/"
for fsync in always never; do
  rm -rf "$W/data"
  port=$(python3 -c 'import socket;s=socket.socket();s.bind(("127.0.0.1",0));print(s.getsockname()[1])')
  DATA_DIR=$W/data HTTP_PORT=$port FSYNC=$fsync CONNECTOR=kafka KAFKA_BOOTSTRAP=127.0.0.1:19092 KAFKA_GROUP=ingest-$fsync-$stamp \
    "$W/image/bin/storelog" > "$W/server-$fsync.log" 2>&1 &
  PID=$!
  python3 - "$port" "$N" "$fsync" <<'PY'
import json, sys, time, urllib.request
port, n, fsync = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
def stored():
    try:
        with urllib.request.urlopen("http://127.0.0.1:%d/partitions" % port, timeout=5) as r:
            return sum(p["next_offset"] for p in json.load(r))
    except OSError:
        return -1
deadline = time.time() + 600
while stored() <= 0 and time.time() < deadline:
    time.sleep(0.05)
first, t0 = stored(), time.time()
while (s := stored()) < n and time.time() < deadline:
    time.sleep(0.2)
t1 = time.time()
print("StoreLog Kafka connector (FSYNC=%s): %d records stored in %.1f s after the first = %.0f records/s"
      % (fsync, s, t1 - t0, (s - first) / (t1 - t0)))
PY
  kill -TERM "$PID"; wait "$PID" || true; PID=
done
} 2>&1 | tee "$log"
echo "log: $log"
