#!/usr/bin/env bash
# A `git bisect run` step for append-rate regressions: builds the JMH jar of the checked-out commit
# (offline, in the reactor, nothing installed) and runs P1 (AppendBenchmark, 100 B, FSYNC=never,
# 1 thread); exit 0 (good) when it reaches THRESHOLD records/s, 1 (bad) below, 125 (skip) when it
# does not build. Every score is appended to SCORES. Use from a separate worktree:
#   git worktree add --detach /tmp/bisect-wt HEAD && cd /tmp/bisect-wt
#   git bisect start <bad> <good> && THRESHOLD=6500000 git bisect run /path/to/bench/bisect-append.sh
set -u
export JAVA_HOME=${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}
THRESHOLD=${THRESHOLD:-6500000}
SCORES=${SCORES:-/tmp/bisect-scores.txt}
mvn -B -o -q -Pbench -pl bench -am package -DskipTests -DskipITs > /tmp/bisect-build.log 2>&1 || exit 125
score=$("$JAVA_HOME/bin/java" -jar bench/target/benchmarks.jar "storelog.bench.AppendBenchmark.append" \
  -p fsync=never -p payloadBytes=100 -t 1 2>/dev/null | grep -E "^AppendBenchmark" | awk '{print $(NF-3)}')
echo "$(git rev-parse --short HEAD) ${score:-none}" >> "$SCORES"
[ -z "$score" ] && exit 125
python3 -c "import sys; sys.exit(0 if float('$score') >= float('$THRESHOLD') else 1)"
