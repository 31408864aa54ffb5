#!/usr/bin/env bash
# P2 against its physical bound (issue 11 item 3): FSYNC=always, N appenders on virtual threads on one and on
# 16 partitions, against min(N x raw fsync-per-record rate, FSYNC=never rate of the same N), all in one run,
# and against the grouped bound: P raw loops at once, each fdatasync-ing N/P records of its own file.
#   bench/p2.sh [partitions] [appenders] [seconds] [rounds] [virtual|platform]
#   defaults: 1,16  1,16,64,256  2  3  virtual   (about 5 minutes; bounded: every figure has a fixed window)
# With virtual appenders it also measures the smallest group commit whose appenders are virtual threads
# waiting for their fsync (kind=p2-vt-bound, VirtualGroupCommitBound): what parking N of them costs.
# Writes bench/results/p2-<time>.log and prints the median of the rounds per figure.
# Needs: JDK 21+ (JAVA_HOME, default Temurin 25), python3, the JMH jar (built here if missing).
# Writes only under BENCH_WORK (default /tmp/storelog-bench). Run it holding the benchmark lock:
#   flock /work/bench.lock bench/p2.sh
set -euo pipefail
cd "$(dirname "$0")/.."
export JAVA_HOME=${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}
stamp=$(date -u +%Y%m%dT%H%M%SZ)
out=bench/results/p2-$stamp.log
mkdir -p bench/results
[ -f bench/target/benchmarks.jar ] || mvn -B -q -o -Pbench -pl bench -am package -DskipTests
{
  echo "# $(date -u) load average: $(cut -d' ' -f1-3 /proc/loadavg)  commit $(git rev-parse --short HEAD)"
  timeout 900 "$JAVA_HOME/bin/java" -Xms2g -Xmx2g -cp bench/target/benchmarks.jar storelog.bench.GroupCommitBench \
    "${1:-1,16}" "${2:-1,16,64,256}" "${3:-2}" "${4:-3}" "${5:-virtual}"
} 2>&1 | tee "$out"
python3 - "$out" <<'PY'
import re, sys, statistics as st
rows, grouped, vt = {}, {}, {}
raw = []
for line in open(sys.argv[1]):
    if "kind=raw" in line:
        raw.append(float(re.search(r"rec_s=(\S+)", line).group(1)))
    elif "kind=p2" in line:
        f = dict(kv.split("=") for kv in line.split()[1:])
        key = (int(f["partitions"]), int(f["appenders"]))
        {"p2-grouped": grouped, "p2-vt-bound": vt}.get(f["kind"], rows).setdefault(key, []).append(f)
print(f"\nmedians of {len(raw)} rounds; raw fsync-per-record loop: {st.median(raw):,.0f}/s")
print("partitions appenders   always/s    never/s   bound/s  ratio  fsyncs/s  rec/fsync | grouped bound/s  its fsyncs/s  ratio"
      " | virtual-thread bound/s  its fsyncs/s  ratio")
for (p, n), fs in sorted(rows.items()):
    m = lambda rs, k: st.median(float(f[k]) for f in rs)
    g = grouped.get((p, n))
    tail = f" | {m(g, 'raw_grouped_rec_s'):>15,.0f} {m(g, 'raw_grouped_fsyncs_s'):>13,.0f} {m(g, 'ratio_grouped'):>6.3f}" if g else ""
    v = vt.get((p, n))
    tail += f" | {m(v, 'vt_bound_rec_s'):>22,.0f} {m(v, 'vt_bound_fsyncs_s'):>13,.0f} {m(v, 'ratio_vt'):>6.3f}" if v else ""
    print(f"{p:>10} {n:>9} {m(fs, 'always_rec_s'):>10,.0f} {m(fs, 'never_rec_s'):>10,.0f} {m(fs, 'bound_rec_s'):>9,.0f}"
          f" {m(fs, 'ratio'):>6.3f} {m(fs, 'fsyncs_s'):>9,.0f} {m(fs, 'rec_per_fsync'):>10.1f}{tail}")
PY
