#!/usr/bin/env bash
# Starts the app: the one start command for the README, the offline bundle, the container, the
# replicas behind HAProxy and Kubernetes, so what CI tests is what runs in production.
#   PATROLMAP_ADDRESS  interface to listen on (default 127.0.0.1: this machine only;
#                      0.0.0.0 or a LAN address serves the network, see README "Deployment")
#   PATROLMAP_PORT     port (default 8501)
#   PYTHON             interpreter (default: the bundle's .venv if installed there, else python)
# Any further arguments go to `streamlit run` (e.g. --server.fileWatcherType none).
set -euo pipefail
cd "$(dirname "$0")/.."
ADDRESS="${PATROLMAP_ADDRESS:-127.0.0.1}"
PORT="${PATROLMAP_PORT:-8501}"
if [ -z "${PYTHON:-}" ]; then
  if [ -x .venv/bin/python ]; then PYTHON="$(pwd)/.venv/bin/python"; else PYTHON=python; fi
fi
case "$ADDRESS" in
  0.0.0.0 | "::") echo "Patrol Map: serving on every interface, port $PORT (http://<this host>:$PORT); health: /_stcore/health" ;;
  *:*) echo "Patrol Map: serving on http://[$ADDRESS]:$PORT ; health: /_stcore/health" ;;
  *) echo "Patrol Map: serving on http://$ADDRESS:$PORT ; health: /_stcore/health" ;;
esac
# Streamlit's own banner stays hidden: with a wildcard address it asks checkip.amazonaws.com for
# the external IP, an outbound request an offline network must not see.
exec "$PYTHON" -m streamlit run app.py \
  --server.address "$ADDRESS" \
  --server.port "$PORT" \
  --server.headless true \
  --logger.hideWelcomeMessage true \
  --browser.gatherUsageStats false \
  "$@"
