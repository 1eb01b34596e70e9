"""An analyst's own file -> events shown beside the curated ones, every problem named.

The file is untrusted: any size, any bytes, any nesting. parse_upload never raises on
content; it returns the events it could read, the places the file defines, and a
DataError per problem (file = the upload's name, record = "row N (id=...)", field,
value, expected). Garbage (too big, binary, undecodable, not CSV/YAML/GeoJSON, wrong
top level) is ONE error for the whole file.

Formats, by extension and else by sniffing the content:
- CSV: the columns of the CSV export (patrolmap.csvfile.CSV_COLUMNS), read back through
  csvfile.read_csv and csvfile.record_from_row. Row N is the file line the record starts on
  (the header is row 1); a row whose quote never closes is named, and the rows after it load.
- YAML: a list of event records as in data/FORMAT.md, or a mapping with `events:` (that
  list) and `places:` (extra gazetteer records, data/places shape). Anchors and aliases
  are refused (they let a small file expand into a huge one).
- GeoJSON: a FeatureCollection (or one Feature); each feature's `properties` is an event
  record. A LineString geometry becomes the route: each vertex becomes an uploaded place
  `upload-<event>-<n>` (kind point), in order; `properties.route` still gives provenance
  and source. A Polygon (outer ring) becomes an approximate area `upload-<event>-area-1`
  added to the event's areas. Point and null geometries are ignored (the areas and route
  in properties place the event). Longitudes beyond +-180 (a Pacific-centred export) are
  wrapped back.

A file that holds no record is an error saying what was expected. Geometry is bounded: an
upload keeps at most MAX_TOTAL_VERTICES route and area vertices in all (MAX_VERTICES per line or
ring); a longer line is simplified (Douglas-Peucker, shapely) and UploadResult.notes says which
record was simplified, from how many vertices to how many.

Uploaded event ids get the prefix `upload-` so they can never equal a curated id
(curated ids start with air-/naval-/ex-); an id that still collides with a curated one,
or repeats within the file, is an error naming the row. Every uploaded place is labelled
approximate and uploaded.
"""

from __future__ import annotations

import json
import re
import reprlib
from dataclasses import dataclass, field, replace
from datetime import date
from itertools import chain
from pathlib import PurePath, PureWindowsPath

import numpy as np
import shapely
import yaml

from patrolmap import csvfile
from patrolmap.gazetteer import line_length_km
from patrolmap.load import DataError, parse_event, parse_place
from patrolmap.schema import Event, Place

# 2 MB as Streamlit counts them (server.maxUploadSize is in MiB, .streamlit/config.toml): the
# server refuses a bigger body before the app sees it, and the page says the same number.
MAX_UPLOAD_MB = 2
MAX_BYTES = MAX_UPLOAD_MB * 1024 * 1024
MAX_RECORDS = 2000  # events in one upload; more is not a hand-made file
MAX_ERRORS = 500  # problems listed one by one; the rest are counted in one last error
MAX_VERTICES = 500  # per route or area outline, after simplification
# In all the routes and areas of one upload: every Map rerun sends them to the browser, which draws
# them (with direction arrows) and the session keeps a place per vertex, so this bounds a rerun and
# the session's memory whatever the file holds (benchmarks/hostile_upload.py).
MAX_TOTAL_VERTICES = 2000
SIMPLIFY_PIECE = 250  # points per GEOS call (see simplified_indices)
MAX_POSITIONS = 250_000  # read from one geometry before simplifying (a 2 MB file holds fewer)
NUMBER_TYPES = {int, float}  # exactly the types json.loads gives a number (bool is not one)
MAX_VALUE_CHARS = 200  # a bad value is quoted up to this length in its error
UPLOAD_PREFIX = "upload-"
UPLOAD_ORIGIN = "upload"
NO_RECORD_EXPECTED = {
    "csv": "at least one event row below the header (the CSV export's columns)",
    "yaml": "at least one event record (a YAML list, or events: and places:; see data/FORMAT.md)",
    "geojson": "at least one GeoJSON feature whose properties are an event record",
}
FORMATS = {".csv": "csv", ".yaml": "yaml", ".yml": "yaml", ".geojson": "geojson", ".json": "geojson"}
UPLOAD_NOTE = "From your uploaded file's coordinates: approximate, not curated."


@dataclass
class UploadResult:
    events: list[Event] = field(default_factory=list)
    places: dict[str, Place] = field(default_factory=dict)
    errors: list[DataError] = field(default_factory=list)
    format: str = ""  # csv | yaml | geojson, or "" when the file could not be read at all
    notes: list[str] = field(default_factory=list)  # what was changed to keep the map responsive


# libyaml's parser when PyYAML has it (5x faster than the pure-Python one on a 1.4 MB upload).
YAML_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
MAX_YAML_DEPTH = 50  # an event record nests 4 deep


def _load_yaml(text: str) -> object:
    """Safe YAML that refuses anchors/aliases (a 2 MB file cannot expand into gigabytes) and deep
    nesting (libyaml composes recursively in C: 100,000 "[" crashed the process), both found in
    one pass over the parser's events before anything is built."""
    depth = 0
    for event in yaml.parse(text, Loader=YAML_LOADER):
        if isinstance(event, yaml.AliasEvent):
            problem = "aliases (*name) are not allowed in uploads"
            raise yaml.composer.ComposerError(None, None, problem, event.start_mark)
        if isinstance(event, (yaml.SequenceStartEvent, yaml.MappingStartEvent)):
            depth += 1
            if depth > MAX_YAML_DEPTH:
                raise RecursionError(f"nested deeper than {MAX_YAML_DEPTH}")
        elif isinstance(event, (yaml.SequenceEndEvent, yaml.MappingEndEvent)):
            depth -= 1
    return yaml.load(text, Loader=YAML_LOADER)  # noqa: S506 (SafeLoader or its libyaml twin)


class _FileProblem(Exception):
    """The whole file is unreadable; carries the one DataError that says why."""

    def __init__(self, field_name: str, value: object, expected: str):
        super().__init__(expected)
        self.field = field_name
        self.value = value
        self.expected = expected


def parse_upload(
    name: str,
    content: bytes,
    places: dict[str, Place],
    max_bytes: int = MAX_BYTES,
    curated_ids=(),
) -> UploadResult:
    """Read an uploaded file; never raises on its content. curated_ids: event ids already loaded."""
    label = upload_label(name)
    result = UploadResult()
    try:
        text = _decode(content, max_bytes)
        fmt = _detect_format(label, text)
        result.format = fmt
        if fmt == "csv":
            records, extra_places = _csv_records(text), []
        elif fmt == "yaml":
            records, extra_places = _yaml_records(text)
        else:
            records, extra_places = _geojson_records(text, result.notes), []
        if not records and not extra_places:
            raise _FileProblem("(records)", "no record", NO_RECORD_EXPECTED[fmt])
    except _FileProblem as problem:
        result.errors.append(DataError(label, "file", problem.field, _short(problem.value), problem.expected))
        return result
    except RecursionError:
        result.errors.append(DataError(label, "file", "(nesting)", "too deeply nested", "a flat list of records"))
        return result

    errors: list[DataError] = []
    local_places = _upload_places(extra_places, places, label, errors)
    known_places = {**places, **local_places}
    if len(records) > MAX_RECORDS:
        errors.append(DataError(label, "file", "(records)", len(records), f"at most {MAX_RECORDS} records"))
        records = records[:MAX_RECORDS]
    curated = set(curated_ids)
    seen: dict[str, str] = {}
    for position, raw, geometry_places in records:
        row = _row_label(fmt, position, raw)
        event = _parse_one(raw, label, row, position, {**known_places, **geometry_places}, errors)
        if event is None:
            continue
        event_id = event.id if event.id.startswith(UPLOAD_PREFIX) else UPLOAD_PREFIX + event.id
        if event_id in curated or event.id in curated:
            errors.append(DataError(label, row, "id", event.id, "an id not used by a curated event"))
            continue
        if event_id in seen:
            errors.append(DataError(label, row, "id", event.id, f"unique in the file (already in {seen[event_id]})"))
            continue
        clash = [p for p in geometry_places if p in known_places]
        if clash:
            errors.append(DataError(label, row, "geometry", clash[0], "coordinates whose place id is not taken"))
            continue
        seen[event_id] = row
        local_places.update(geometry_places)
        result.events.append(replace(event, id=event_id, file=label, origin=UPLOAD_ORIGIN))
    result.events = _bounded_routes(result.events, {**known_places, **local_places}, len(records), result.notes)
    result.places = local_places
    result.events.sort(key=lambda e: (e.date_start, e.id))
    result.errors = _capped(errors, label)
    return result


def upload_label(name: object) -> str:
    """The file's base name, printable and short: it is shown in the problem table."""
    text = str(name or "upload")
    text = PureWindowsPath(PurePath(text).name).name or "upload"
    text = "".join(c if c.isprintable() else "?" for c in text)
    return text[:120]


def _decode(content: bytes, max_bytes: int) -> str:
    if not isinstance(content, (bytes, bytearray)):
        raise _FileProblem("(file)", type(content).__name__, "the file's bytes")
    if len(content) > max_bytes:
        raise _FileProblem(
            "(size)",
            f"{len(content):,} bytes",
            f"at most {max_bytes:,} bytes ({max_bytes / 2**20:.1f} MB); split the file",
        )
    if not content.strip():
        raise _FileProblem("(file)", "empty", "a CSV, YAML or GeoJSON file with at least one record")
    if b"\x00" in content:
        raise _FileProblem("(encoding)", "NUL bytes", "a text file (CSV, YAML or GeoJSON), not a binary file")
    try:
        text = bytes(content).decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise _FileProblem(
            "(encoding)",
            f"byte {exc.object[exc.start]:#04x} at offset {exc.start}",
            "UTF-8 text (save the file as UTF-8)",
        ) from None
    controls = sum(1 for c in text[:10000] if ord(c) < 32 and c not in "\t\n\r")
    if controls > 8:
        raise _FileProblem("(encoding)", f"{controls} control characters", "a text file, not a binary file")
    return text


def _detect_format(name: str, text: str) -> str:
    suffix = PurePath(name.lower()).suffix
    if suffix in FORMATS:
        return FORMATS[suffix]
    head = text.lstrip()[:1]
    if head in "{[":
        return "geojson" if head == "{" else "yaml"  # a JSON list is valid YAML
    first = text.lstrip().splitlines()[0] if text.strip() else ""
    if first.startswith("- ") or first.startswith("---") or ": " in first and "," not in first:
        return "yaml"
    if "," in first and "id" in [c.strip().strip('"') for c in first.split(",")]:
        return "csv"
    raise _FileProblem(
        "(format)", suffix or first[:40], "a .csv, .yaml/.yml or .geojson/.json file (see data/FORMAT.md)"
    )


# Each reader returns [(position, raw record, places its geometry defines)].


def _csv_records(text: str) -> list[tuple[int, object, dict]]:
    rows = csvfile.read_csv(text)
    header_record = next(rows, None)
    header = [h.lstrip("\ufeff").strip() for h in header_record.cells] if header_record else []
    columns = set(csvfile.CSV_COLUMNS)
    if not header or "id" not in header or not columns.intersection(header) - {"id"}:
        raise _FileProblem(
            "(columns)",
            header[:12] or (header_record and header_record.value),
            "the CSV export's header: " + ", ".join(csvfile.CSV_COLUMNS),
        )
    records: list[tuple[int, object, dict]] = []
    for row in rows:
        if row.problem:
            records.append((row.line, _CellProblem(row.problem, row.value, row.expected), {}))
        elif len(row.cells) > len(header):
            extra = row.cells[len(header) :]
            records.append((row.line, _CellProblem("(columns)", extra, f"at most {len(header)} cells"), {}))
        else:
            cells = dict(zip(header, row.cells, strict=False))
            records.append((row.line, csvfile.record_from_row({k: v for k, v in cells.items() if k in columns}), {}))
    return records


@dataclass(frozen=True)
class _CellProblem:
    """A CSV row that could not even become a record; reported under its row."""

    field: str
    value: object
    expected: str


def _yaml_records(text: str) -> tuple[list, list]:
    try:
        content = _load_yaml(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 1}" if mark else ""
        raise _FileProblem("(YAML)", f"{getattr(exc, 'problem', None) or exc}{where}", "valid YAML") from None
    extra_places: list = []
    if isinstance(content, dict) and ("events" in content or "places" in content):
        extra_places = content.get("places") or []
        content = content.get("events") or []
        if not isinstance(extra_places, list):
            raise _FileProblem("places", type(extra_places).__name__, "a list of place records")
    if not isinstance(content, list):
        raise _FileProblem(
            "(top level)", type(content).__name__, "a list of event records (data/FORMAT.md), or events: and places:"
        )
    return [(index + 1, raw, {}) for index, raw in enumerate(content)], extra_places


def _geojson_records(text: str, notes: list[str]) -> list[tuple[int, object, dict]]:
    try:
        content = json.loads(text)
    except ValueError as exc:
        raise _FileProblem("(JSON)", str(exc), "valid JSON (GeoJSON)") from None
    if isinstance(content, dict) and content.get("type") == "Feature":
        content = {"type": "FeatureCollection", "features": [content]}
    if not isinstance(content, dict) or content.get("type") != "FeatureCollection":
        got = content.get("type") if isinstance(content, dict) else type(content).__name__
        raise _FileProblem("(top level)", got, "a GeoJSON FeatureCollection")
    features = content.get("features")
    if not isinstance(features, list):
        raise _FileProblem("features", type(features).__name__, "a list of GeoJSON features")
    records = []
    caps = vertex_caps([_vertex_count(f) for f in features[: MAX_RECORDS + 1]])
    for index, feature in enumerate(features):
        position = index + 1
        if not isinstance(feature, dict) or not isinstance(feature.get("properties"), dict):
            records.append(
                (position, _CellProblem("properties", _short(feature), "a mapping with the event record"), {})
            )
            continue
        raw = dict(feature["properties"])
        try:
            cap = caps[index] if index < len(caps) else MAX_VERTICES
            geometry_places, simplified = _geometry_places(raw, feature.get("geometry"), cap)
        except _FileProblem as problem:
            records.append((position, _CellProblem(problem.field, problem.value, problem.expected), {}))
            continue
        if simplified:
            notes.append(_simplified_note(_row_label("geojson", position, raw), *simplified))
        records.append((position, raw, geometry_places))
    return records


def _vertex_count(feature: object) -> int:
    """Positions of a feature's line or outer ring, as given (0 for anything else)."""
    geometry = feature.get("geometry") if isinstance(feature, dict) else None
    coords = geometry.get("coordinates") if isinstance(geometry, dict) else None
    if not isinstance(coords, list):
        return 0
    if geometry.get("type") == "Polygon":
        coords = coords[0] if coords and isinstance(coords[0], list) else []
    return len(coords) if geometry.get("type") in ("LineString", "Polygon") else 0


def vertex_caps(counts: list[int], budget: int = MAX_TOTAL_VERTICES) -> list[int]:
    """Vertices each line may keep: all of them (up to MAX_VERTICES) while the upload is within
    budget, else a share of the budget in proportion to its length (at least 4: a closed ring)."""
    total = sum(counts)
    if total <= budget:
        return [MAX_VERTICES] * len(counts)
    return [min(MAX_VERTICES, max(4, budget * n // total)) for n in counts]


def simplified_indices(points, cap: int) -> list[int]:
    """Indices of at most cap points that keep the line's shape (Douglas-Peucker, the smallest
    tolerance that is enough); first and last are always kept. points: (lon, lat) pairs.

    GEOS simplifies recursively: a 120,000-point line that doubles back on itself overflowed the
    stack and killed the process. The line is simplified in pieces of SIMPLIFY_PIECE points (each
    keeps its ends), which bounds that depth whatever the file holds; when the pieces' ends alone
    are more than cap, the points kept are simplified again, in fewer pieces.
    """
    n = len(points)
    if n <= cap:
        return list(range(n))
    xy = np.asarray(points, dtype=float)[:, :2]
    kept = np.arange(n)
    while len(kept) > cap:
        again = _simplified_pieces(xy[kept], cap)
        if len(again) >= len(kept):
            break
        kept = kept[again]
    if len(kept) < min(cap, 4) or len(kept) > cap:  # degenerate: evenly spaced points instead
        return _even_indices(n, cap)
    return kept.tolist()


def _simplified_pieces(xy: np.ndarray, cap: int) -> np.ndarray:
    """One pass of simplified_indices: each piece simplified with one tolerance, the smallest that
    keeps at most cap points in all (or the pieces' ends, if those are more). Each point carries
    its index as its z (GEOS simplifies in 2D and keeps the z of what it keeps), so the kept
    indices are read back without searching the line for their coordinates."""
    n = len(xy)
    starts = np.arange(0, n - 1, SIMPLIFY_PIECE)
    ends = np.minimum(starts + SIMPLIFY_PIECE, n - 1)
    order = np.concatenate([np.arange(a, b + 1) for a, b in zip(starts, ends, strict=True)])
    piece = np.repeat(np.arange(len(starts)), ends - starts + 1)
    pieces = shapely.linestrings(xy[order, 0], xy[order, 1], order.astype(float), indices=piece)

    def counted(tolerance: float) -> int:  # pieces share their end points
        simplified = shapely.simplify(pieces, tolerance, preserve_topology=False)
        return int(shapely.get_num_coordinates(simplified).sum()) - (len(starts) - 1)

    low, high = 0.0, max(1e-9, float(np.ptp(xy[:, 0])), float(np.ptp(xy[:, 1])))
    for _ in range(24):  # bisection on the tolerance (degrees): to ~1e-7 of the line's extent
        middle = (low + high) / 2
        if counted(middle) <= cap:
            high = middle
        else:
            low = middle
    simplified = shapely.simplify(pieces, high, preserve_topology=False)
    found = shapely.get_coordinates(simplified, include_z=True)[:, 2].astype(np.int64)
    return np.union1d(found, np.union1d(starts, ends))  # a piece that collapsed still gives its ends


def _even_indices(n: int, count: int) -> list[int]:
    step = (n - 1) / (count - 1)
    return sorted({round(k * step) for k in range(count)})


def _simplified_note(row: str, what: str, before: int, after: int, full_km=None, kept_km=None) -> str:
    """What the analyst is told in the sidebar about one simplified line."""
    note = f"{row}: {what} simplified from {before:,} to {after:,} points for drawing (Douglas-Peucker)"
    if full_km is not None:
        note += (
            f"; length computed on the full route: ~{full_km:,.0f} km "
            f"(the map and the card measure the simplified line: ~{kept_km:,.0f} km)"
        )
    return (
        note + f". An upload keeps at most {MAX_TOTAL_VERTICES:,} route and area points, {MAX_VERTICES:,} per line, "
        "so that the map stays responsive."
    )


def _route_note(note: object, before: int, after: int, full_km: float) -> str:
    """The route's own note, shown on its card: how it was simplified and how long the full one is."""
    said = f"Simplified from {before:,} uploaded points to {after:,} for drawing; "
    said += f"the full route measures ~{full_km:,.0f} km."
    return f"{note} {said}" if isinstance(note, str) and note.strip() else said


def _line_km(lonlat: np.ndarray) -> float:
    return line_length_km(lonlat[:, 1], lonlat[:, 0])


def _bounded_routes(events: list[Event], places: dict[str, Place], n_records: int, notes: list[str]) -> list[Event]:
    """Routes given as waypoint ids (YAML, CSV) within the same vertex budget as GeoJSON lines."""
    caps = vertex_caps([len(e.route.waypoints) if e.route else 0 for e in events])
    bounded = []
    for event, cap in zip(events, caps, strict=True):
        waypoints = event.route.waypoints if event.route else ()
        if len(waypoints) > cap:
            points = np.array([(places[w].lon, places[w].lat) for w in waypoints])
            indices = simplified_indices(points, cap)
            kept = tuple(waypoints[i] for i in indices)
            full_km, kept_km = _line_km(points), _line_km(points[indices])
            notes.append(_simplified_note(f"id={event.id}", "route", len(waypoints), len(kept), full_km, kept_km))
            note = _route_note(event.route.note, len(waypoints), len(kept), full_km)
            event = replace(event, route=replace(event.route, waypoints=kept, note=note))
        bounded.append(event)
    return bounded


def _geometry_places(raw: dict, geometry: object, cap: int) -> tuple[dict[str, Place], tuple | None]:
    """Uploaded places for a feature's geometry; raw gets their ids as route waypoints or an area.
    The second item, when the geometry was simplified, is what _simplified_note says: (what, points
    given, points kept) and, for a route, its length in km in full and as kept."""
    if geometry is None:
        return {}, None
    if not isinstance(geometry, dict):
        raise _FileProblem("geometry", _short(geometry), "a GeoJSON geometry or null")
    kind = geometry.get("type")
    if kind in ("Point", "MultiPoint"):
        return {}, None
    base = _base_id(raw.get("id"))
    coords = geometry.get("coordinates")
    if kind == "LineString":
        given = _positions(coords, "geometry.coordinates", minimum=2)
        kept = given[simplified_indices(given, cap)]
        points = kept.tolist()
        route = raw.get("route")
        route = dict(route) if isinstance(route, dict) else {}
        if route.get("waypoints"):
            raise _FileProblem("route.waypoints", route["waypoints"], "absent when the geometry is a LineString")
        simplified = None
        if len(points) < len(given):
            full_km = _line_km(given)
            simplified = ("route", len(given), len(points), full_km, _line_km(kept))
            route["note"] = _route_note(route.get("note"), len(given), len(points), full_km)
        made = {
            f"{base}-{n}": Place(
                id=f"{base}-{n}",
                name=f"Uploaded waypoint {n} ({lat:.2f}, {lon:.2f})",
                kind="point",
                lat=lat,
                lon=lon,
                note=UPLOAD_NOTE,
                file="upload",
            )
            for n, (lon, lat) in enumerate(points, start=1)
        }
        route["waypoints"] = list(made)
        raw["route"] = route
        return made, simplified
    if kind == "Polygon":
        if not isinstance(coords, list) or not coords:
            raise _FileProblem("geometry.coordinates", _short(coords), "a list of linear rings")
        given = _positions(coords[0], "geometry.coordinates", minimum=4)
        ring = [tuple(p) for p in given[simplified_indices(given, cap)].tolist()]
        if ring[0] == ring[-1]:
            ring = ring[:-1]
        area_id = f"{base}-area-1"
        lon = sum(p[0] for p in ring) / len(ring)
        lat = sum(p[1] for p in ring) / len(ring)
        area = Place(
            id=area_id,
            name=f"Uploaded area of {str(raw.get('name') or raw.get('id'))[:80]}",
            kind="region",
            lat=lat,
            lon=lon,
            polygon=tuple(ring),
            note=UPLOAD_NOTE,
            file="upload",
        )
        areas = raw.get("areas")
        raw["areas"] = (list(areas) if isinstance(areas, list) else []) + [area_id]
        return {area_id: area}, (("area outline", len(given), len(ring) + 1) if len(ring) + 1 < len(given) else None)
    raise _FileProblem("geometry.type", _short(kind), "LineString (route), Polygon (area), Point or null")


def _base_id(event_id: object) -> str:
    text = str(event_id) if isinstance(event_id, str) else "event"
    if text.startswith(UPLOAD_PREFIX):
        text = text[len(UPLOAD_PREFIX) :]
    text = re.sub(r"[^a-z0-9-]+", "-", text.lower()).strip("-")[:80] or "event"
    return UPLOAD_PREFIX + text


def _positions(coords: object, name: str, minimum: int) -> np.ndarray:
    """[lon, lat] positions as an (n, 2) array, longitudes wrapped into -180..180.

    true/false and "1" are refused, NaN too; ~200,000 points take a fraction of a second."""
    if not isinstance(coords, list) or len(coords) < minimum:
        raise _FileProblem(name, _short(coords), f"a list of at least {minimum} [lon, lat] positions")
    if len(coords) > MAX_POSITIONS:
        raise _FileProblem(name, f"{len(coords):,} positions", f"at most {MAX_POSITIONS:,} positions")
    expected = "[lon, lat] with -90 <= lat <= 90"
    # Whole-list checks at C speed first; the point-by-point loop only finds the one to name.
    lengths = set(map(len, coords)) if set(map(type, coords)) == {list} else set()
    if not lengths or not lengths <= {2, 3} or not set(map(type, chain.from_iterable(coords))) <= NUMBER_TYPES:
        raise _FileProblem(name, _short(next(p for p in coords if not _is_position(p))), expected)
    try:
        xy = np.array(coords if lengths == {2} else [point[:2] for point in coords], dtype=float)
    except OverflowError:  # an integer beyond any float
        huge = next(p for p in coords if abs(p[0]) > 540 or abs(p[1]) > 90)
        raise _FileProblem(name, _short(huge), expected) from None
    inside = (xy[:, 0] >= -540) & (xy[:, 0] <= 540) & (xy[:, 1] >= -90) & (xy[:, 1] <= 90)  # NaN is outside
    if not inside.all():
        raise _FileProblem(name, _short(coords[int(np.argmin(inside))]), expected)
    outside = (xy[:, 0] < -180) | (xy[:, 0] > 180)
    xy[outside, 0] = (xy[outside, 0] + 180) % 360 - 180
    return xy


def _is_position(point: object) -> bool:
    return (
        type(point) is list
        and 2 <= len(point) <= 3
        and all(type(v) in NUMBER_TYPES for v in point)  # true/false and "1" are not numbers here
    )


def _upload_places(raw_places: list, places: dict[str, Place], label: str, errors: list[DataError]) -> dict:
    """Places a YAML upload defines itself; they may not redefine the gazetteer."""
    made: dict[str, Place] = {}
    for index, raw in enumerate(raw_places[:MAX_RECORDS]):
        row = f"places row {index + 1}"
        found: list[DataError] = []
        try:
            place = parse_place(raw, label, index, found)
        except Exception as exc:  # noqa: BLE001 (the loader must not take the app down on one record)
            place = None
            found.append(DataError(label, row, "(record)", _short(str(exc)), "a place record the loader can read"))
        errors.extend(replace(e, record=row, value=_short(e.value)) for e in found)
        if place is None:
            continue
        if place.id in places or place.id in made:
            errors.append(DataError(label, row, "id", place.id, "a place id not already in the gazetteer"))
            continue
        made[place.id] = replace(place, note=(place.note + " " if place.note else "") + "Uploaded; approximate.")
    return made


def _parse_one(raw, label: str, row: str, position: int, places: dict, errors: list[DataError]) -> Event | None:
    if isinstance(raw, _CellProblem):
        errors.append(DataError(label, row, raw.field, _short(raw.value), raw.expected))
        return None
    found: list[DataError] = []
    try:
        event = parse_event(raw, label, position - 1, places, found, origin=UPLOAD_ORIGIN)
    except Exception as exc:  # noqa: BLE001 (see the report: some values make load.py raise)
        event = None
        found.append(
            DataError(
                label,
                row,
                "(record)",
                _short(f"{type(exc).__name__}: {exc}"),
                "a record the loader can read (check dates, URLs and source ids)",
            )
        )
    errors.extend(replace(e, record=row, value=_short(e.value)) for e in found)
    return event if not found else None


def _row_label(fmt: str, position: int, raw: object) -> str:
    label = f"row {position}"
    if isinstance(raw, dict) and isinstance(raw.get("id"), str) and raw["id"].strip():
        label += f" (id={_short(raw['id'].strip(), 60)})"
    return label


_REPR = reprlib.Repr()
_REPR.maxstring = 60
_REPR.maxother = 60
_REPR.maxlist = _REPR.maxdict = _REPR.maxtuple = 8
_REPR.maxlevel = 3


def _short(value: object, limit: int = MAX_VALUE_CHARS) -> object:
    """A value fit to quote in an error: scalars as they are (long strings cut), containers as a short repr."""
    if value is None or isinstance(value, (bool, int, float, date)):
        return value
    if isinstance(value, str):
        return value if len(value) <= limit else value[: limit - 1] + "…"
    return _short(_REPR.repr(value), limit)


def _capped(errors: list[DataError], label: str) -> list[DataError]:
    if len(errors) <= MAX_ERRORS:
        return errors
    rest = len(errors) - MAX_ERRORS
    return errors[:MAX_ERRORS] + [DataError(label, "file", "(more)", f"{rest} more problems", "fewer problems")]
