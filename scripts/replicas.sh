#!/usr/bin/env bash
# N Patrol Map processes on loopback ports behind HAProxy (Debian's haproxy package), with a cookie
# keeping each user on one replica and websockets passed through; Ctrl-C stops them all.
#   bash scripts/replicas.sh [N]          # default 3 replicas; the proxy on http://127.0.0.1:8500
#   PATROLMAP_ADDRESS      where the proxy listens (default 127.0.0.1; 0.0.0.0 serves the network)
#   PATROLMAP_PROXY_PORT   the proxy's port (default 8500)
#   PATROLMAP_REPLICA_PORT the first replica's port (default 8601; replica k uses 8600+k), loopback only
#   PATROLMAP_RUN_DIR      logs, pid files and the generated haproxy.cfg (default: a new temporary folder)
# The replicas run scripts/serve.sh, the same start command as everywhere else; the proxy runs
# deploy/haproxy.cfg with its server lines written for N.
set -euo pipefail
cd "$(dirname "$0")/.."
REPLICAS="${1:-3}"
PROXY_ADDRESS="${PATROLMAP_ADDRESS:-127.0.0.1}"
PROXY_PORT="${PATROLMAP_PROXY_PORT:-8500}"
FIRST_PORT="${PATROLMAP_REPLICA_PORT:-8601}"
RUN_DIR="${PATROLMAP_RUN_DIR:-$(mktemp -d -t patrolmap-replicas.XXXXXX)}"
mkdir -p "$RUN_DIR"
if ! command -v haproxy >/dev/null 2>&1; then
  echo "replicas.sh: haproxy is not installed (Debian: apt-get install haproxy)" >&2
  exit 1
fi
case "$REPLICAS" in '' | *[!0-9]* | 0) echo "replicas.sh: N must be a whole number >= 1, got '$REPLICAS'" >&2; exit 1 ;; esac

PIDS=()
stop_all() {
  trap - EXIT INT TERM
  [ "${#PIDS[@]}" -gt 0 ] && kill "${PIDS[@]}" 2>/dev/null || true
  wait 2>/dev/null || true
}
trap stop_all EXIT
trap 'exit 130' INT TERM

wait_healthy() {  # url, seconds
  python -c '
import sys, time, urllib.request
url, deadline = sys.argv[1], time.time() + float(sys.argv[2])
while time.time() < deadline:
    try:
        with urllib.request.urlopen(url, timeout=1) as r:
            if r.status == 200:
                sys.exit(0)
    except OSError:
        time.sleep(0.3)
sys.exit(1)' "$1" "$2" || { echo "replicas.sh: $1 did not answer within $2 s (logs in $RUN_DIR)" >&2; exit 1; }
}

SERVERS=""
for k in $(seq 1 "$REPLICAS"); do
  port=$((FIRST_PORT + k - 1))
  PATROLMAP_ADDRESS=127.0.0.1 PATROLMAP_PORT="$port" \
    bash scripts/serve.sh --server.fileWatcherType none >"$RUN_DIR/app$k.log" 2>&1 &
  PIDS+=("$!")
  echo "$!" >"$RUN_DIR/app$k.pid"
  SERVERS+="    server app$k 127.0.0.1:$port cookie app$k\n"
done
awk -v servers="$SERVERS" '/^    server app[0-9]+ /{ if (!done) { printf "%s", servers; done = 1 }; next } { print }' \
  deploy/haproxy.cfg >"$RUN_DIR/haproxy.cfg"
for k in $(seq 1 "$REPLICAS"); do
  wait_healthy "http://127.0.0.1:$((FIRST_PORT + k - 1))/_stcore/health" 90
done

PATROLMAP_PROXY_BIND="$PROXY_ADDRESS:$PROXY_PORT" haproxy -db -f "$RUN_DIR/haproxy.cfg" >"$RUN_DIR/haproxy.log" 2>&1 &
PROXY_PID="$!"
PIDS+=("$PROXY_PID")
echo "$PROXY_PID" >"$RUN_DIR/haproxy.pid"
case "$PROXY_ADDRESS" in *:*) SHOWN="[$PROXY_ADDRESS]" ;; *) SHOWN="$PROXY_ADDRESS" ;; esac
wait_healthy "http://127.0.0.1:$PROXY_PORT/_stcore/health" 30
echo "Patrol Map: $REPLICAS replicas behind HAProxy on http://$SHOWN:$PROXY_PORT (logs and pids in $RUN_DIR)"
touch "$RUN_DIR/ready"
# Runs until the proxy stops or this script is stopped; a lost replica alone does not stop it.
wait "$PROXY_PID"
