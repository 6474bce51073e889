#!/usr/bin/env bash
# One gateway against two, on this machine: the multi-process topology of
# docker/loopback.sh (one Cassandra node, one live-core, two gateways), the same mixed load
# (a room chatting while a flash sale runs) sent to gateway-1 only, then spread over both.
# Prints viewers held, confirmed orders/s, latencies, and gateway CPU per delivered frame.
# Settings (defaults): VIEWERS=4000 QUANTITY=2000 CHAT_RATE=20 SECONDS_EACH=20 ROUNDS=2
# Results: bench/results/gateways/<date>/ (load reports, table.md).
set -euo pipefail
cd "$(dirname "$0")/.."
VIEWERS=${VIEWERS:-4000}
QUANTITY=${QUANTITY:-2000}
CHAT_RATE=${CHAT_RATE:-20}
SECONDS_EACH=${SECONDS_EACH:-20}
ROUNDS=${ROUNDS:-2}
OUT=bench/results/gateways/$(date +%F)
mkdir -p "$OUT"
echo "== building"
./mvnw -q -B install -DskipTests -DskipITs

export CORES=1 GATEWAYS=2 CORE_BASE_PORT=${CORE_BASE_PORT:-7170} GATEWAY_BASE_PORT=${GATEWAY_BASE_PORT:-8180}
export LOOPBACK_DIR=${LOOPBACK_DIR:-data/loopback-bench} LIVESHOP_CASSANDRA_NATIVE_PORT=${LIVESHOP_CASSANDRA_NATIVE_PORT:-9142}
export LIVESHOP_CASSANDRA_STORAGE_PORT=${LIVESHOP_CASSANDRA_STORAGE_PORT:-7100}
# Every simulated viewer comes from 127.0.0.1: the per-address connection limit is off.
export LIVESHOP_GATEWAY_CONNECTIONS_PER_IP=0 LIVESHOP_DEMO=false
echo "== starting the topology (logs in $LOOPBACK_DIR)"
docker/loopback.sh up
trap 'docker/loopback.sh down >/dev/null' EXIT

one=http://127.0.0.1:$GATEWAY_BASE_PORT
two=http://127.0.0.1:$((GATEWAY_BASE_PORT + 1))
ticks() { awk '{print $14 + $15}' "/proc/$(cat "$LOOPBACK_DIR/$1.pid")/stat"; }
hz=$(getconf CLK_TCK)

table=$OUT/table.md
{
  echo "| run | gateways | viewers held | confirmed orders | answers/s peak (1 s) | confirmed/s over the answering seconds | tap->answer p50 / p99 ms | publish->last viewer p99 ms | frames delivered | gateway CPU s | CPU us per delivered frame |"
  echo "|---|---|---|---|---|---|---|---|---|---|---|"
} >"$table"
for round in $(seq "$ROUNDS"); do
  for gateways in 1 2; do
    label=round$round-gateways$gateways
    urls=$one
    [ "$gateways" = 2 ] && urls=$one,$two
    before=$(( $(ticks gateway-1) + $(ticks gateway-2) ))
    echo "== $label: $VIEWERS viewers on $urls"
    java -cp bench/target/benchmarks.jar dev.liveshop.bench.load.LoadGenerator --scenario mixed --gateway "$urls" \
      --viewers "$VIEWERS" --quantity "$QUANTITY" --per-viewer-limit 1 --chat-rate "$CHAT_RATE" \
      --seconds "$SECONDS_EACH" --countdown-ms 5000 --out "$OUT/$label" >"$OUT/$label.txt"
    after=$(( $(ticks gateway-1) + $(ticks gateway-2) ))
    python3 - "$OUT/$label/report.json" "$label" "$gateways" "$(( after - before ))" "$hz" >>"$table" <<'PY'
import json, sys
report, label, gateways, ticks, hz = json.load(open(sys.argv[1])), sys.argv[2], sys.argv[3], int(sys.argv[4]), int(sys.argv[5])
cpu = ticks / hz
lat = report["latenciesMs"]
orders = report["outcomes"].get("RESERVE_RESULT_RESERVED", 0)
frames = report["framesIn"]
answering = sum(1 for n in report["answersPerSecond"] if n > 0) or 1
print(f"| {label} | {gateways} | {report['connected']} | {orders} | {max(report['answersPerSecond'] or [0])} | "
      f"{orders / answering:.0f} | "
      f"{lat['tap -> answer']['p50']:.0f} / {lat['tap -> answer']['p99']:.0f} | "
      f"{lat['publish -> last viewer']['p99']:.0f} | {frames} | {cpu:.1f} | {cpu * 1e6 / max(frames, 1):.2f} |")
PY
  done
done
cat "$table"
