#!/usr/bin/env bash
# Redis-protocol throughput of one CoreCache node against redis-server, in one run, with the same
# redis-benchmark settings for both (issue 10).
#
#   redis-benchmark -t set,get -c CLIENTS -n REQUESTS --csv          (no pipelining)
#   redis-benchmark -t set,get -c CLIENTS -n REQUESTS --csv -P 16    (16 commands in flight per connection)
#
# redis-server runs with appendonly yes, appendfsync everysec (save "") and the node with durability
# interval: both write every change to a log and sync it about once a second. Each configuration is run
# against Redis and against the node alternately (ROUNDS times, Redis first in odd rounds, the node first in
# even ones), so a change in the machine's load shows in neighbouring figures rather than in one target; with
# several rounds the table shows each target's median round. Targets (issue 10): >= 0.8x Redis without
# pipelining, >= 0.5x with -P 16.
#
# redis-benchmark without -r uses one key for every request ("key:__rand_int__", never substituted), so all
# SETs go to one key and thus one partition of the node; -k KEYSPACE passes -r KEYSPACE to spread them.
#
# Usage: bench/resp-benchmark.sh [-n REQUESTS] [-c CLIENTS] [-r ROUNDS] [-w WARMUP] [-k KEYSPACE]
#                                [-j JAVA_HOME] [-C CONFIG_FILE]
#   defaults: -n 1000000 -c 50 -r 1 -w 300000 (warm-up requests per test, SET and GET, both configurations)
#   -j JAVA_HOME   the JDK to run the node on (default: $JAVA_HOME if set, else the launcher's choice: the
#                  newest JDK under /usr/lib/jvm); passed to bin/corecache as CORECACHE_JAVA
#   -C FILE        a settings file for the node (bin/corecache server --config FILE)
#   CORECACHE_JAVA_OPTS in the environment is passed on to the node's JVM (e.g. -Dpekko.io.tcp...=...).
# Builds the jar if needed (bin/corecache does). Starts redis-server and the node on free loopback ports with
# temporary directories, and stops and removes everything it started on exit, even on Ctrl-C.
# Progress goes to stderr; the results, as markdown, to stdout.
set -euo pipefail

requests=1000000
clients=50
rounds=1
warmup=300000
keyspace=""
java_home="${JAVA_HOME:-}"
config_file=""
while getopts "n:c:r:w:k:j:C:h" opt; do
  case "$opt" in
    n) requests="$OPTARG" ;;
    c) clients="$OPTARG" ;;
    r) rounds="$OPTARG" ;;
    w) warmup="$OPTARG" ;;
    k) keyspace="$OPTARG" ;;
    j) java_home="$OPTARG" ;;
    C) config_file="$(cd "$(dirname "$OPTARG")" && pwd)/$(basename "$OPTARG")" ;;
    *) sed -n '2,/^set -euo/p' "$0" | sed '$d' >&2; exit 2 ;;
  esac
done
for v in "$requests" "$clients" "$rounds" "$warmup"; do
  case "$v" in ''|*[!0-9]*) echo "resp-benchmark: -n, -c, -r and -w take whole numbers" >&2; exit 2 ;; esac
done
if [ "$rounds" -lt 1 ] || [ "$rounds" -gt 50 ]; then echo "resp-benchmark: -r must be 1..50" >&2; exit 2; fi

root="$(cd -P "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# shellcheck source=lib.sh
source "$root/bench/lib.sh"
say() { echo "resp-benchmark: $*" >&2; }
command_line="bench/resp-benchmark.sh $*"

for tool in redis-server redis-benchmark redis-cli curl; do
  command -v "$tool" >/dev/null 2>&1 || { say "$tool is missing (apt-get install redis-server redis-tools curl)"; exit 1; }
done
if [ -n "$java_home" ]; then
  [ -x "$java_home/bin/java" ] || { say "no java at $java_home/bin/java"; exit 1; }
  export CORECACHE_JAVA="$java_home/bin/java"
fi
key_opts=()
[ -n "$keyspace" ] && key_opts=(-r "$keyspace")

# ---- clean-up of everything this script starts --------------------------------------------------------------
work="$(mktemp -d "${TMPDIR:-/tmp}/corecache-resp-bench.XXXXXX")"
redis_pid=""
node_pid=""
cleanup() {
  stop_pid "$node_pid"
  stop_pid "$redis_pid"
  rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM


# ---- redis-server ----------------------------------------------------------------------------------------------
free_port redis_port
mkdir -p "$work/redis"
say "starting redis-server (appendonly yes, appendfsync everysec) on 127.0.0.1:$redis_port"
redis-server --bind 127.0.0.1 --port "$redis_port" --dir "$work/redis" --appendonly yes --appendfsync everysec \
  --save "" --daemonize no --logfile "$work/redis/redis.log" &
redis_pid=$!
for _ in $(seq 1 100); do
  [ "$(redis-cli -h 127.0.0.1 -p "$redis_port" ping 2>/dev/null)" = PONG ] && break
  kill -0 "$redis_pid" 2>/dev/null || break
  sleep 0.1
done
[ "$(redis-cli -h 127.0.0.1 -p "$redis_port" ping 2>/dev/null)" = PONG ] \
  || { say "redis-server did not start:"; cat "$work/redis/redis.log" >&2; exit 1; }

# ---- the node --------------------------------------------------------------------------------------------------
free_port node_http; free_port node_remote; free_port node_management; free_port node_resp
config_args=()
[ -n "$config_file" ] && config_args=(--config "$config_file")
say "starting a node (durability interval) with RESP on 127.0.0.1:$node_resp"
CORECACHE_DURABILITY=interval "$root/bin/corecache" server --data "$work/node/data" \
  --http "127.0.0.1:$node_http" --remote "127.0.0.1:$node_remote" --management "127.0.0.1:$node_management" \
  --resp "127.0.0.1:$node_resp" "${config_args[@]}" >"$work/node.log" 2>&1 &
node_pid=$!
# The first start may build the jar (a few minutes on a cold machine).
for _ in $(seq 1 3000); do
  if ! kill -0 "$node_pid" 2>/dev/null; then say "the node exited:"; cat "$work/node.log" >&2; exit 1; fi
  if curl -sf "http://127.0.0.1:$node_management/ready" >/dev/null 2>&1 \
      && [ "$(redis-cli -h 127.0.0.1 -p "$node_resp" ping 2>/dev/null)" = PONG ]; then
    break
  fi
  sleep 0.1
done
[ "$(redis-cli -h 127.0.0.1 -p "$node_resp" ping 2>/dev/null)" = PONG ] \
  || { say "the node does not answer PING on RESP:"; tail -n 30 "$work/node.log" >&2; exit 1; }
node_java="$(readlink -f "/proc/$node_pid/exe" 2>/dev/null || echo unknown)"
node_java_version="$("$node_java" -version 2>&1 | head -n 1)"
node_jvm_pid="$node_pid" # the launcher execs java, so the launcher's pid is the JVM's
say "node JVM: $node_java ($node_java_version), pid $node_jvm_pid"

# ---- redis-benchmark -------------------------------------------------------------------------------------------
# bench NAME PORT N EXTRA...: redis-benchmark --csv; keeps "TEST,rps,p50,p99" lines in $work/NAME.csv.
bench() {
  local name="$1" port="$2" n="$3"; shift 3
  say "$name: redis-benchmark -p $port -t set,get -c $clients -n $n ${key_opts[*]} $*"
  timeout 1800 redis-benchmark -h 127.0.0.1 -p "$port" -t set,get -c "$clients" -n "$n" "${key_opts[@]}" --csv "$@" \
    >"$work/$name.raw" 2>"$work/$name.err" || { say "$name: redis-benchmark failed:"; cat "$work/$name.err" >&2; exit 1; }
  # "test","rps","avg_latency_ms","min_latency_ms","p50_latency_ms","p95_latency_ms","p99_latency_ms","max_latency_ms"
  tr -d '"' <"$work/$name.raw" | awk -F, '$1 == "SET" || $1 == "GET" { print $1 "," $2 "," $5 "," $7 }' >"$work/$name.csv"
  [ "$(wc -l <"$work/$name.csv")" -eq 2 ] || { say "$name: unexpected output:"; cat "$work/$name.raw" >&2; exit 1; }
  say "$name: $(tr '\n' ' ' <"$work/$name.csv")"
}

say "warm-up: $warmup requests per test against each target, without and with -P 16 (discarded)"
bench warm-redis "$redis_port" "$warmup"
bench warm-node "$node_resp" "$warmup"
bench warm-node-p "$node_resp" "$warmup" -P 16

configs=("plain" "p16")
declare -A config_args_of=([plain]="" [p16]="-P 16")
for round in $(seq 1 "$rounds"); do
  for config in "${configs[@]}"; do
    # shellcheck disable=SC2206
    extra=(${config_args_of[$config]})
    if [ $((round % 2)) -eq 1 ]; then order=(redis node); else order=(node redis); fi
    for target in "${order[@]}"; do
      if [ "$target" = redis ]; then port="$redis_port"; else port="$node_resp"; fi
      bench "$target-$config-$round" "$port" "$requests" "${extra[@]}"
    done
  done
done

# ---- report ----------------------------------------------------------------------------------------------------
# median TARGET CONFIG TEST: "rps,p50,p99" of the round with the median rps for that test.
median() {
  cat "$work/$1-$2-"*.csv | awk -F, -v t="$3" '$1 == t { print $2 "," $3 "," $4 }' | sort -t, -k1,1g \
    | awk -v n="$rounds" 'NR == int((n + 1) / 2) { print; exit }'
}
verdict() { awk -v r="$1" -v t="$2" 'BEGIN { print (r >= t ? "met" : "NOT met") }'; }
rows() {
  local config test redis node r target label
  for config in "${configs[@]}"; do
    if [ "$config" = plain ]; then target=0.8; label="no pipelining"; else target=0.5; label="-P 16"; fi
    for test in SET GET; do
      redis="$(median redis "$config" "$test")"
      node="$(median node "$config" "$test")"
      r="$(awk -v a="${node%%,*}" -v b="${redis%%,*}" 'BEGIN { printf "%.2f", a / b }')"
      IFS=, read -r rr rp50 rp99 <<<"$redis"
      IFS=, read -r nr np50 np99 <<<"$node"
      printf '| %s, %s | %.0f | %.0f | %s | %s | %s | %s | %s | >= %sx: %s |\n' "$test" "$label" "$rr" "$nr" "$r" \
        "$rp50" "$rp99" "$np50" "$np99" "$target" "$(verdict "$r" "$target")"
    done
  done
}
commit="$(git -C "$root" rev-parse --short HEAD 2>/dev/null || echo unknown)"
if [ -n "$(git -C "$root" status --porcelain --untracked-files=no 2>/dev/null)" ]; then commit="$commit (with local changes)"; fi
keys_text="one key for every request (no -r)"
[ -n "$keyspace" ] && keys_text="random keys among $keyspace (-r $keyspace)"

cat <<EOF
### RESP: one node against redis-server (redis-benchmark)

- Command: \`$command_line\` ($rounds round(s)$([ "$rounds" -gt 1 ] && echo ", median round shown"))
  (each row: \`redis-benchmark -t set,get -c $clients -n $requests${keyspace:+ -r $keyspace} --csv [-P 16]\`, Redis and the node alternately, after $warmup warm-up requests)
- Date: $(date -u +%Y-%m-%dT%H:%MZ); machine: $(nproc) cores, $(awk '/MemTotal/ { printf "%.0f GiB", $2 / 1048576 }' /proc/meminfo), load average $(cut -d' ' -f1-3 /proc/loadavg) at the end; redis-benchmark, Redis and the node share the machine
- Commit: $commit
- Redis: $(redis-server --version | sed 's/ sha=.*//'), appendonly yes, appendfsync everysec, save ""
- Node: \`bin/corecache server\`, CORECACHE_DURABILITY=interval${config_file:+, --config $config_file}; JVM $node_java ($node_java_version)${CORECACHE_JAVA_OPTS:+; CORECACHE_JAVA_OPTS=\`$CORECACHE_JAVA_OPTS\`}
- Keys: $keys_text; values 3 bytes (redis-benchmark's default -d 3)

| test | Redis req/s | node req/s | x Redis | Redis p50 ms | Redis p99 ms | node p50 ms | node p99 ms | goal |
| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |
$(rows)
EOF
