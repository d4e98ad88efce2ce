#!/usr/bin/env bash
# Proves docker/Dockerfile and docker/docker-compose.yml on this machine, with no image registry needed:
#
#   1. installs docker.io, docker-compose and debootstrap with apt when they are missing;
#   2. starts a Docker engine (dockerd --iptables=false --bridge=none) when none answers, and stops it at the
#      end; an engine that was already running is used and left running;
#   3. builds the base image corecache-base:bookworm-jre17 from debootstrap (Debian 12 minbase + JRE 17 +
#      curl), or reuses it when that tag exists;
#   4. builds target/corecache.jar when it is missing or older than the sources, then the CoreCache image;
#   5. one node alone (host network, loopback ports): ready, healthy, a write and a read, and `docker stop`
#      is a graceful shutdown (exit 143, "clean shutdown" logged);
#   6. the 3-node compose cluster on free loopback ports: every node ready and healthy; one cluster (each
#      node sees the same 3 members Up, and GET /v1/cluster the same coordinator with every partition
#      placed on one of the three); keys written through every node read back through every node; a delete
#      seen by every node; graceful stop of all three; started again on the same volumes, every key is there;
#   7. tears down everything it made (containers, network, volumes, temporary files), even on failure.
#
# Every wait is bounded. Prints each check; exits 0 only if all passed. Run as root (apt, dockerd,
# debootstrap). Runs are serialized by a lock, because they may share the engine this script starts.
#
# Environment (all optional):
#   CORECACHE_BASE_IMAGE     base image for the CoreCache image (default corecache-base:bookworm-jre17, built
#                            here when missing; any other image must be present or pullable)
#   CORECACHE_TEST_IMAGE     tag of the CoreCache image built here (default corecache:test)
#   CORECACHE_DEBIAN_MIRROR  Debian mirror for debootstrap and apt (default http://deb.debian.org/debian)
#   CORECACHE_TEST_KEEP_LOGS directory to copy the nodes' logs to before teardown
set -euo pipefail

here="$(cd -P "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd -P "$here/.." && pwd)"
compose_file="$here/docker-compose.yml"

base_image="${CORECACHE_BASE_IMAGE:-corecache-base:bookworm-jre17}"
default_base="corecache-base:bookworm-jre17"
rootfs_image="corecache-base:bookworm-rootfs"
image="${CORECACHE_TEST_IMAGE:-corecache:test}"
mirror="${CORECACHE_DEBIAN_MIRROR:-http://deb.debian.org/debian}"
project="corecache-test-$$"
single="corecache-test-$$-single"
run_id="$(date +%s)-$$"
lock_file="/run/lock/corecache-docker-test.lock"
dockerd_log="/var/log/corecache-docker-test-dockerd.log"
started=$SECONDS

# Docker 20.10's classic builder: a newer CLI without the buildx plugin cannot use BuildKit, and the
# classic builder behaves the same with either.
export DOCKER_BUILDKIT=0
export COMPOSE_DOCKER_CLI_BUILD=0

log() { printf '[docker-test %4ds] %s\n' "$((SECONDS - started))" "$*"; }
pass() { log "PASS $*"; }
fail() { log "FAIL $*"; exit 1; }

# ---------------------------------------------------------------------------------------------------------
# Teardown: everything this run made, in reverse order, whatever happened. Each step is bounded and may fail
# without stopping the others.

tmp=""
dockerd_pid=""
compose_up=0
single_up=0
compose=()

teardown() {
  local status=$?
  set +e
  trap - EXIT INT TERM
  if [ "$status" -ne 0 ]; then
    log "failed (exit $status); node logs follow"
    [ "$single_up" = 1 ] && timeout 20 docker logs --tail 40 "$single" 2>&1 | sed 's/^/  single | /'
    [ "$compose_up" = 1 ] && timeout 30 "${compose[@]}" logs --no-color --tail 60 2>&1 | sed 's/^/  /'
  fi
  if [ -n "${CORECACHE_TEST_KEEP_LOGS:-}" ]; then
    mkdir -p "$CORECACHE_TEST_KEEP_LOGS"
    [ "$single_up" = 1 ] && timeout 20 docker logs "$single" >"$CORECACHE_TEST_KEEP_LOGS/single.log" 2>&1
    [ "$compose_up" = 1 ] && timeout 30 "${compose[@]}" logs --no-color >"$CORECACHE_TEST_KEEP_LOGS/cluster.log" 2>&1
  fi
  if [ "$single_up" = 1 ]; then
    log "teardown: removing container $single and its volume"
    timeout 60 docker rm -f -v "$single" >/dev/null 2>&1
  fi
  if [ "$compose_up" = 1 ]; then
    log "teardown: compose down (containers, network, volumes) for project $project"
    timeout 120 "${compose[@]}" down --volumes --remove-orphans --timeout 30 >/dev/null 2>&1 \
      || log "teardown: compose down failed; see: docker ps -a --filter label=com.docker.compose.project=$project"
  fi
  if [ -n "$tmp" ] && [ -d "$tmp" ]; then
    # debootstrap mounts /proc and /sys inside the root it builds; never delete through a mount.
    awk -v t="$tmp/" 'index($2, t) == 1 { print $2 }' /proc/mounts | sort -r | while read -r m; do
      umount -l "$m"
    done
    rm -rf --one-file-system "$tmp"
  fi
  if [ -n "$dockerd_pid" ]; then
    log "teardown: stopping the Docker engine this run started (pid $dockerd_pid)"
    kill -TERM "$dockerd_pid" 2>/dev/null
    for _ in $(seq 1 60); do
      kill -0 "$dockerd_pid" 2>/dev/null || break
      sleep 0.5
    done
    if kill -0 "$dockerd_pid" 2>/dev/null; then
      log "teardown: dockerd did not stop in 30 s; killing it"
      kill -KILL "$dockerd_pid" 2>/dev/null
    fi
  fi
  if [ "$status" -eq 0 ]; then
    log "all checks passed in $((SECONDS - started)) s"
  fi
  exit "$status"
}
trap teardown EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# ---------------------------------------------------------------------------------------------------------
# One run at a time: runs share the engine, and the first one would stop it under the second.

exec 8>"$lock_file"
if ! flock -w 1800 8; then
  fail "another docker/test.sh still holds $lock_file after 30 minutes"
fi

# ---------------------------------------------------------------------------------------------------------
# Tools

need=()
command -v dockerd >/dev/null 2>&1 || need+=(docker.io)
command -v docker >/dev/null 2>&1 || need+=(docker.io)
command -v docker-compose >/dev/null 2>&1 || need+=(docker-compose)
command -v debootstrap >/dev/null 2>&1 || need+=(debootstrap)
command -v curl >/dev/null 2>&1 || need+=(curl)
command -v redis-cli >/dev/null 2>&1 || need+=(redis-tools)
command -v python3 >/dev/null 2>&1 || need+=(python3)
if [ ${#need[@]} -gt 0 ]; then
  [ "$(id -u)" -eq 0 ] || fail "missing ${need[*]}; run as root to install them"
  log "installing with apt: $(printf '%s\n' "${need[@]}" | sort -u | tr '\n' ' ')"
  timeout 300 apt-get update -qq
  # shellcheck disable=SC2046
  DEBIAN_FRONTEND=noninteractive timeout 900 apt-get install -y -qq $(printf '%s\n' "${need[@]}" | sort -u) >/dev/null
fi
compose=(docker-compose -p "$project" -f "$compose_file")
log "tools: $(docker --version), $(docker-compose version --short 2>/dev/null || echo '?') (docker-compose)"

# ---------------------------------------------------------------------------------------------------------
# The engine

engine_answers() { timeout 15 docker info >/dev/null 2>&1; }

if engine_answers; then
  log "engine: using the running Docker engine ($(docker version --format '{{.Server.Version}}' 2>/dev/null))"
else
  [ "$(id -u)" -eq 0 ] || fail "no Docker engine answers, and starting one needs root"
  if [ -S /var/run/docker.sock ] && pgrep -x dockerd >/dev/null 2>&1; then
    fail "a dockerd runs but does not answer on /var/run/docker.sock; not starting a second one"
  fi
  log "engine: none answers; starting dockerd --iptables=false --bridge=none (log: $dockerd_log)"
  # No iptables rules, no default bridge and no IP forwarding: the engine changes nothing in the host's
  # firewall or routing. Containers use user-defined networks; published ports go through docker-proxy.
  dockerd --iptables=false --ip-forward=false --ip-masq=false --bridge=none \
    >>"$dockerd_log" 2>&1 </dev/null &
  dockerd_pid=$!
  for _ in $(seq 1 60); do
    engine_answers && break
    kill -0 "$dockerd_pid" 2>/dev/null || { tail -20 "$dockerd_log"; dockerd_pid=""; fail "dockerd exited at start"; }
    sleep 1
  done
  engine_answers || { tail -20 "$dockerd_log"; fail "dockerd did not answer within 60 s"; }
  log "engine: dockerd $(docker version --format '{{.Server.Version}}') is up (pid $dockerd_pid)"
fi

tmp="$(mktemp -d /var/tmp/corecache-docker-test.XXXXXX)"

# ---------------------------------------------------------------------------------------------------------
# The base image: Debian from debootstrap, with a JRE. Built once; later runs reuse the tag.

if docker image inspect "$base_image" >/dev/null 2>&1; then
  log "base image: reusing $base_image"
elif [ "$base_image" != "$default_base" ]; then
  log "base image: $base_image is not here; docker build will pull it"
else
  [ "$(id -u)" -eq 0 ] || fail "building $base_image with debootstrap needs root"
  log "base image: building $base_image (debootstrap bookworm minbase from $mirror) ..."
  t0=$SECONDS
  timeout 900 debootstrap --variant=minbase bookworm "$tmp/rootfs" "$mirror" >"$tmp/debootstrap.log" 2>&1 \
    || { tail -20 "$tmp/debootstrap.log"; fail "debootstrap failed"; }
  rm -rf "$tmp/rootfs/var/cache/apt/archives/"*.deb "$tmp/rootfs/var/lib/apt/lists/"*
  timeout 300 tar -C "$tmp/rootfs" --numeric-owner -c . | timeout 300 docker import - "$rootfs_image" >/dev/null
  rm -rf --one-file-system "$tmp/rootfs"
  log "base image: rootfs imported as $rootfs_image after $((SECONDS - t0)) s; installing the JRE"
  mkdir -p "$tmp/base-context"
  timeout 900 docker build --network host --pull=false -q -f "$here/Dockerfile.base" \
    --build-arg ROOTFS_IMAGE="$rootfs_image" --build-arg DEBIAN_MIRROR="$mirror" \
    -t "$base_image" "$tmp/base-context" >/dev/null || fail "building $base_image failed"
  # The rootfs stays as the base's parent layer; only its tag goes.
  docker rmi "$rootfs_image" >/dev/null 2>&1 || true
  log "base image: $base_image built in $((SECONDS - t0)) s"
fi

# ---------------------------------------------------------------------------------------------------------
# The jar and the CoreCache image

jar="$root/target/corecache.jar"
if [ ! -f "$jar" ] || [ "$root/pom.xml" -nt "$jar" ] \
    || [ -n "$(find "$root/src/main" -newer "$jar" -print -quit 2>/dev/null)" ]; then
  log "jar: building $jar (mvn -B -q -DskipTests package)"
  (cd "$root" && timeout 900 mvn -B -q -DskipTests package) || fail "the Maven build failed"
else
  log "jar: $jar is up to date"
fi

# The build context holds only the jar, so nothing else of the repository is sent to the engine.
mkdir -p "$tmp/context"
ln "$jar" "$tmp/context/corecache.jar" 2>/dev/null || cp "$jar" "$tmp/context/corecache.jar"
old_image_id="$(docker image inspect --format '{{.Id}}' "$image" 2>/dev/null || true)"
t0=$SECONDS
timeout 600 docker build --pull=false -q -f "$here/Dockerfile" --build-arg BASE_IMAGE="$base_image" \
  -t "$image" "$tmp/context" >/dev/null || fail "building $image failed"
new_image_id="$(docker image inspect --format '{{.Id}}' "$image")"
if [ -n "$old_image_id" ] && [ "$old_image_id" != "$new_image_id" ]; then
  docker rmi "$old_image_id" >/dev/null 2>&1 || true   # the previous run's image, now untagged
fi
log "image: $image built in $((SECONDS - t0)) s from $base_image"

# ---------------------------------------------------------------------------------------------------------
# Helpers

# N free TCP ports on 127.0.0.1, all held open until all are chosen, so they are distinct.
free_ports() {
  python3 - "$1" <<'EOF'
import socket, sys
held = []
for _ in range(int(sys.argv[1])):
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    held.append(s)
print(" ".join(str(s.getsockname()[1]) for s in held))
EOF
}

# wait_ready NAME PORT SECONDS: /ready on 127.0.0.1:PORT answers 200 within SECONDS.
wait_ready() {
  local name="$1" port="$2" limit="$3" t0=$SECONDS
  while [ $((SECONDS - t0)) -lt "$limit" ]; do
    if curl -fsS -m 2 -o /dev/null "http://127.0.0.1:$port/ready" 2>/dev/null; then
      pass "$name ready (/ready 200 on 127.0.0.1:$port) after $((SECONDS - t0)) s"
      return 0
    fi
    sleep 1
  done
  fail "$name not ready on 127.0.0.1:$port within $limit s: $(curl -sS -m 2 "http://127.0.0.1:$port/ready" 2>&1 | head -c 300)"
}

# wait_healthy CONTAINER SECONDS: Docker's HEALTHCHECK (the image's /ready probe) reports healthy.
wait_healthy() {
  local container="$1" limit="$2" t0=$SECONDS status=""
  while [ $((SECONDS - t0)) -lt "$limit" ]; do
    status="$(docker inspect --format '{{if .State.Health}}{{.State.Health.Status}}{{else}}none{{end}}' "$container" 2>/dev/null || true)"
    if [ "$status" = healthy ]; then
      pass "$container healthy (image HEALTHCHECK)"
      return 0
    fi
    sleep 1
  done
  fail "$container not healthy within $limit s (status: ${status:-unknown})"
}

# put PORT KEY VALUE / get PORT KEY: the HTTP API on 127.0.0.1:PORT.
put() {
  local code
  code="$(curl -sS -m 10 -o "$tmp/put.out" -w '%{http_code}' -X PUT --data-binary "$3" \
    "http://127.0.0.1:$1/v1/kv/$2")" || fail "PUT $2 via :$1: curl failed"
  case "$code" in
    200|201|204) ;;
    *) fail "PUT $2 via :$1 answered $code: $(head -c 300 "$tmp/put.out")" ;;
  esac
}
get() {
  curl -sS -m 10 -o "$tmp/get.out" -w '%{http_code}' "http://127.0.0.1:$1/v1/kv/$2" || echo "curl-failed"
}

# graceful_stop CONTAINER: docker stop delivers SIGTERM to the JVM, which shuts down cleanly (exit 143).
check_graceful_exit() {
  local container="$1" code
  code="$(docker inspect --format '{{.State.ExitCode}}' "$container")"
  [ "$code" = 143 ] || fail "$container exited $code after SIGTERM, expected 143 (graceful shutdown)"
  # Through a file: `docker logs | grep -q` fails under pipefail when grep stops reading early (SIGPIPE).
  timeout 20 docker logs "$container" >"$tmp/stopped.log" 2>&1 || fail "docker logs $container failed"
  grep -q 'clean shutdown' "$tmp/stopped.log" || fail "$container logged no 'clean shutdown' after SIGTERM"
  pass "$container stopped gracefully (exit 143, 'clean shutdown' logged)"
}

# ---------------------------------------------------------------------------------------------------------
# 1. One node alone: the image by itself, on the host's loopback (host network, as a single node would run
#    without compose).

read -r s_http s_mgmt s_remote s_resp <<<"$(free_ports 4)"
log "single node: starting $single (host network; HTTP :$s_http, management :$s_mgmt, remoting :$s_remote, Redis :$s_resp)"
timeout 60 docker run -d --name "$single" --network host \
  -e CORECACHE_HTTP="127.0.0.1:$s_http" -e CORECACHE_MANAGEMENT="127.0.0.1:$s_mgmt" -e CORECACHE_RESP="127.0.0.1:$s_resp" \
  -e CORECACHE_REMOTE="127.0.0.1:$s_remote" -e CORECACHE_PARTITIONS=8 \
  "$image" >/dev/null
single_up=1
wait_ready "$single" "$s_mgmt" 120
user="$(docker exec "$single" id -un)"
[ "$user" = corecache ] || fail "$single runs as '$user', expected the unprivileged user corecache"
pass "$single runs as user $user"
put "$s_http" "single-$run_id" "value-$run_id"
code="$(get "$s_http" "single-$run_id")"
[ "$code" = 200 ] || fail "$single: GET answered $code: $(head -c 300 "$tmp/get.out")"
[ "$(cat "$tmp/get.out")" = "value-$run_id" ] || fail "$single: GET returned '$(head -c 100 "$tmp/get.out")'"
pass "$single: PUT then GET returns the value"
[ "$(timeout 10 redis-cli -h 127.0.0.1 -p "$s_resp" GET "single-$run_id")" = "value-$run_id" ] \
  || fail "$single: redis-cli GET did not return the value written through HTTP"
pass "$single: redis-cli GET returns it through the Redis protocol"
wait_healthy "$single" 40
timeout 60 docker stop -t 30 "$single" >/dev/null
check_graceful_exit "$single"
timeout 60 docker rm -v "$single" >/dev/null
single_up=0

# ---------------------------------------------------------------------------------------------------------
# 2. The 3-node cluster from docker-compose.yml, on free loopback ports.

read -r h1 h2 h3 m1 m2 m3 r1 r2 r3 <<<"$(free_ports 9)"
http_ports=("$h1" "$h2" "$h3")
mgmt_ports=("$m1" "$m2" "$m3")
resp_ports=("$r1" "$r2" "$r3")
export CORECACHE_IMAGE="$image" CORECACHE_PUBLISH_HOST=127.0.0.1 \
  CORECACHE_NODE1_HTTP="$h1" CORECACHE_NODE2_HTTP="$h2" CORECACHE_NODE3_HTTP="$h3" \
  CORECACHE_NODE1_MGMT="$m1" CORECACHE_NODE2_MGMT="$m2" CORECACHE_NODE3_MGMT="$m3" \
  CORECACHE_NODE1_RESP="$r1" CORECACHE_NODE2_RESP="$r2" CORECACHE_NODE3_RESP="$r3"
log "cluster: compose project $project; HTTP 127.0.0.1:{$h1,$h2,$h3}, management 127.0.0.1:{$m1,$m2,$m3}"
compose_up=1
timeout 180 "${compose[@]}" up -d --no-build >"$tmp/compose-up.log" 2>&1 \
  || { cat "$tmp/compose-up.log"; fail "docker-compose up failed"; }

# Container names as compose made them (project_service_1 with compose 1, project-service-1 with 2).
containers=()
for n in 1 2 3; do
  c="$(timeout 30 "${compose[@]}" ps -q "node$n")"
  [ -n "$c" ] || fail "no container for node$n"
  containers+=("$(docker inspect --format '{{.Name}}' "$c" | sed 's|^/||')")
done

for i in 0 1 2; do
  wait_ready "node$((i + 1))" "${mgmt_ports[$i]}" 180
done

# One cluster: every node sees the same three members, all Up. Membership converges shortly after /ready,
# so this is polled (bounded).
members_of() {
  curl -fsS -m 5 "http://127.0.0.1:$1/cluster/members" 2>/dev/null | python3 -c '
import json, sys
try:
    m = json.load(sys.stdin)["members"]
except Exception:
    print("unreadable"); sys.exit(0)
print(" ".join(sorted(x["node"] + "=" + x["status"] for x in m)))'
}
t0=$SECONDS
while :; do
  views=()
  for i in 0 1 2; do views+=("$(members_of "${mgmt_ports[$i]}")"); done
  all_up=1
  for v in "${views[@]}"; do
    [ "$(wc -w <<<"$v")" = 3 ] && [ "$(grep -o '=Up' <<<"$v" | wc -l)" = 3 ] || all_up=0
  done
  if [ "$all_up" = 1 ] && [ "${views[0]}" = "${views[1]}" ] && [ "${views[0]}" = "${views[2]}" ]; then
    pass "one cluster: every node sees the same 3 members Up: ${views[0]}"
    break
  fi
  if [ $((SECONDS - t0)) -ge 90 ]; then
    for i in 0 1 2; do log "node$((i + 1)) sees: ${views[$i]:-nothing}"; done
    fail "the nodes did not form one cluster of 3 members Up within 90 s"
  fi
  sleep 2
done

# The cluster's own view (GET /v1/cluster) from every node: the same cluster and coordinator everywhere,
# three nodes Up and reachable, each holding some of the partitions, every partition placed and serving.
# Prints one summary line, preceded by one PROBLEM line per thing that is not so.
cluster_view() {
  python3 - "$@" <<'PY'
import json, sys
want_nodes = 3
problems, summary = [], None
for i, path in enumerate(sys.argv[1:], 1):
    try:
        with open(path) as f:
            v = json.load(f)
    except Exception as e:
        problems.append("node%d: unreadable /v1/cluster (%s)" % (i, e))
        continue
    c = v.get("cluster") or {}
    nodes = v.get("nodes") or []
    parts = v.get("partitions") or []
    p = (v.get("node") or {}).get("partitions")
    per_node = {n.get("id"): n.get("partitions", 0) for n in nodes}
    line = "cluster %s, coordinator %s, partitions per node: %s" % (
        c.get("id"), c.get("coordinator"), " ".join("%s=%s" % kv for kv in sorted(per_node.items())))
    if summary is None:
        summary = line
    elif line != summary:
        problems.append("node%d sees [%s]; node1 sees [%s]" % (i, line, summary))
    if c.get("id") is None or c.get("coordinator") is None:
        problems.append("node%d: no cluster id or coordinator" % i)
    up = [n for n in nodes if n.get("status") == "up" and n.get("reachable")]
    if len(nodes) != want_nodes or len(up) != want_nodes:
        problems.append("node%d: %d nodes, %d up and reachable; expected %d" % (i, len(nodes), len(up), want_nodes))
    if any(n.get("partitions", 0) < 1 for n in nodes):
        problems.append("node%d: a node holds no partitions: %s" % (i, per_node))
    if sum(per_node.values()) != p:
        problems.append("node%d: partitions held add up to %d, not %s" % (i, sum(per_node.values()), p))
    bad = [r.get("partition") for r in parts if r.get("status") != "serving" or not r.get("node")]
    if len(parts) != p or bad:
        problems.append("node%d: %d partition rows of %s; not serving or unplaced: %s" % (i, len(parts), p, bad[:10]))
for line in problems:
    print("PROBLEM " + line)
print(summary)
PY
}
# wait_cluster_view: polls (bounded) until cluster_view finds no problem; leaves its summary in $view.
wait_cluster_view() {
  local t0=$SECONDS i
  while :; do
    for i in 0 1 2; do
      curl -fsS -m 10 "http://127.0.0.1:${http_ports[$i]}/v1/cluster" >"$tmp/cluster-$i.json" 2>/dev/null \
        || echo '{}' >"$tmp/cluster-$i.json"
    done
    view="$(cluster_view "$tmp"/cluster-{0,1,2}.json 2>&1 || echo "PROBLEM the checker failed")"
    grep -q '^PROBLEM' <<<"$view" || return 0
    if [ $((SECONDS - t0)) -ge 60 ]; then
      printf '%s\n' "$view" | sed 's/^/  /'
      fail "GET /v1/cluster did not show one cluster of 3 nodes with every partition placed within 60 s"
    fi
    sleep 2
  done
}
wait_cluster_view
first_view="$view"
pass "GET /v1/cluster agrees on every node: $view"

# Reads and writes through every node: 10 keys written through each, every key read back through each.
keys=()
for i in 0 1 2; do
  for k in $(seq 1 10); do
    key="docker-$run_id-n$((i + 1))-$k"
    put "${http_ports[$i]}" "$key" "v-$key"
    keys+=("$key")
  done
done
pass "wrote ${#keys[@]} keys, 10 through each node"
for i in 0 1 2; do
  for key in "${keys[@]}"; do
    code="$(get "${http_ports[$i]}" "$key")"
    [ "$code" = 200 ] || fail "GET $key via node$((i + 1)) answered $code: $(head -c 300 "$tmp/get.out")"
    [ "$(cat "$tmp/get.out")" = "v-$key" ] || fail "GET $key via node$((i + 1)) returned '$(head -c 100 "$tmp/get.out")'"
  done
  pass "node$((i + 1)) reads all ${#keys[@]} keys with the values written"
done
# A delete through one node is seen through all.
gone="${keys[0]}"
code="$(curl -sS -m 10 -o /dev/null -w '%{http_code}' -X DELETE "http://127.0.0.1:${http_ports[1]}/v1/kv/$gone")"
case "$code" in 200|204) ;; *) fail "DELETE $gone via node2 answered $code" ;; esac
for i in 0 1 2; do
  code="$(get "${http_ports[$i]}" "$gone")"
  [ "$code" = 404 ] || fail "GET of deleted $gone via node$((i + 1)) answered $code, expected 404"
done
pass "a key deleted through node2 is gone (404) through every node"
# The Redis protocol on every node: INCR through each, the total read through each.
for i in 0 1 2; do
  timeout 10 redis-cli -h 127.0.0.1 -p "${resp_ports[$i]}" INCRBY "docker-$run_id-counter" 5 >/dev/null \
    || fail "redis-cli INCRBY via node$((i + 1)) failed"
done
for i in 0 1 2; do
  got="$(timeout 10 redis-cli -h 127.0.0.1 -p "${resp_ports[$i]}" GET "docker-$run_id-counter")"
  [ "$got" = 15 ] || fail "redis-cli GET via node$((i + 1)) returned '$got', expected 15"
done
pass "redis-cli: INCRBY 5 through each node, 15 read through every node"

# The keys live on several nodes, so the reads above were routed between containers.
curl -fsS -m 10 "http://127.0.0.1:$h1/v1/cluster" >"$tmp/cluster-keys.json" || fail "GET /v1/cluster via node1 failed"
spread="$(python3 -c '
import collections, json, sys
keys = collections.Counter()
for r in json.load(open(sys.argv[1])).get("partitions", []):
    keys[r.get("node")] += r.get("keys", 0)
print(" ".join("%s=%d" % kv for kv in sorted(keys.items()) if kv[1] > 0))' "$tmp/cluster-keys.json")"
[ "$(wc -w <<<"$spread")" -ge 2 ] || fail "the keys written are all on one node ($spread); nothing was routed"
pass "keys per node (from /v1/cluster): $spread"

for c in "${containers[@]}"; do wait_healthy "$c" 60; done

# Graceful stop of the whole cluster, then a start of the same containers on the same named volumes:
# every key is still there.
timeout 120 "${compose[@]}" stop --timeout 30 >/dev/null 2>&1 || fail "docker-compose stop failed"
for c in "${containers[@]}"; do check_graceful_exit "$c"; done

log "cluster: starting the same three containers again (same named volumes)"
timeout 120 "${compose[@]}" start >"$tmp/compose-start.log" 2>&1 \
  || { cat "$tmp/compose-start.log"; fail "docker-compose start failed"; }
for i in 0 1 2; do
  wait_ready "node$((i + 1))" "${mgmt_ports[$i]}" 180
done
for i in 0 1 2; do
  for key in "${keys[@]:1}"; do
    code="$(get "${http_ports[$i]}" "$key")"
    [ "$code" = 200 ] || fail "after the restart, GET $key via node$((i + 1)) answered $code: $(head -c 300 "$tmp/get.out")"
    [ "$(cat "$tmp/get.out")" = "v-$key" ] \
      || fail "after the restart, GET $key via node$((i + 1)) returned '$(head -c 100 "$tmp/get.out")'"
  done
  code="$(get "${http_ports[$i]}" "$gone")"
  [ "$code" = 404 ] || fail "after the restart, the deleted $gone via node$((i + 1)) answered $code, expected 404"
done
wait_cluster_view
# The coordinator may come back on another node; the cluster and its placement may not change.
# shellcheck disable=SC2001
no_coordinator() { sed 's/, coordinator [^,]*,/,/' <<<"$1"; }
[ "$(no_coordinator "$view")" = "$(no_coordinator "$first_view")" ] \
  || fail "after the restart /v1/cluster shows [$view]; before it [$first_view]"
pass "after the restart, the same cluster and placement: $view"
pass "after a restart of the whole cluster every node reads all $((${#keys[@]} - 1)) keys; the deleted one stays deleted"

log "cluster: all checks passed"
