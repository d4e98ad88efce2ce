#!/usr/bin/env bash
# CPU per routed request in a local cluster: a fresh 3-node cluster (bin/corecache cluster start), 1,000 keys
# of ~10 bytes preloaded, a warm-up, then wrk GET load against node 1 alone, so about two requests in three
# go to a partition on another node. Prints req/s, p50, p99 and the CPU time of the three node JVMs (from
# /proc/<pid>/stat) per request served. Used to compare node settings one at a time (docs/benchmarks.md,
# "Where a routed request's time goes").
#
# Usage: bench/cluster-routed-cpu.sh NAME [SETTINGS-FILE]   (SETTINGS-FILE: passed as CORECACHE_CONFIG)
#   env: WARMUP (default 25s), DURATION (default 20s), CONNECTIONS (default 16), PORT_OFFSET (default 300)
set -euo pipefail
name="$1"
settings="${2:-}"
root="$(cd -P "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
offset="${PORT_OFFSET:-300}"
port=$((8081 + offset))
dir="$(mktemp -d "${TMPDIR:-/tmp}/corecache-routed.XXXXXX")"
cleanup() { "$root/bin/corecache" cluster stop --dir "$dir/cluster" >/dev/null 2>&1 || true; rm -rf "$dir"; }
trap cleanup EXIT
if [ -n "$settings" ]; then export CORECACHE_CONFIG="$settings"; fi
"$root/bin/corecache" cluster start --nodes 3 --dir "$dir/cluster" --port-offset "$offset" >"$dir/start.log" 2>&1 \
  || { cat "$dir/start.log" >&2; exit 1; }
for i in $(seq 0 999); do
  curl -sf -o /dev/null -X PUT --data "value$i" "http://127.0.0.1:$port/v1/kv/bench-$i"
done
export BENCH_LUA_DIR="$root/bench" BENCH_KEYS=1000
wrk -t1 -c"${CONNECTIONS:-16}" -d"${WARMUP:-25s}" -s "$root/bench/wrk-get.lua" "http://127.0.0.1:$port" >/dev/null
pids="$(pgrep -f "$dir/cluster/node-" | tr '\n' ' ')"
cpu_ticks() { local total=0 pid; for pid in $pids; do total=$((total + $(awk '{print $14 + $15}' "/proc/$pid/stat"))); done; echo "$total"; }
before="$(cpu_ticks)"
out="$(wrk -t1 -c"${CONNECTIONS:-16}" -d"${DURATION:-20s}" --latency -s "$root/bench/wrk-get.lua" "http://127.0.0.1:$port")"
after="$(cpu_ticks)"
requests="$(echo "$out" | awk '/requests in/ {print $1}')"
ticks_per_second="$(getconf CLK_TCK)"
echo "$name: req/s=$(echo "$out" | awk '/Requests\/sec/ {print $2}') p50=$(echo "$out" | awk '/ 50%/ {print $2}')" \
  "p99=$(echo "$out" | awk '/ 99%/ {print $2}')" \
  "cpu_us_per_request=$(( (after - before) * 1000000 / ticks_per_second / requests ))"
