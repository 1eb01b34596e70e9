#!/usr/bin/env python3
"""Re-create static/vendor/ (the front-end files folium needs) from the npm registry.

    python scripts/vendor_assets.py           # fetch with `npm pack`, rewrite static/vendor
    python scripts/vendor_assets.py --check   # offline: files match MANIFEST.json?

Each package is fetched at the exact version folium 0.20.0 asks for in its CDN links
(``folium.Map.default_js`` and the plugin classes' ``default_js``/``default_css``), its
tarball checked against the pinned npm ``integrity`` (sha512), and only the files the app
needs are copied, with the package's licence file, into ``static/vendor/<name>-<version>/``.
``static/vendor/MANIFEST.json`` lists every file with package, version, source, sha256 and
licence. Running it again gives byte-identical output (idempotent); files no longer in the
plan are removed.

npm (``npm pack NAME@VERSION``) is the source for every package, because only the npm
tarballs carry the licence files. Leaflet 1.9.3 and jQuery 3.7.1 are also on PyPI as
xstatic-leaflet / xstatic-jquery: when those are installed the script checks that their
files are byte-identical to the npm ones and says so.
"""

from __future__ import annotations

import argparse
import base64
import hashlib
import io
import json
import shutil
import subprocess
import sys
import tarfile
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VENDOR_DIR = ROOT / "static" / "vendor"
MANIFEST = "MANIFEST.json"


@dataclass(frozen=True)
class Package:
    name: str
    version: str
    licence: str  # SPDX id, checked against package.json
    licence_file: str  # path inside the tarball's package/ directory
    files: dict[str, str]  # path inside package/ -> path under the package's vendor dir
    integrity: str  # npm's sha512 of the tarball
    used_by: str
    xstatic: dict[str, str] = field(default_factory=dict)  # vendor path -> (module, file)

    @property
    def dir(self) -> str:
        return f"{self.name}-{self.version}"


PACKAGES = [
    Package(
        "leaflet",
        "1.9.3",
        "BSD-2-Clause",
        "LICENSE",
        {
            "dist/leaflet.js": "leaflet.js",
            "dist/leaflet.css": "leaflet.css",
            "dist/images/marker-icon.png": "images/marker-icon.png",
            "dist/images/marker-icon-2x.png": "images/marker-icon-2x.png",
            "dist/images/marker-shadow.png": "images/marker-shadow.png",
            "dist/images/layers.png": "images/layers.png",
            "dist/images/layers-2x.png": "images/layers-2x.png",
        },
        "sha512-iB2cR9vAkDOu5l3HAay2obcUHZ7xwUBBjph8+PGtmW/2lYhbLizWtG7nTeYht36WfOslixQF9D/uSIzhZgGMfQ==",
        "folium.Map",
        xstatic={
            "leaflet.js": "xstatic.pkg.leaflet:leaflet.js",
            "leaflet.css": "xstatic.pkg.leaflet:leaflet.css",
            "images/marker-icon.png": "xstatic.pkg.leaflet:images/marker-icon.png",
        },
    ),
    Package(
        "jquery",
        "3.7.1",
        "MIT",
        "LICENSE.txt",
        {"dist/jquery.min.js": "jquery.min.js"},
        "sha512-m4avr8yL8kmFN8psrbFFFmB/If14iN5o9nw/NgnnM+kybDJpRsAynV2BsfpTYrTRysYUdADVD7CkUUizgkpLfg==",
        "folium.Map (popups use $)",
        xstatic={"jquery.min.js": "xstatic.pkg.jquery:jquery.min.js"},
    ),
    Package(
        "leaflet.markercluster",
        "1.1.0",
        "MIT",
        "MIT-LICENCE.txt",
        {
            "dist/leaflet.markercluster.js": "leaflet.markercluster.js",
            "dist/MarkerCluster.css": "MarkerCluster.css",
            "dist/MarkerCluster.Default.css": "MarkerCluster.Default.css",
        },
        "sha512-eI+XkCiLiHwCC3uZ4/n4+Vq3rXcqEHN2lhHRVG1WVziy/3Q0TTipWkzEa1zO0dKZI2AnI5ppFDWrOjnQ7MJLKQ==",
        "folium.plugins.MarkerCluster, FastMarkerCluster",
    ),
    Package(
        "leaflet-textpath",
        "1.2.3",
        "MIT",
        "LICENSE",
        {"leaflet.textpath.js": "leaflet.textpath.js"},
        "sha512-mPb5m2MlihNkLlo762j8S8FJCUyLvDU2fJTjjmDWKfqqyUQkV3ca3IzrxwsfzYz2DXrV2ytCVHb5+DjQymF+8w==",
        "folium.plugins.PolyLineTextPath",
    ),
    Package(
        "leaflet-polylinedecorator",
        "1.6.0",
        "MIT",
        "LICENSE",
        {"dist/leaflet.polylineDecorator.js": "leaflet.polylineDecorator.js"},
        "sha512-kn3krmZRetgvN0wjhgYL8kvyLS0tUogAl0vtHuXQnwlYNjbl7aLQpkoFUo8UB8gVZoB0dhI4Tb55VdTJAcYzzQ==",
        "patrolmap.assets.PolylineDecorator (route arrows; no folium plugin uses it)",
    ),
    Package(
        "leaflet.timeline",
        "1.6.0",
        "ISC",
        "LICENSE",
        # folium links dist/leaflet.timeline.min.js, a CDN-minified copy; the npm file is
        # already minified and is the one shipped.
        {"dist/leaflet.timeline.js": "leaflet.timeline.js"},
        "sha512-FCMkr3P0zxL5IRVJ80wUPmXOlyC7ohq3z2JO45mYq6AKoBgB1yXjfXI6e6V64TAwBl0cmyYIrJCN8boyXdVDSQ==",
        "folium.plugins.Timeline, TimelineSlider",
    ),
    Package(
        "moment",
        "2.18.1",
        "MIT",
        "LICENSE",
        {"min/moment.min.js": "moment.min.js"},
        "sha512-QGcnVKRSEhbWy2i0pqFhjWMCczL/YU5ICMB3maUavFcyUqBszRnzsswvOaGOqSfWZ/R+dMnb9gGBuRT4LMTdVQ==",
        "folium.plugins.Timeline, TimelineSlider",
    ),
    Package(
        "leaflet.fullscreen",
        "3.0.0",
        "MIT",
        "LICENSE",
        {
            "Control.FullScreen.js": "Control.FullScreen.js",
            "Control.FullScreen.css": "Control.FullScreen.css",
            "icon-fullscreen.svg": "icon-fullscreen.svg",  # url() in the css
        },
        "sha512-81wWSUXz1ZtdneR0v5eJDWXUSx+Zo5J50WXWeydG/UcILfIEAgz/iOjZSi3p00Z9MJ/FC/P5i3CgdYuEAos0yQ==",
        "folium.plugins.Fullscreen",
    ),
]

SPDX_ALIASES = {"MIT License": "MIT"}


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def npm_pack(pkg: Package, dest: Path) -> bytes:
    """Fetch NAME@VERSION's tarball with `npm pack` and check its integrity."""
    out = subprocess.run(
        ["npm", "pack", f"{pkg.name}@{pkg.version}", "--json", "--silent", "--pack-destination", str(dest)],
        check=True,
        capture_output=True,
        text=True,
        cwd=dest,
    ).stdout
    info = json.loads(out)[0]
    data = (dest / info["filename"]).read_bytes()
    algo, _, b64 = pkg.integrity.partition("-")
    got = base64.b64encode(hashlib.new(algo, data).digest()).decode()
    if got != b64:
        raise SystemExit(f"{pkg.name}@{pkg.version}: tarball integrity {algo}-{got} != pinned {pkg.integrity}")
    return data


def extract(pkg: Package, tarball: bytes) -> dict[str, tuple[bytes, str]]:
    """vendor path -> (bytes, path inside the tarball) for the files we keep."""
    wanted = dict(pkg.files)
    wanted[pkg.licence_file] = pkg.licence_file
    out: dict[str, tuple[bytes, str]] = {}
    with tarfile.open(fileobj=io.BytesIO(tarball), mode="r:gz") as tar:
        members = {m.name.split("/", 1)[1]: m for m in tar.getmembers() if m.isfile() and "/" in m.name}
        meta = json.load(tar.extractfile(members["package.json"]))
        lic = SPDX_ALIASES.get(meta.get("license"), meta.get("license"))
        if lic != pkg.licence:
            raise SystemExit(f"{pkg.name}: package.json licence {lic!r} != {pkg.licence!r}")
        if meta.get("version") != pkg.version:
            raise SystemExit(f"{pkg.name}: package.json version {meta.get('version')}")
        for src, dst in wanted.items():
            if src not in members:
                raise SystemExit(f"{pkg.name}@{pkg.version}: no {src} in tarball")
            out[f"{pkg.dir}/{dst}"] = (tar.extractfile(members[src]).read(), f"package/{src}")
    return out


def xstatic_report(pkg: Package, files: dict[str, tuple[bytes, str]]) -> None:
    import importlib

    for vpath, spec in pkg.xstatic.items():
        module, rel = spec.split(":")
        try:
            base = Path(importlib.import_module(module).BASE_DIR)
        except ImportError:
            return
        other = base / rel
        same = other.is_file() and other.read_bytes() == files[f"{pkg.dir}/{vpath}"][0]
        print(f"  {pkg.dir}/{vpath}: {'identical to' if same else 'DIFFERS from'} {module}")


def build_manifest(files: dict[str, dict]) -> dict:
    return {
        "about": "Front-end files vendored for offline use; generated by "
        "scripts/vendor_assets.py (do not edit). Served at /app/static/vendor/.",
        "packages": {
            p.name: {
                "version": p.version,
                "source": "npm",
                "tarball": f"{p.name}-{p.version}.tgz",
                "integrity": p.integrity,
                "licence": p.licence,
                "licence_file": f"{p.dir}/{p.licence_file}",
                "dir": p.dir,
                "used_by": p.used_by,
            }
            for p in PACKAGES
        },
        "files": dict(sorted(files.items())),
    }


def manifest_text(manifest: dict) -> str:
    return json.dumps(manifest, indent=2, ensure_ascii=False) + "\n"


def fetch_all() -> tuple[dict[str, bytes], dict]:
    contents: dict[str, bytes] = {}
    entries: dict[str, dict] = {}
    with tempfile.TemporaryDirectory() as tmp:
        for pkg in PACKAGES:
            print(f"npm pack {pkg.name}@{pkg.version}")
            files = extract(pkg, npm_pack(pkg, Path(tmp)))
            xstatic_report(pkg, files)
            for vpath, (data, src) in files.items():
                contents[vpath] = data
                entries[vpath] = {
                    "package": pkg.name,
                    "version": pkg.version,
                    "source": f"npm:{pkg.name}@{pkg.version}/{src}",
                    "sha256": sha256(data),
                    "bytes": len(data),
                    "licence": pkg.licence,
                }
    return contents, build_manifest(entries)


def write(vendor: Path, contents: dict[str, bytes], manifest: dict) -> None:
    """Make vendor/ hold exactly these files (and nothing else)."""
    vendor.mkdir(parents=True, exist_ok=True)
    keep = set(contents) | {MANIFEST}
    for path in sorted(vendor.rglob("*"), reverse=True):
        rel = path.relative_to(vendor).as_posix()
        if path.is_file() and rel not in keep:
            path.unlink()
            print(f"removed {rel}")
        elif path.is_dir() and not any(path.iterdir()):
            path.rmdir()
    changed = 0
    for rel, data in contents.items():
        target = vendor / rel
        if target.is_file() and target.read_bytes() == data:
            continue
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
        changed += 1
    text = manifest_text(manifest)
    mpath = vendor / MANIFEST
    if not mpath.is_file() or mpath.read_text(encoding="utf-8") != text:
        mpath.write_text(text, encoding="utf-8")
        changed += 1
    total = sum(len(d) for d in contents.values())
    print(f"{len(contents)} files, {total} bytes in {vendor}; {changed} written")


def check(vendor: Path) -> list[str]:
    """Offline: every manifest file exists with its sha256, and no stray files."""
    mpath = vendor / MANIFEST
    if not mpath.is_file():
        return [f"{mpath} missing"]
    manifest = json.loads(mpath.read_text(encoding="utf-8"))
    problems = []
    for rel, entry in manifest["files"].items():
        f = vendor / rel
        if not f.is_file():
            problems.append(f"missing {rel}")
        elif sha256(f.read_bytes()) != entry["sha256"]:
            problems.append(f"sha256 mismatch {rel}")
    for f in vendor.rglob("*"):
        rel = f.relative_to(vendor).as_posix()
        if f.is_file() and rel != MANIFEST and rel not in manifest["files"]:
            problems.append(f"not in manifest: {rel}")
    planned = {p.name: p.version for p in PACKAGES}
    listed = {n: e["version"] for n, e in manifest["packages"].items()}
    if planned != listed:
        problems.append(f"manifest packages {listed} != script plan {planned}")
    return problems


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--check", action="store_true", help="verify only, no network")
    ap.add_argument("--vendor-dir", type=Path, default=VENDOR_DIR)
    args = ap.parse_args(argv)
    if args.check:
        problems = check(args.vendor_dir)
        for p in problems:
            print("FAIL:", p)
        print("ok" if not problems else f"{len(problems)} problem(s)")
        return 1 if problems else 0
    if shutil.which("npm") is None:
        print("npm is needed (apt-get install npm)", file=sys.stderr)
        return 2
    contents, manifest = fetch_all()
    write(args.vendor_dir, contents, manifest)
    return 0


if __name__ == "__main__":
    sys.exit(main())
