#!/usr/bin/env bash
# One side of the tap-surge A/B (bench/RESULTS.md, 2026-11-29): a warm-up flash sale, then
# 10,000 viewers tapping 25 times each (~250,000 taps within a few seconds) against the
# gateway already running at $GATEWAY (docker/loopback.sh up; restart the gateway between
# sides). Reports go to $OUT/LABEL-warm and $OUT/LABEL-over.
#   bench/results/load/2026-11-29-tap-surge/ab.sh LABEL
set -euo pipefail
cd "$(dirname "$0")/../../../.."
LABEL=$1
GATEWAY=${GATEWAY:-http://127.0.0.1:8180}
OUT=${OUT:-/tmp/tap-surge}
LG=(java -cp bench/target/benchmarks.jar dev.liveshop.bench.load.LoadGenerator --gateway "$GATEWAY"
  --scenario flash-sale --viewers 10000 --quantity 10 --per-viewer-limit 2 --connect-parallel 500
  --reaction-ms 100 --seconds 30)
"${LG[@]}" --taps 10 --out "$OUT/$LABEL-warm" || true
"${LG[@]}" --taps 25 --rehearsals 0 --out "$OUT/$LABEL-over" || true
