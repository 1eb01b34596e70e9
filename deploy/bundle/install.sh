#!/usr/bin/env bash
# Offline install of Patrol Map from this bundle: a virtual environment in .venv, filled from the
# wheels beside this script with the package index switched off. Then: bash scripts/serve.sh
set -euo pipefail
cd "$(dirname "$0")"
PYTHON="${PYTHON:-python3}"
WANT="$(sed -n 's/^python=//p' BUNDLE.txt)"
HAVE="$("$PYTHON" -c 'import sys; print("%d.%d" % sys.version_info[:2])')"
if [ "$WANT" != "$HAVE" ]; then
  echo "install.sh: this bundle's wheels are for Python $WANT, but $PYTHON is Python $HAVE;" \
    "set PYTHON to a Python $WANT interpreter, or build the bundle for $HAVE" >&2
  exit 1
fi
(cd wheels && sha256sum --quiet -c SHA256SUMS)
"$PYTHON" -m venv .venv
# --isolated: no pip config file or PIP_* variable of this machine can add an index or other wheels.
.venv/bin/python -m pip --isolated install -q --no-index --find-links wheels -r requirements.txt
echo "Installed in $(pwd)/.venv. Start the app: bash scripts/serve.sh"
