#!/usr/bin/env bash
# The load soak (issue 10, item 3; distribution/src/test/java/storelog/it/SoakIT.java): three nodes of
# the jlink image on loopback with a private Redis; first the saturation rate (64 closed-loop
# publishers of single records, 20 s), then an open-loop generator at 70 % of it for MINUTES
# (latency from intended start times, HdrHistogram), two tail readers, every node's heap after GC,
# descriptors, threads and RSS sampled every 5 s. Fails on any error, on anything the history checker
# finds, and on resources that grow. Writes bench/results/soak-<time>.json, -samples.csv, one PNG per
# node and -latency.png.
#   bench/faults/soak.sh [MINUTES] [ACKS]      defaults: 10 minutes, ACKS=all
# The nodes' JVM options: SOAK_JAVA_OPTS (default -Xmx256m -XX:+UseSerialGC).
# Needs: JDK 21+ (JAVA_HOME, default Temurin 25), redis-server on the PATH. Builds the image itself
# (the reactor with -am, offline; nothing is installed into ~/.m2).
set -euo pipefail
cd "$(dirname "$0")/../.."
export JAVA_HOME=${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}
MINUTES=${1:-10}
ACKS=${2:-all}
JAVA_OPTS_NODES=${SOAK_JAVA_OPTS:--Xmx256m -XX:+UseSerialGC}
mkdir -p bench/results
out=$PWD/bench/results
before=$(ls "$out" | grep -c '^soak-.*\.json$' || true)
# the test fork lives for the soak plus start-up, saturation, convergence and the check
fork_timeout=$(( MINUTES * 60 + 900 ))
status=0
mvn -B -o -pl distribution -am verify -DskipTests=false -Dtest=NONE -Dsurefire.failIfNoSpecifiedTests=false \
  -Dfailsafe.failIfNoSpecifiedTests=false -Dit.test=SoakIT -Dit.fork.timeout="$fork_timeout" \
  -Dsoak.minutes="$MINUTES" -Dsoak.acks="$ACKS" -Dsoak.javaOpts="$JAVA_OPTS_NODES" -Dsoak.out="$out" \
  | grep -E "Tests run:|FAIL|BUILD" || status=$?
grep -h "^soak:" distribution/target/failsafe-reports/storelog.it.SoakIT-output.txt 2>/dev/null || true
if [ "$(ls "$out" | grep -c '^soak-.*\.json$' || true)" -le "$before" ]; then
  echo "no results written: see distribution/target/failsafe-reports/storelog.it.SoakIT*.txt" >&2
  exit 1
fi
latest=$(ls -t "$out"/soak-*.json | head -1)
echo "results: $latest"
echo "plots:   ${latest%.json}-node*.png ${latest%.json}-latency.png"
echo "samples: ${latest%.json}-samples.csv"
grep -q "Tests run: 1, Failures: 0, Errors: 0, Skipped: 0" distribution/target/failsafe-reports/storelog.it.SoakIT.txt \
  || { echo "SOAK FAILED: see distribution/target/failsafe-reports/storelog.it.SoakIT.txt" >&2; exit 1; }
