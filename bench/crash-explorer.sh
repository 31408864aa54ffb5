#!/usr/bin/env bash
# Simulated power loss (issue 12): PowerLossExplorerTest with many crash states.
#   bench/crash-explorer.sh [TOTAL_STATES] [SEED]
# TOTAL_STATES (default 100000) is split evenly over FSYNC=always, interval:5 and never; SEED defaults
# to a random one. Prints the distinct crash states explored per mode, the failures and their seeds
# (replay one with -Dpowerloss.replay, see PowerLossReplayTest). Writes bench/results/crash-explorer-<time>.log.
# Needs: JDK 21+ (JAVA_HOME, default Temurin 25), Maven (offline). Never installs anything.
set -uo pipefail
cd "$(dirname "$0")/.."
export JAVA_HOME=${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}
total=${1:-100000}
seed=${2:-$(( RANDOM * 32768 + RANDOM ))}
per_mode=$(( (total + 2) / 3 ))
stamp=$(date -u +%Y%m%dT%H%M%SZ)
out=bench/results/crash-explorer-$stamp.log
mkdir -p bench/results
echo "crash explorer: $per_mode states per FSYNC mode ($total in all), seed $seed"
start=$(date +%s)
mvn -B -o -q -pl plugins/store-file -am verify -DskipITs -Dtest=PowerLossExplorerTest \
    -Dsurefire.failIfNoSpecifiedTests=false -Dpowerloss.states="$per_mode" -Dpowerloss.seed="$seed" > "$out.mvn" 2>&1
status=$?
report=plugins/store-file/target/surefire-reports/storelog.store.file.PowerLossExplorerTest-output.txt
{
  echo "# bench/crash-explorer.sh $total $seed  ($per_mode states per mode), $(( $(date +%s) - start )) s, maven exit $status"
  grep -h "^POWER-LOSS" "$report" 2>/dev/null || echo "no results: see $out.mvn"
} | tee "$out"
exit $status
