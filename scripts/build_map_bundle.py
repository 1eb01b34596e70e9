#!/usr/bin/env python3
"""Write static/js/map.bundle.js: Leaflet, leaflet-textpath, Leaflet.markercluster and
static/js/patrolmap.js in one file, so the map frame loads one script, not four in a row.

    python scripts/build_map_bundle.py           # rewrite the bundle
    python scripts/build_map_bundle.py --check   # exit 1 when the committed bundle is not current

Run it after editing static/js/patrolmap.js (or a vendored part). Until then the app links the
parts one by one and logs a warning (assets.map_scripts); tests/test_assets.py fails.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from patrolmap.assets import MAP_BUNDLE, map_bundle_is_current, map_bundle_text  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--check", action="store_true", help="only say whether the bundle is current")
    args = parser.parse_args()
    current = map_bundle_is_current()
    if args.check:
        print(f"{MAP_BUNDLE}: {'current' if current else 'NOT current: run python scripts/build_map_bundle.py'}")
        return 0 if current else 1
    if not current:
        MAP_BUNDLE.write_text(map_bundle_text(), encoding="utf-8")
    print(f"{MAP_BUNDLE}: {MAP_BUNDLE.stat().st_size:,} bytes{'' if current else ' (rewritten)'}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
