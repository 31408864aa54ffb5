#!/usr/bin/env bash
# A/B of two JMH jars in one run, alternating base and head per round (same machine, same minutes),
# so a change's cost is measured against the code before it, not against another day's figures.
#   BASE_JAR=<jar> HEAD_JAR=<jar> [ROUNDS=4] bench/ab-jmh.sh <JMH arguments...>
# e.g. bench/ab-jmh.sh storelog.bench.AppendBenchmark.append -p fsync=never -p payloadBytes=100 -t 1 -f 1 -wi 3 -w 2s -i 5 -r 2s
# Prints one line per run (score ± error) and the head/base ratio of the medians; the full JMH
# output goes to bench/results/ab-jmh-<time>.log. Run it under `flock /work/bench.lock` on a quiet machine.
set -euo pipefail
cd "$(dirname "$0")/.."
export JAVA_HOME=${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}
: "${BASE_JAR:?BASE_JAR=<jar of the base commit>}" "${HEAD_JAR:=bench/target/benchmarks.jar}"
ROUNDS=${ROUNDS:-4}
log=bench/results/ab-jmh-$(date -u +%Y%m%dT%H%M%SZ).log
mkdir -p bench/results
echo "# ab-jmh $* | base $BASE_JAR head $HEAD_JAR | $ROUNDS rounds | load $(cut -d' ' -f1-3 /proc/loadavg)" | tee "$log"
declare -A scores=([base]= [head]=)
for r in $(seq 1 "$ROUNDS"); do
  for which in base head; do
    jar=$BASE_JAR; [ "$which" = head ] && jar=$HEAD_JAR
    out=$("$JAVA_HOME/bin/java" -jar "$jar" "$@" 2>&1); echo "$out" >> "$log"
    line=$(echo "$out" | grep -E '^[A-Za-z]+Benchmark\.' | tail -1)
    score=$(echo "$line" | awk '{for (i=1;i<=NF;i++) if ($i=="±") {print $(i-1); exit}}')
    err=$(echo "$line" | awk '{for (i=1;i<=NF;i++) if ($i=="±") {print $(i+1); exit}}')
    scores[$which]="${scores[$which]} $score"
    echo "round $r $which: $score ± $err" | tee -a "$log"
  done
done
python3 - "${scores[base]}" "${scores[head]}" <<'PY' | tee -a "$log"
import statistics, sys
b = [float(x) for x in sys.argv[1].split()]; h = [float(x) for x in sys.argv[2].split()]
mb, mh = statistics.median(b), statistics.median(h)
print(f"median base {mb:,.0f}, head {mh:,.0f}: head/base {mh / mb:.2f}x (per round: "
      + ", ".join(f"{y / x:.2f}" for x, y in zip(b, h)) + ")")
PY
echo "log: $log"
