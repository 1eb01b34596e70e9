#!/usr/bin/env bash
# make bundle: one archive for an air-gapped machine, dist/patrolmap-bundle.tar.gz, holding the app
# and a wheelhouse of every runtime dependency in requirements.txt for this platform and Python.
# On the offline machine: tar xzf patrolmap-bundle.tar.gz && cd patrolmap-bundle && bash install.sh
# && bash scripts/serve.sh. Needs the package index only here, at build time.
#   BUNDLE_DIR       where to write (default dist)
#   BUNDLE_PLATFORM  with BUNDLE_PYTHON, wheels for another target, e.g. manylinux2014_aarch64 and 3.11
#   BUNDLE_PYTHON    (binary wheels only then: a dependency without one for that target fails the build)
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON="${PYTHON:-python}"
OUT="${BUNDLE_DIR:-dist}"
STAGE="$OUT/patrolmap-bundle"
rm -rf "$STAGE" "$OUT/patrolmap-bundle.tar.gz"
mkdir -p "$STAGE/wheels"

if [ -n "${BUNDLE_PLATFORM:-}" ]; then
  TARGET_PYTHON="${BUNDLE_PYTHON:?BUNDLE_PYTHON (e.g. 3.11) goes with BUNDLE_PLATFORM}"
  "$PYTHON" -m pip download -q --only-binary=:all: --platform "$BUNDLE_PLATFORM" \
    --python-version "$TARGET_PYTHON" --dest "$STAGE/wheels" -r requirements.txt
  TARGET_PLATFORM="$BUNDLE_PLATFORM"
else
  # pip wheel also turns any sdist-only dependency into a wheel, so the offline install builds nothing.
  "$PYTHON" -m pip wheel -q --wheel-dir "$STAGE/wheels" -r requirements.txt
  TARGET_PYTHON="$("$PYTHON" -c 'import sys; print("%d.%d" % sys.version_info[:2])')"
  TARGET_PLATFORM="$("$PYTHON" -c 'import sysconfig; print(sysconfig.get_platform())')"
fi

# The app: what the server reads at run time, without tests, benchmarks or caches.
tar -cf - --exclude=__pycache__ --exclude='*.pyc' \
  app.py pages patrolmap data static .streamlit requirements.txt LICENSE README.md scripts/serve.sh |
  tar -xf - -C "$STAGE"
cp deploy/bundle/install.sh deploy/bundle/INSTALL.txt "$STAGE/"

COMMIT="$(git rev-parse --short HEAD 2>/dev/null || echo unknown)"
{
  echo "python=$TARGET_PYTHON"
  echo "platform=$TARGET_PLATFORM"
  echo "commit=$COMMIT"
  echo "built=$(date -u +%Y-%m-%dT%H:%M:%SZ)"
} > "$STAGE/BUNDLE.txt"
(cd "$STAGE/wheels" && sha256sum -- *.whl > SHA256SUMS)

tar -czf "$OUT/patrolmap-bundle.tar.gz" -C "$OUT" patrolmap-bundle
(cd "$OUT" && sha256sum patrolmap-bundle.tar.gz > patrolmap-bundle.tar.gz.sha256)
echo "bundle: $OUT/patrolmap-bundle.tar.gz ($(du -h "$OUT/patrolmap-bundle.tar.gz" | cut -f1)," \
  "$(find "$STAGE/wheels" -name '*.whl' | wc -l) wheels, Python $TARGET_PYTHON, $TARGET_PLATFORM, commit $COMMIT)"
