#!/bin/bash
# One chat storm against a running server, with that server's CPU per delivered frame and the
# box's busy time over 10 s of the measured part (the io_uring and fan-out spread comparisons
# of 2026-11-29 in bench/RESULTS.md).
# usage: [TARGET=ws-peer] ab.sh PORT SERVER_PID LABEL [viewers] [rate]   (reports in /tmp/ab/)
port=$1; pid=$2; label=$3; viewers=${4:-5000}; rate=${5:-50}
out=/tmp/ab/$label-$(date +%H%M%S); mkdir -p $out
cpu(){ awk '{print $14+$15}' /proc/$pid/stat; }
busy(){ awk '/^cpu /{print $2+$3+$4+$7+$8}' /proc/stat; }
start=$(date +%s)
java -cp "$(cd "$(dirname "$0")/../../../.." && pwd)/bench/target/benchmarks.jar" dev.liveshop.bench.load.LoadGenerator --gateway http://127.0.0.1:$port ${TARGET:+--target $TARGET} --scenario chat-storm --viewers $viewers --chat-rate $rate --seconds 15 --warmup-seconds 10 --connect-parallel 500 --out $out > $out/stdout 2> $out/stderr &
lg=$!
for i in $(seq 1 240); do grep -q "warming up" $out/stderr 2>/dev/null && break; sleep 0.25; done
sleep 10; s0=$(( $(date +%s) - start )); c0=$(cpu); b0=$(busy); sleep 10; c1=$(cpu); b1=$(busy)
wait $lg
python3 - "$out" $((c1-c0)) "$label" $s0 $((b1-b0)) <<'PY'
import json,sys,re
out,cs,label,s0,box=sys.argv[1],int(sys.argv[2]),sys.argv[3],int(sys.argv[4]),int(sys.argv[5])
r=json.load(open(out+'/report.json'))
err=open(out+'/stderr').read()
rates={int(t):int(x) for t,x in re.findall(r't=(\d+)s connections=\d+ in=(\d+)/s',err)}
frames=sum(v for t,v in rates.items() if s0 < t <= s0+10)
lat=r['latenciesMs']
fl=lat.get('first viewer -> last viewer',{})
print("spread p50 %.1f p99 %.1f"%(fl.get('p50',-1),fl.get('p99',-1)), end="  ")
print("%-8s p99 deliver %6.1f  p99 last %6.1f  delivered/s %7.0f  cpu %.2f cores  cpu/frame %.2f us  box busy %.2f cores"%(label,lat['publish -> deliver']['p99'],lat['publish -> last viewer']['p99'],r['chatDelivered']/r['seconds'],cs/1000.0, cs*1e4/frames if frames else -1, box/1000.0))
PY
