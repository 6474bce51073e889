#!/usr/bin/env bash
# The topology of docker/compose.yml without Docker: every service a process of its own on
# this machine's loopback. The multi-node tests drive it; you can too.
#
#   docker/loopback.sh up            a Cassandra node, $CORES live-core shards, $GATEWAYS gateways; waits until ready
#   docker/loopback.sh start NAME    (re)start one: cassandra, core-1 .. core-N, gateway-1 .. gateway-N
#   docker/loopback.sh stop NAME     SIGTERM: a graceful stop (waits for the process to go)
#   docker/loopback.sh kill NAME     SIGKILL: a crash
#   docker/loopback.sh down          stops everything started here
#   docker/loopback.sh status
#
# Settings (environment, with defaults): CORES=2 GATEWAYS=2 CORE_BASE_PORT=7070
# GATEWAY_BASE_PORT=8080 LOOPBACK_DIR=data/loopback (pid files, logs, the node's data).
# LIVESHOP_CASSANDRA_CONTACT_POINTS set: use that cluster and start no node; otherwise the
# node listens on LIVESHOP_CASSANDRA_NATIVE_PORT (9042) / LIVESHOP_CASSANDRA_STORAGE_PORT (7000).
# Every other LIVESHOP_* variable reaches every process. Gateways share one signing key
# (LIVESHOP_AUTH_SECRET, generated into $LOOPBACK_DIR once if unset) so that a token from
# one works on all, as behind a load balancer. Builds nothing: run ./mvnw -q install
# -DskipTests first (./run.sh does).
set -euo pipefail
cd "$(dirname "$0")/.."

CORES=${CORES:-2}
GATEWAYS=${GATEWAYS:-2}
CORE_BASE_PORT=${CORE_BASE_PORT:-7070}
GATEWAY_BASE_PORT=${GATEWAY_BASE_PORT:-8080}
LOOPBACK_DIR=${LOOPBACK_DIR:-data/loopback}
JAVA=${JAVA:-java}
START_TIMEOUT=${START_TIMEOUT:-180}
mkdir -p "$LOOPBACK_DIR"
LOOPBACK_DIR=$(cd "$LOOPBACK_DIR" && pwd)

CLASSPATH_FILE=live-dev/target/classpath.txt
if [ ! -f "$CLASSPATH_FILE" ]; then
  echo "loopback: $CLASSPATH_FILE is missing; build first: ./mvnw -q -B install -DskipTests" >&2
  exit 2
fi
CP="live-dev/target/classes:$(cat "$CLASSPATH_FILE")"

shard_map() {
  local map="" i
  for ((i = 1; i <= CORES; i++)); do
    map+="${map:+,}core-$i=127.0.0.1:$((CORE_BASE_PORT + i - 1))"
  done
  echo "$map"
}

contact_points() {
  echo "${LIVESHOP_CASSANDRA_CONTACT_POINTS:-127.0.0.1:${LIVESHOP_CASSANDRA_NATIVE_PORT:-9042}}"
}

auth_secret() {
  if [ -n "${LIVESHOP_AUTH_SECRET:-}" ]; then
    echo "$LIVESHOP_AUTH_SECRET"
    return
  fi
  local file="$LOOPBACK_DIR/auth-secret"
  [ -f "$file" ] || od -An -N32 -tx1 /dev/urandom | tr -d ' \n' > "$file"
  cat "$file"
}

pid_of() {
  local file="$LOOPBACK_DIR/$1.pid"
  [ -f "$file" ] && kill -0 "$(cat "$file")" 2>/dev/null && cat "$file"
}

# Waits until $2 (a command) succeeds, failing with the log's tail if process $1 dies first.
wait_for() {
  local name=$1 check=$2 deadline=$((SECONDS + START_TIMEOUT))
  until eval "$check" >/dev/null 2>&1; do
    if ! pid_of "$name" >/dev/null; then
      echo "loopback: $name died while starting; the end of $LOOPBACK_DIR/$name.log:" >&2
      tail -n 30 "$LOOPBACK_DIR/$name.log" >&2
      exit 1
    fi
    if ((SECONDS > deadline)); then
      echo "loopback: $name not ready after ${START_TIMEOUT}s; see $LOOPBACK_DIR/$name.log" >&2
      exit 1
    fi
    sleep 0.5
  done
}

port_open() {
  (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

http_ok() {
  local reply
  reply=$(exec 3<>"/dev/tcp/127.0.0.1/$1" && printf 'GET %s HTTP/1.0\r\n\r\n' "$2" >&3 && head -n 1 <&3) || return 1
  [[ "$reply" == *" 200 "* ]]
}

launch() {
  local name=$1 main=$2
  shift 2
  if pid_of "$name" >/dev/null; then
    echo "loopback: $name is already running (pid $(pid_of "$name"))"
    return
  fi
  # setsid: a process group of its own, so Ctrl-C in this shell does not reach it.
  env "$@" setsid "$JAVA" -Dlogback.configurationFile=live-dev/target/classes/logback-local.xml -cp "$CP" \
    "$main" >>"$LOOPBACK_DIR/$name.log" 2>&1 </dev/null &
  echo $! >"$LOOPBACK_DIR/$name.pid"
}

start() {
  local name=$1 i
  case "$name" in
    cassandra)
      launch cassandra dev.liveshop.dev.CassandraMain \
        LIVESHOP_CASSANDRA_DATA_DIR="${LIVESHOP_CASSANDRA_DATA_DIR:-$LOOPBACK_DIR/cassandra}"
      wait_for cassandra "port_open ${LIVESHOP_CASSANDRA_NATIVE_PORT:-9042}"
      ;;
    core-*)
      i=${name#core-}
      launch "$name" dev.liveshop.core.CoreMain \
        LIVESHOP_CORE_SHARD="$name" LIVESHOP_CORE_PEERS="$(shard_map)" \
        LIVESHOP_CORE_GRPC_PORT=$((CORE_BASE_PORT + i - 1)) \
        LIVESHOP_CASSANDRA_CONTACT_POINTS="$(contact_points)" \
        LIVESHOP_DEMO="${LIVESHOP_DEMO:-$([ "$i" = 1 ] && echo true || echo false)}"
      wait_for "$name" "port_open $((CORE_BASE_PORT + i - 1))"
      ;;
    gateway-*)
      i=${name#gateway-}
      launch "$name" dev.liveshop.gateway.GatewayMain \
        LIVESHOP_GATEWAY_PORT=$((GATEWAY_BASE_PORT + i - 1)) LIVESHOP_GATEWAY_CORE_SHARDS="$(shard_map)" \
        LIVESHOP_AUTH_SECRET="$(auth_secret)"
      wait_for "$name" "http_ok $((GATEWAY_BASE_PORT + i - 1)) /readyz"
      ;;
    *)
      echo "loopback: no service '$name' (cassandra, core-1..core-$CORES, gateway-1..gateway-$GATEWAYS)" >&2
      exit 2
      ;;
  esac
  echo "loopback: $name up (pid $(pid_of "$name"), log $LOOPBACK_DIR/$name.log)"
}

signal() {
  local sig=$1 name=$2 pid
  if ! pid=$(pid_of "$name"); then
    echo "loopback: $name is not running"
    return
  fi
  kill "-$sig" "$pid"
  while kill -0 "$pid" 2>/dev/null; do sleep 0.2; done
  rm -f "$LOOPBACK_DIR/$name.pid"
  echo "loopback: $name stopped ($sig)"
}

services() {
  local i
  [ -z "${LIVESHOP_CASSANDRA_CONTACT_POINTS:-}" ] && echo cassandra
  for ((i = 1; i <= CORES; i++)); do echo "core-$i"; done
  for ((i = 1; i <= GATEWAYS; i++)); do echo "gateway-$i"; done
}

case "${1:-}" in
  up)
    for s in $(services); do start "$s"; done
    echo "loopback: ready. Gateways on ports $GATEWAY_BASE_PORT..$((GATEWAY_BASE_PORT + GATEWAYS - 1)); shards $(shard_map)"
    ;;
  start) start "${2:?name a service}" ;;
  stop) signal TERM "${2:?name a service}" ;;
  kill) signal KILL "${2:?name a service}" ;;
  down)
    for s in $(services | tac); do signal TERM "$s"; done
    ;;
  status)
    for s in $(services); do
      if pid=$(pid_of "$s"); then echo "$s running (pid $pid)"; else echo "$s stopped"; fi
    done
    ;;
  *)
    sed -n '2,20p' "$0"
    exit 2
    ;;
esac
