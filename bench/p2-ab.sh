#!/usr/bin/env bash
# P2 A/B (issue 11 item 3): GroupCommitBench from two jars alternately, one round each per turn, in one run.
#   BASE_JAR=<jar> HEAD_JAR=<jar> [ROUNDS=3] bench/p2-ab.sh [partitions] [appenders] [seconds]
#   defaults: 1,16  64,256  2
# Writes bench/results/p2-ab-<time>.log and prints, per jar and figure, each round's ratio and the median.
# Run it holding the benchmark lock: flock /work/bench.lock bench/p2-ab.sh
set -euo pipefail
cd "$(dirname "$0")/.."
export JAVA_HOME=${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}
: "${BASE_JAR:?}" "${HEAD_JAR:?}"
out=bench/results/p2-ab-$(date -u +%Y%m%dT%H%M%SZ).log
mkdir -p bench/results
{
  echo "# $(date -u) load average: $(cut -d' ' -f1-3 /proc/loadavg)  base $BASE_JAR  head $HEAD_JAR"
  for round in $(seq "${ROUNDS:-3}"); do
    for side in base head; do
      jar=$BASE_JAR; [ "$side" = head ] && jar=$HEAD_JAR
      echo "# round $round $side, load average: $(cut -d' ' -f1-3 /proc/loadavg)"
      timeout 600 "$JAVA_HOME/bin/java" -Xms2g -Xmx2g -cp "$jar" storelog.bench.GroupCommitBench \
        "${1:-1,16}" "${2:-64,256}" "${3:-2}" 1 virtual | sed -u "s/^RESULT round=1 /RESULT side=$side round=$round /"
    done
  done
} 2>&1 | tee "$out"
python3 - "$out" <<'PY'
import re, sys, statistics as st
rows = {}
for line in open(sys.argv[1]):
    if line.startswith("RESULT") and "kind=p2 " in line:
        f = dict(kv.split("=") for kv in line.split()[1:])
        rows.setdefault((int(f["partitions"]), int(f["appenders"]), f["side"]), []).append(f)
print("\npartitions appenders side  always/s (rounds)                ratio to min(N x raw, never) (rounds)  median ratio  fsyncs/s median")
for (p, n, side), fs in sorted(rows.items()):
    print(f"{p:>10} {n:>9} {side:>4}  {' / '.join(f['always_rec_s'] for f in fs):>32}  {' / '.join(f['ratio'] for f in fs):>36}"
          f"  {st.median(float(f['ratio']) for f in fs):>12.3f}  {st.median(float(f['fsyncs_s']) for f in fs):>9,.0f}")
PY
