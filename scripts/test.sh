#!/usr/bin/env bash
# Installs what a fresh machine lacks for the tests, then runs them all (browser tests included).
set -euo pipefail
cd "$(dirname "$0")/.."
python -m pip install -q -r requirements-dev.txt
# Debian packages the tests drive: chromium (browser tests), haproxy (its config is checked).
MISSING=()
command -v chromium >/dev/null 2>&1 || MISSING+=(chromium)
command -v haproxy >/dev/null 2>&1 || MISSING+=(haproxy)
if [ "${#MISSING[@]}" -gt 0 ]; then
  if [ "$(id -u)" = 0 ]; then SUDO=""; else SUDO="sudo"; fi
  $SUDO apt-get update -qq
  $SUDO apt-get install -y -qq "${MISSING[@]}" >/dev/null
fi
# The browser tests must run, never skip, wherever this script runs.
export PATROLMAP_REQUIRE_BROWSER=1
python -m pytest "$@"
