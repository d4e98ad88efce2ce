# Helpers the benchmark scripts share; sourced, not run.

# stop_pid PID: TERM, up to 30 s for a graceful stop, then KILL.
stop_pid() {
  local pid="$1"
  if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then
    kill -TERM "$pid" 2>/dev/null || true
    for _ in $(seq 1 300); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
  fi
}

# free_port VAR: sets VAR to a loopback port nothing listens on, and not one handed out earlier in this run.
taken=" "
free_port() {
  local port
  for _ in $(seq 1 200); do
    port=$((20000 + RANDOM % 40000))
    case "$taken" in *" $port "*) continue ;; esac
    if ! (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
      taken="$taken$port "
      printf -v "$1" '%s' "$port"
      return
    fi
  done
  say "no free port found"; exit 1
}
