#!/usr/bin/env bash
# Storage-engine benchmarks P1, P2 and reads, each against its ceiling measured in the same run.
#   bench/storage.sh            (about 9 minutes; writes bench/results/storage-<time>.{log,json} and prints ratios)
# Needs: JDK 21+ (JAVA_HOME, default Temurin 25), python3. Writes only under BENCH_WORK (default /tmp/storelog-bench).
set -euo pipefail
cd "$(dirname "$0")/.."
export JAVA_HOME=${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}
SHARED=${SHARED_BENCH:-../shared/bench}
stamp=$(date -u +%Y%m%dT%H%M%SZ)
out=bench/results/storage-$stamp
mkdir -p bench/results

[ -f bench/target/benchmarks.jar ] || mvn -B -q -Pbench install -DskipTests
J="$JAVA_HOME/bin/java -jar bench/target/benchmarks.jar"

{
  echo "# ceiling: raw FileChannel append loop (../shared/bench/append-ceiling.sh), same run, 3 times (the median is used)"
  for run in 1 2 3; do for size in 100 1024; do bash "$SHARED/append-ceiling.sh" "$size" 1000000; done; done
  echo "# P1: single-thread appends, FSYNC=never"
  $J "storelog.bench.(Raw)?AppendBenchmark" -p fsync=never -p payloadBytes=100,1024 -t 1 -rf json -rff "$out-p1.json"
  echo "# P2: concurrent appenders on one partition, FSYNC=always vs never (100 B)"
  for t in 1 16 64; do
    $J storelog.bench.AppendBenchmark -p fsync=always,never -p payloadBytes=100 -t "$t" -rf json -rff "$out-p2-t$t.json"
  done
  echo "# reads: 1M records of 100 B, page cache warm"
  $J ReadBenchmark -t 1 -rf json -rff "$out-read.json"
} 2>&1 | tee "$out.log"

python3 - "$out" <<'PY'
import json, re, sys, glob
out = sys.argv[1]
log = open(out + ".log").read()
runs = {}
for m in re.finditer(r"RESULT mode=(\S+) payload=(\d+) .*? write_rec_s=(\d+) .*? read_rec_s=(\d+)", log):
    runs.setdefault((m.group(1), int(m.group(2))), []).append((int(m.group(3)), int(m.group(4))))
median = lambda xs: sorted(xs)[len(xs) // 2]
ceil = {k: (median([w for w, _ in v]), median([r for _, r in v])) for k, v in runs.items()}
print("ceiling runs (write records/s):", {f"{k[0]}/{k[1]}": [w for w, _ in v] for k, v in runs.items() if k[0] in ("none-buf", "force-each")})
def scores(path):
    rows = {}
    for r in json.load(open(path)):
        name = ".".join(r["benchmark"].split(".")[-2:])
        rows[(name, r["params"].get("fsync"), int(r["params"]["payloadBytes"]), r["threads"])] = r["primaryMetric"]["score"]
    return rows
p1 = scores(out + "-p1.json")
print("\nP1 (records/s, FSYNC=never, 1 thread) vs raw 256 KiB-buffered loop: append-ceiling.sh none-buf (median of 3), and the same loop in JMH")
for size in (100, 1024):
    s = p1[("AppendBenchmark.append", "never", size, 1)]; c = ceil[("none-buf", size)][0]
    r = p1[("RawAppendBenchmark.append", None, size, 1)]
    print(f"  {size:>5} B: {s:,.0f} vs {c:,} = {s / c:.2f}x   (vs the JMH raw loop {r:,.0f} = {s / r:.2f}x)")
print("P2 (records/s, 100 B, one partition): always vs never at the same concurrency")
for t in (1, 16, 64):
    p2 = scores(f"{out}-p2-t{t}.json")
    a = p2[("AppendBenchmark.append", "always", 100, t)]; n = p2[("AppendBenchmark.append", "never", 100, t)]
    print(f"  {t:>3} appenders: always {a:,.0f}  never {n:,.0f}  = {a / n:.3f}x   (raw fsync-per-record loop: {ceil[('force-each', 100)][0]:,}/s)")
rd = scores(out + "-read.json")
c = ceil[("none-buf", 100)][1]
rnd, rng = rd[("ReadBenchmark.randomRead", None, 100, 1)], rd[("ReadBenchmark.rangeRead", None, 100, 1)]
print(f"reads (100 B): random {rnd:,.0f}/s, range {rng:,.0f}/s vs raw random pread {c:,}/s = {rnd / c:.2f}x")
PY
