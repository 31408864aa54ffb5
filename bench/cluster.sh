#!/usr/bin/env bash
# The cluster's figures (bench/RESULTS.md, issues 8 and 9): election, failover, membership, the
# Redis -> Raft switch (medians of ROUNDS runs), follower lag, catch-up, ACKS=all vs ACKS=leader.
# Runs nodes of the built image on 127.0.0.1 with a private redis-server; stops by itself (~10 min
# with ROUNDS=10). Needs JAVA_HOME (Temurin 25 by default) and redis-server.
set -euo pipefail
cd "$(dirname "$0")/.."
export JAVA_HOME=${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}
rounds=${ROUNDS:-10}
mvn -B -q install -DskipTests -DskipITs
mvn -B verify -pl distribution -Dit.test=ClusterFiguresIT -Dstorelog.bench=true -Dstorelog.bench.rounds="$rounds" \
    -Dit.fork.timeout=3600 > /tmp/storelog-cluster-bench.log 2>&1 || { tail -50 /tmp/storelog-cluster-bench.log; exit 1; }
mkdir -p bench/results
grep -h "^FIGURE" distribution/target/failsafe-reports/*ClusterFiguresIT-output.txt | tee bench/results/cluster-$(date +%F).txt
