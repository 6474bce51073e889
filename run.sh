#!/usr/bin/env bash
# Builds LiveShop (first run: a few minutes, later ones seconds) and starts the whole
# system on this machine: an embedded Cassandra node, live-core and live-gateway.
# Ctrl-C stops all three; data stays in ./data for the next run.
set -euo pipefail
cd "$(dirname "$0")"
echo "Building LiveShop (the first run downloads Maven and the libraries)..."
./mvnw -q -B install -DskipTests -DskipITs
exec java -Dlogback.configurationFile=live-dev/target/classes/logback-local.xml \
  -cp "live-dev/target/classes:$(cat live-dev/target/classpath.txt)" dev.liveshop.dev.LocalMain "$@"
