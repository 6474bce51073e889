#!/usr/bin/env bash
# LiveShop and its peers on this machine, the same load against each, one table:
#   inventory  LiveShop's gRPC Reserve      vs  Redis (Debian's redis-server) + an atomic Lua script
#   fan-out    LiveShop's gateway           vs  a broadcast server on Node's ws package
#   storage    group commit                 vs  one write per order (same Cassandra node)
# The reserve targets run twice: with a thread per caller, blocked on its answer (Jedis for Redis),
# and with no thread waiting, each answer starting the next attempt (Lettuce for Redis), as the
# gateway's event loops do; the second shows the servers with less of the client's wake-ups.
# Installs what it needs (redis-server with apt, ws with npm), starts LiveShop as it is deployed
# (docker/loopback.sh: a Cassandra node, one live-core and one gateway, each a process of its own,
# on the ports of ./run.sh) unless one answers on :8080, and stops everything it started.
# Settings (defaults):
#   VIEWERS=2000 CHAT_RATE=100 SECONDS_EACH=15 WARMUP_SECONDS=15 THREADS=32 ATTEMPTS=200000
#   WARMUP_ATTEMPTS=100000 ROUNDS=1
#   (reserve peers warm up with WARMUP_ATTEMPTS first: a fresh live-core's JIT is busy for ~50,000;
#   fan-out peers get WARMUP_SECONDS of unmeasured chat: a fresh gateway compiles for ~10 s)
# Results: OUT=bench/results/peers/<date>/: table.md; reserve.html (the table, reserve latency by
# percentile per target), storage.html, fanout-*/report.html; the JSON behind them.
set -euo pipefail
cd "$(dirname "$0")/.."
VIEWERS=${VIEWERS:-2000}
CHAT_RATE=${CHAT_RATE:-100}
SECONDS_EACH=${SECONDS_EACH:-15}
WARMUP_SECONDS=${WARMUP_SECONDS:-15}
THREADS=${THREADS:-32}
ATTEMPTS=${ATTEMPTS:-200000}
WARMUP_ATTEMPTS=${WARMUP_ATTEMPTS:-100000}
ROUNDS=${ROUNDS:-1}
OUT=${OUT:-bench/results/peers/$(date +%F)}
mkdir -p "$OUT"
as_root() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi; }

if ! command -v redis-server >/dev/null; then
  echo "== installing redis-server"
  as_root apt-get update -q && as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -q redis-server
fi
echo "== installing the ws peer's package"
(cd bench/peers/ws-broadcast && npm install --no-audit --no-fund --silent)
echo "== building"
./mvnw -q -B install -DskipTests -DskipITs

started=()
loopback=false
cleanup() {
  for pid in "${started[@]}"; do kill "$pid" 2>/dev/null || true; done
  if $loopback; then docker/loopback.sh down >/dev/null || true; fi
}
trap cleanup EXIT
healthy() { curl -sf "http://127.0.0.1:$1/healthz" >/dev/null 2>&1; }
if ! healthy 8080; then
  # The ports this script's clients use (those of ./run.sh), whatever the environment says.
  export CORES=1 GATEWAYS=1 LOOPBACK_DIR=data/loopback-peers CORE_BASE_PORT=7070 GATEWAY_BASE_PORT=8080 \
    LIVESHOP_CASSANDRA_NATIVE_PORT=9042
  unset LIVESHOP_CASSANDRA_CONTACT_POINTS
  echo "== starting LiveShop (docker/loopback.sh, logs in $LOOPBACK_DIR)"
  # Every simulated viewer comes from 127.0.0.1: the per-address connection limit is off.
  loopback=true
  LIVESHOP_GATEWAY_CONNECTIONS_PER_IP=0 docker/loopback.sh up
fi
redis-server --port 6390 --bind 127.0.0.1 --save '' --appendonly no >"$OUT/redis.log" 2>&1 &
redis_pid=$!
started+=($redis_pid)
PORT=8090 node bench/peers/ws-broadcast/server.js >"$OUT/ws-peer.log" 2>&1 &
started+=($!)
sleep 2

run() { java -cp bench/target/benchmarks.jar "$@"; }
echo "== inventory: $THREADS at a time, $ATTEMPTS attempts on a 500-unit sale (thread per caller, then async)"
core_pid=""  # live-core's CPU per attempt is measured when this script started it
if $loopback; then core_pid=$(cat "$LOOPBACK_DIR/core-1.pid"); fi
reserve() { # target driver file [server pid]
  run dev.liveshop.bench.inventory.ReservePeerBench --target "$1" --driver "$2" --threads "$THREADS" \
    --attempts "$ATTEMPTS" --warmup-attempts "$WARMUP_ATTEMPTS" ${4:+--server-pid "$4"} --out "$OUT/$3" >/dev/null
}
reserve redis threads reserve-redis.json "$redis_pid"
reserve liveshop threads reserve-liveshop.json "$core_pid"
reserve liveshop-batched threads reserve-liveshop-batched.json "$core_pid"
reserve redis async reserve-redis-async.json "$redis_pid"
reserve liveshop-batched async reserve-liveshop-batched-async.json "$core_pid"
echo "== fan-out: $VIEWERS viewers in one room, $CHAT_RATE chat messages/s, $SECONDS_EACH s"
run dev.liveshop.bench.load.LoadGenerator --target ws-peer --gateway http://127.0.0.1:8090 --scenario chat-storm \
  --viewers "$VIEWERS" --chat-rate "$CHAT_RATE" --seconds "$SECONDS_EACH" --warmup-seconds "$WARMUP_SECONDS" \
  --out "$OUT/fanout-ws-peer" >/dev/null
run dev.liveshop.bench.load.LoadGenerator --target liveshop --scenario chat-storm \
  --viewers "$VIEWERS" --chat-rate "$CHAT_RATE" --seconds "$SECONDS_EACH" --warmup-seconds "$WARMUP_SECONDS" \
  --out "$OUT/fanout-liveshop" >/dev/null
echo "== storage: group commit vs one write per order, $ROUNDS round(s)"
run dev.liveshop.bench.storage.OrderPipelineBench --contact-point 127.0.0.1:9042 --rounds "$ROUNDS" \
  --seconds 8 --warmup-seconds 3 --out "$OUT/storage.json" >/dev/null
echo
run dev.liveshop.bench.PeerTable "$OUT"
echo "(results and HTML reports in $OUT)"
