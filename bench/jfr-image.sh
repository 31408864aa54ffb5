#!/usr/bin/env bash
# The image of distribution/target/storelog with jdk.jfr linked in, for profiling nodes with JFR
# (the release image leaves it out): distribution/target/storelog-jfr. Then, e.g.
#   IMAGE=distribution/target/storelog-jfr JFR_DIR=/tmp/jfr bench/replication.sh
# Needs the reactor built (mvn package) and JAVA_HOME (default Temurin 25).
set -euo pipefail
cd "$(dirname "$0")/.."
export JAVA_HOME=${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}
src=distribution/target/storelog
out=distribution/target/storelog-jfr
mods=jdk.unsupported,java.management,java.naming,java.net.http,java.scripting,java.security.jgss,java.security.sasl,java.sql,java.compiler,jdk.management
rm -rf "$out"
"$JAVA_HOME/bin/jlink" --module-path distribution/target/modules \
  --add-modules "storelog.server,storelog.store.file,storelog.connector.channel,$mods,jdk.jfr" \
  --output "$out" --add-options="--add-modules=$mods --enable-native-access=ALL-UNNAMED" \
  --strip-debug --no-header-files --no-man-pages
cp "$src/bin/storelog" "$out/bin/"
cp "$src/conf/storelog.yaml" "$src/conf/logging.properties" "$out/conf/"
cp -a "$src/plugins" "$out/"
echo "$out"
