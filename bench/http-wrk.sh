#!/usr/bin/env bash
# HTTP throughput of one CoreCache node against nginx, in one run, with the same wrk settings for both.
#
#   GET  /v1/kv/<random existing key>   100-byte values, preloaded   node (durability interval) vs nginx
#   PUT  /v1/kv/<random key>            100-byte bodies              node (durability interval) vs nginx
#   PUT  /v1/kv/<random key>            100-byte bodies              node (durability sync)     vs nginx
#
# nginx answers every request with a fixed 100-byte body (worker_processes auto, no access log), so it
# measures what this machine's HTTP stack and wrk can do at all; the node's figures are read as a share of
# it. Targets (issue 7): GET >= 0.6x nginx, PUT (interval) >= 0.4x nginx; sync is reported, not targeted.
#
# With -n N (N > 1) the same run also starts a local cluster of N nodes (bin/corecache cluster start,
# durability interval) and spreads the same load over all of them: N wrk processes at once, one per node,
# each with CONNECTIONS/N connections and one thread; their rates are summed (latency: the worst node's).
#
# Usage: bench/http-wrk.sh [-t THREADS] [-c CONNECTIONS] [-d DURATION] [-w WARMUP] [-k KEYS] [-n NODES]
#   defaults: -t 2 -c 64 -d 20s -w 10s -k 10000 -n 1
# Installs wrk and nginx with apt-get when they are missing. Starts nginx and the nodes on free loopback
# ports with temporary directories, and stops and removes everything it started on exit, even on Ctrl-C.
# Progress goes to stderr; the results, as markdown, to stdout.
set -euo pipefail

threads=2
connections=64
duration=20s
warmup=10s
keys=10000
nodes=1
while getopts "t:c:d:w:k:n:h" opt; do
  case "$opt" in
    t) threads="$OPTARG" ;;
    c) connections="$OPTARG" ;;
    d) duration="$OPTARG" ;;
    w) warmup="$OPTARG" ;;
    k) keys="$OPTARG" ;;
    n) nodes="$OPTARG" ;;
    *) sed -n '2,/^set -euo/p' "$0" | sed '$d' >&2; exit 2 ;;
  esac
done

root="$(cd -P "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# shellcheck source=lib.sh
source "$root/bench/lib.sh"
bench_dir="$root/bench"
say() { echo "http-wrk: $*" >&2; }

# ---- tools -------------------------------------------------------------------------------------------------
install_missing() {
  local missing=()
  command -v wrk >/dev/null 2>&1 || missing+=(wrk)
  command -v nginx >/dev/null 2>&1 || [ -x /usr/sbin/nginx ] || missing+=(nginx)
  command -v curl >/dev/null 2>&1 || missing+=(curl)
  [ ${#missing[@]} -eq 0 ] && return
  say "installing ${missing[*]} with apt-get"
  local sudo=()
  [ "$(id -u)" -ne 0 ] && sudo=(sudo)
  "${sudo[@]}" apt-get update -qq
  DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y -qq "${missing[@]}" >&2
}
install_missing
nginx_bin="$(command -v nginx || echo /usr/sbin/nginx)"

# ---- clean-up of everything this script starts --------------------------------------------------------------
work="$(mktemp -d "${TMPDIR:-/tmp}/corecache-http-wrk.XXXXXX")"
nginx_pid=""
node_pid=""
stop_node() {
  stop_pid "$node_pid"
  node_pid=""
}
cluster_dir=""
cleanup() {
  stop_node
  if [ -n "$cluster_dir" ] && [ -f "$cluster_dir/cluster.json" ]; then
    "$root/bin/corecache" cluster stop --dir "$cluster_dir" >/dev/null 2>&1 || true
  fi
  if [ -n "$nginx_pid" ] && kill -0 "$nginx_pid" 2>/dev/null; then
    kill -QUIT "$nginx_pid" 2>/dev/null || true
    for _ in $(seq 1 50); do kill -0 "$nginx_pid" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$nginx_pid" 2>/dev/null || true
    wait "$nginx_pid" 2>/dev/null || true
  fi
  rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM


# ---- nginx ---------------------------------------------------------------------------------------------------
body100="$(printf 'x%.0s' $(seq 1 100))"
free_port nginx_port
mkdir -p "$work/nginx/tmp"
cat >"$work/nginx/nginx.conf" <<EOF
worker_processes auto;
pid $work/nginx/nginx.pid;
error_log $work/nginx/error.log warn;
events { worker_connections 4096; }
http {
    access_log off;
    keepalive_requests 100000000;
    client_body_temp_path $work/nginx/tmp/body;
    proxy_temp_path $work/nginx/tmp/proxy;
    fastcgi_temp_path $work/nginx/tmp/fastcgi;
    uwsgi_temp_path $work/nginx/tmp/uwsgi;
    scgi_temp_path $work/nginx/tmp/scgi;
    server {
        listen 127.0.0.1:$nginx_port;
        location / {
            default_type application/octet-stream;
            return 200 "$body100";
        }
    }
}
EOF
say "starting nginx on 127.0.0.1:$nginx_port"
"$nginx_bin" -p "$work/nginx" -c "$work/nginx/nginx.conf" -g 'daemon off;' 2>>"$work/nginx/error.log" &
nginx_pid=$!
for _ in $(seq 1 100); do curl -sf "http://127.0.0.1:$nginx_port/" >/dev/null 2>&1 && break; sleep 0.1; done
[ "$(curl -s "http://127.0.0.1:$nginx_port/x" | wc -c)" -eq 100 ] || { say "nginx did not serve"; cat "$work/nginx/error.log" >&2; exit 1; }

# ---- a node -------------------------------------------------------------------------------------------------
node_http=""
node_java=""
start_node() { # $1 = durability
  local name="node-$1" remote management
  free_port node_http; free_port remote; free_port management
  say "starting a node (durability $1) on 127.0.0.1:$node_http"
  CORECACHE_DURABILITY="$1" "$root/bin/corecache" server --data "$work/$name/data" \
    --http "127.0.0.1:$node_http" --remote "127.0.0.1:$remote" --management "127.0.0.1:$management" --resp 127.0.0.1:0 \
    >"$work/$name.log" 2>&1 &
  node_pid=$!
  # The first start may build the jar (a few minutes on a cold machine).
  for _ in $(seq 1 3000); do
    if ! kill -0 "$node_pid" 2>/dev/null; then say "the node exited:"; cat "$work/$name.log" >&2; exit 1; fi
    if curl -sf "http://127.0.0.1:$management/ready" >/dev/null 2>&1 \
        && (exec 3<>"/dev/tcp/127.0.0.1/$node_http") 2>/dev/null; then
      break
    fi
    sleep 0.1
  done
  curl -sf "http://127.0.0.1:$management/ready" >/dev/null || { say "the node is not ready"; exit 1; }
  node_java="$(readlink -f "/proc/$node_pid/exe" 2>/dev/null || echo unknown)"
}

# ---- wrk ----------------------------------------------------------------------------------------------------
export BENCH_LUA_DIR="$bench_dir" BENCH_KEYS="$keys"
declare -A result
# run_wrk NAME PORT SCRIPT: a warm-up (discarded), then the measured run; keeps its BENCH-RESULT line.
run_wrk() {
  local name="$1" port="$2" script="$3"
  say "$name: warm-up $warmup"
  wrk -t"$threads" -c"$connections" -d"$warmup" -s "$bench_dir/$script" "http://127.0.0.1:$port" >/dev/null
  say "$name: wrk -t$threads -c$connections -d$duration --latency -s bench/$script"
  wrk -t"$threads" -c"$connections" -d"$duration" --latency -s "$bench_dir/$script" \
    "http://127.0.0.1:$port" >"$work/$name.wrk"
  result[$name]="$(grep '^BENCH-RESULT' "$work/$name.wrk")"
  say "$name: ${result[$name]#BENCH-RESULT }"
}
field() { # field NAME KEY
  sed -n "s/.* $2=\([0-9.]*\).*/\1/p" <<<"${result[$1]}"
}

# Writes bench-0 .. bench-<keys-1>, 100-byte values naming their key, with one curl (16 requests at a time,
# connections reused) and checks that every write got a 2xx.
preload() {
  say "preloading $keys keys of 100 bytes"
  awk -v n="$keys" -v base="http://127.0.0.1:$node_http/v1/kv/bench-" 'BEGIN {
    pad = sprintf("%100s", ""); gsub(/ /, "x", pad)
    for (i = 0; i < n; i++) {
      v = "value-of-bench-" i "-"; v = v substr(pad, 1, 100 - length(v))
      printf "url = \"%s%d\"\nrequest = \"PUT\"\ndata-binary = \"%s\"\n", base, i, v
      printf "header = \"Content-Type: application/octet-stream\"\noutput = \"/dev/null\"\n"
      printf "write-out = \"%%{http_code}\\n\"\n"
      if (i < n - 1) print "next"
    }
  }' >"$work/preload.curl"
  curl -s --parallel --parallel-max 16 -K "$work/preload.curl" >"$work/preload.codes" 2>"$work/preload.err"
  local ok
  ok="$(grep -c '^2' "$work/preload.codes" || true)"
  if [ "$ok" -ne "$keys" ]; then
    say "preload: only $ok of $keys writes answered 2xx:"; sort "$work/preload.codes" | uniq -c >&2; exit 1
  fi
  local k
  for k in 0 $((keys / 2)) $((keys - 1)); do
    [ "$(curl -s "http://127.0.0.1:$node_http/v1/kv/bench-$k" | wc -c)" -eq 100 ] \
      || { say "preloaded key bench-$k is missing"; exit 1; }
  done
}

# Interleaved, so a change in the machine's load shows in neighbouring rows rather than in one target.
run_wrk nginx-get "$nginx_port" wrk-get.lua
start_node interval
interval_java="$node_java"
preload
run_wrk node-get "$node_http" wrk-get.lua
run_wrk nginx-put "$nginx_port" wrk-put.lua
run_wrk node-put-interval "$node_http" wrk-put.lua
stop_node
start_node sync
run_wrk node-put-sync "$node_http" wrk-put.lua
stop_node

# ---- a local cluster, the load spread over its nodes ---------------------------------------------------------
# run_wrk_spread NAME SCRIPT PORT...: one wrk per node at once (CONNECTIONS/N connections, one thread each);
# keeps a BENCH-RESULT line with the summed rate, the worst latencies and the summed errors.
run_wrk_spread() {
  local name="$1" script="$2"; shift 2
  local per=$(( connections / $# )) i=0 port
  [ "$per" -ge 1 ] || per=1
  say "$name: warm-up $warmup on $# nodes"
  local pids=()
  for port in "$@"; do
    wrk -t1 -c"$per" -d"$warmup" -s "$bench_dir/$script" "http://127.0.0.1:$port" >/dev/null &
    pids+=($!)
  done
  wait "${pids[@]}" # only the wrks: nginx runs in the background too
  pids=()
  say "$name: $# x wrk -t1 -c$per -d$duration --latency -s bench/$script"
  for port in "$@"; do
    wrk -t1 -c"$per" -d"$duration" --latency -s "$bench_dir/$script" "http://127.0.0.1:$port" >"$work/$name.$i.wrk" &
    pids+=($!)
    i=$((i + 1))
  done
  wait "${pids[@]}"
  result[$name]="$(cat "$work/$name".*.wrk | grep '^BENCH-RESULT' | awk '
    { for (f = 2; f <= NF; f++) { split($f, kv, "="); k = kv[1]; v = kv[2] + 0
        if (k == "rps" || k == "requests" || k ~ /errors$/ || k == "timeouts") sum[k] += v
        else if (v > worst[k]) worst[k] = v } }
    END { printf "BENCH-RESULT rps=%.1f requests=%d p50_us=%d p90_us=%d p99_us=%d p999_us=%d max_us=%d ", sum["rps"],
            sum["requests"], worst["p50_us"], worst["p90_us"], worst["p99_us"], worst["p999_us"], worst["max_us"]
          printf "connect_errors=%d read_errors=%d write_errors=%d status_errors=%d timeouts=%d\n",
            sum["connect_errors"], sum["read_errors"], sum["write_errors"], sum["status_errors"], sum["timeouts"] }')"
  say "$name: ${result[$name]#BENCH-RESULT }"
}

if [ "$nodes" -gt 1 ]; then
  cluster_dir="$work/cluster"
  offset=$((2000 + RANDOM % 20000))
  say "starting a local cluster of $nodes nodes (durability interval, ports offset $offset)"
  CORECACHE_DURABILITY=interval "$root/bin/corecache" cluster start --nodes "$nodes" --dir "$cluster_dir" \
    --port-offset "$offset" --timeout 300 >"$work/cluster-start.log" 2>&1 \
    || { say "the cluster did not start:"; cat "$work/cluster-start.log" >&2; exit 1; }
  cluster_ports=()
  for i in $(seq 1 "$nodes"); do cluster_ports+=($((8080 + i + offset))); done
  node_http="${cluster_ports[0]}"
  preload
  # Three JVMs share the cores with wrk, so the JIT takes minutes, not seconds, to compile the routed paths:
  # without this, whichever target runs first measures a cold cluster (GET was 3.6x slower first than after
  # the PUT run; docs/benchmarks.md). Each target still has its own warm-up in run_wrk_spread.
  say "cluster: JIT warm-up, GET and PUT for $warmup each on every node (discarded)"
  for script in wrk-get.lua wrk-put.lua; do
    pids=()
    for port in "${cluster_ports[@]}"; do
      wrk -t1 -c"$(( connections / nodes > 0 ? connections / nodes : 1 ))" -d"$warmup" \
        -s "$bench_dir/$script" "http://127.0.0.1:$port" >/dev/null &
      pids+=($!)
    done
    wait "${pids[@]}"
  done
  run_wrk_spread cluster-get wrk-get.lua "${cluster_ports[@]}"
  run_wrk_spread cluster-put-interval wrk-put.lua "${cluster_ports[@]}"
  "$root/bin/corecache" cluster stop --dir "$cluster_dir" >/dev/null 2>&1 || true
fi

# ---- report -------------------------------------------------------------------------------------------------
ms() { awk -v us="$1" 'BEGIN { printf "%.2f", us / 1000 }'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; }
verdict() { awk -v r="$1" -v t="$2" 'BEGIN { print (r >= t ? "met" : "NOT met") }'; }
errors_of() {
  local n=0 k
  for k in connect_errors read_errors write_errors status_errors timeouts; do
    n=$((n + $(field "$1" "$k")))
  done
  echo "$n"
}
row() { # row LABEL NAME BASELINE TARGET
  local rps base r target_text="-"
  rps="$(field "$2" rps)"
  base="$(field "$3" rps)"
  r="$(ratio "$rps" "$base")"
  if [ -n "$4" ]; then target_text=">= $4x: $(verdict "$r" "$4")"; fi
  printf '| %s | %.0f | %s | %s | %s | %s | %s | %s | %s |\n' "$1" "$rps" \
    "$([ "$2" = "$3" ] && echo 1.00 || echo "$r")" "$(ms "$(field "$2" p50_us)")" "$(ms "$(field "$2" p90_us)")" \
    "$(ms "$(field "$2" p99_us)")" "$(ms "$(field "$2" p999_us)")" "$(errors_of "$2")" "$target_text"
}

cat <<EOF
### HTTP: one node against nginx (wrk)

- Command: \`bench/http-wrk.sh -t $threads -c $connections -d $duration -w $warmup -k $keys\`
  (each row: \`wrk -t$threads -c$connections -d$duration --latency -s bench/<script>\` after a $warmup warm-up)
- Date: $(date -u +%Y-%m-%dT%H:%MZ); machine: $(nproc) cores, $(awk '/MemTotal/ { printf "%.0f GiB", $2 / 1048576 }' /proc/meminfo);
  $(wrk -v 2>&1 | head -n 1 | cut -d' ' -f1-2), nginx $("$nginx_bin" -v 2>&1 | sed 's/.*nginx\///'); wrk, nginx and the node share the machine
- Node: \`bin/corecache server\`, defaults but for CORECACHE_DURABILITY; JVM $interval_java
  ($("$interval_java" -version 2>&1 | head -n 1))
- Values 100 bytes; GET reads random keys among $keys preloaded ones; PUT writes random new keys

| target | req/s | x nginx | p50 ms | p90 ms | p99 ms | p99.9 ms | errors | goal |
| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |
$(row "nginx, GET" nginx-get nginx-get "")
$(row "node, GET (interval)" node-get nginx-get 0.6)
$(row "nginx, PUT" nginx-put nginx-put "")
$(row "node, PUT interval" node-put-interval nginx-put 0.4)
$(row "node, PUT sync" node-put-sync nginx-put "")
EOF
if [ "$nodes" -gt 1 ]; then
  row "cluster of $nodes, GET (interval), load spread over the nodes" cluster-get nginx-get ""
  row "cluster of $nodes, PUT interval, load spread over the nodes" cluster-put-interval nginx-put ""
fi
