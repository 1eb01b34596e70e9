"""An analyst's own file -> events shown beside the curated ones, every problem named.

The file is untrusted: any size, any bytes, any nesting. parse_upload never raises on
content; it returns the events it could read, the places the file defines, and a
DataError per problem (file = the upload's name, record = "row N (id=...)", field,
value, expected). Garbage (too big, binary, undecodable, not CSV/YAML/GeoJSON, wrong
top level) is ONE error for the whole file.

Formats, by extension and else by sniffing the content:
- CSV: the columns of the CSV export (patrolmap.export.CSV_COLUMNS), read back through
  export.events_from_csv_rows. Row N is the file's line N (the header is row 1).
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

Uploaded event ids get the prefix `upload-` so they can never equal a curated id
(curated ids start with air-/naval-/ex-); an id that still collides with a curated one,
or repeats within the file, is an error naming the row. Every uploaded place is labelled
approximate and uploaded.
"""

from __future__ import annotations

import csv
import io
import json
import re
import reprlib
from dataclasses import dataclass, field, replace
from datetime import date
from pathlib import PurePath, PureWindowsPath

import yaml

from patrolmap.load import DataError, parse_event, parse_place
from patrolmap.schema import Event, Place

MAX_BYTES = 2_000_000
MAX_RECORDS = 2000  # events in one upload; more is not a hand-made file
MAX_ERRORS = 500  # problems listed one by one; the rest are counted in one last error
MAX_VERTICES = 500  # per LineString or Polygon
MAX_VALUE_CHARS = 200  # a bad value is quoted up to this length in its error
UPLOAD_PREFIX = "upload-"
UPLOAD_ORIGIN = "upload"
FORMATS = {".csv": "csv", ".yaml": "yaml", ".yml": "yaml", ".geojson": "geojson", ".json": "geojson"}
UPLOAD_NOTE = "From your uploaded file's coordinates: approximate, not curated."


@dataclass
class UploadResult:
    events: list[Event] = field(default_factory=list)
    places: dict[str, Place] = field(default_factory=dict)
    errors: list[DataError] = field(default_factory=list)
    format: str = ""  # csv | yaml | geojson, or "" when the file could not be read at all


class _NoAliasLoader(yaml.SafeLoader):
    """SafeLoader that refuses anchors/aliases: a 2 MB file cannot expand into gigabytes."""

    def compose_node(self, parent, index):
        if self.check_event(yaml.AliasEvent):
            event = self.peek_event()
            raise yaml.composer.ComposerError(
                None, None, "aliases (*name) are not allowed in uploads", event.start_mark
            )
        return super().compose_node(parent, index)


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
            records, extra_places = _geojson_records(text), []
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
            f"at most {max_bytes:,} bytes ({max_bytes / 1e6:.1f} MB); split the file",
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
    from patrolmap import export  # written beside this module; only CSV uploads need it

    try:
        reader = csv.DictReader(io.StringIO(text, newline=""), strict=False)
        header = reader.fieldnames or []
        rows = list(reader)
    except csv.Error as exc:
        raise _FileProblem("(CSV)", str(exc), 'valid CSV (comma-separated, quoted with ")') from None
    columns = set(export.CSV_COLUMNS)
    if not header or "id" not in header or not columns.intersection(header) - {"id"}:
        raise _FileProblem("(columns)", header[:12], "the CSV export's header: " + ", ".join(export.CSV_COLUMNS))
    unknown = [h for h in header if h not in columns]
    records: list[tuple[int, object, dict]] = []
    for index, row in enumerate(rows):
        # Spreadsheet row numbers: the header is row 1. (A quoted newline makes rows span lines.)
        position = index + 2
        if None in row:
            records.append((position, _CellProblem("(columns)", row[None], f"at most {len(header)} cells"), {}))
            continue
        try:
            raws = export.events_from_csv_rows([{k: v for k, v in row.items() if k not in unknown}])
        except Exception as exc:  # the converter's own complaint, for this row only
            records.append((position, _CellProblem("(row)", str(exc), "cells in the CSV export's format"), {}))
            continue
        for raw in raws:
            records.append((position, raw, {}))
    return records


@dataclass(frozen=True)
class _CellProblem:
    """A CSV row that could not even become a record; reported under its row."""

    field: str
    value: object
    expected: str


def _yaml_records(text: str) -> tuple[list, list]:
    try:
        content = yaml.load(text, Loader=_NoAliasLoader)  # noqa: S506 (a SafeLoader subclass)
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


def _geojson_records(text: str) -> list[tuple[int, object, dict]]:
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
    for index, feature in enumerate(features):
        position = index + 1
        if not isinstance(feature, dict) or not isinstance(feature.get("properties"), dict):
            records.append(
                (position, _CellProblem("properties", _short(feature), "a mapping with the event record"), {})
            )
            continue
        raw = dict(feature["properties"])
        try:
            geometry_places = _geometry_places(raw, feature.get("geometry"))
        except _FileProblem as problem:
            records.append((position, _CellProblem(problem.field, problem.value, problem.expected), {}))
            continue
        records.append((position, raw, geometry_places))
    return records


def _geometry_places(raw: dict, geometry: object) -> dict[str, Place]:
    """Uploaded places for a feature's geometry; raw gets their ids as route waypoints or an area."""
    if geometry is None:
        return {}
    if not isinstance(geometry, dict):
        raise _FileProblem("geometry", _short(geometry), "a GeoJSON geometry or null")
    kind = geometry.get("type")
    if kind in ("Point", "MultiPoint"):
        return {}
    base = _base_id(raw.get("id"))
    coords = geometry.get("coordinates")
    if kind == "LineString":
        points = _positions(coords, "geometry.coordinates", minimum=2)
        route = raw.get("route")
        route = dict(route) if isinstance(route, dict) else {}
        if route.get("waypoints"):
            raise _FileProblem("route.waypoints", route["waypoints"], "absent when the geometry is a LineString")
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
        return made
    if kind == "Polygon":
        if not isinstance(coords, list) or not coords:
            raise _FileProblem("geometry.coordinates", _short(coords), "a list of linear rings")
        ring = _positions(coords[0], "geometry.coordinates", minimum=4)
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
        return {area_id: area}
    raise _FileProblem("geometry.type", _short(kind), "LineString (route), Polygon (area), Point or null")


def _base_id(event_id: object) -> str:
    text = str(event_id) if isinstance(event_id, str) else "event"
    if text.startswith(UPLOAD_PREFIX):
        text = text[len(UPLOAD_PREFIX) :]
    text = re.sub(r"[^a-z0-9-]+", "-", text.lower()).strip("-")[:80] or "event"
    return UPLOAD_PREFIX + text


def _positions(coords: object, name: str, minimum: int) -> list[tuple[float, float]]:
    """[lon, lat] positions, longitudes wrapped into -180..180."""
    if not isinstance(coords, list) or len(coords) < minimum:
        raise _FileProblem(name, _short(coords), f"a list of at least {minimum} [lon, lat] positions")
    if len(coords) > MAX_VERTICES:
        raise _FileProblem(name, f"{len(coords)} positions", f"at most {MAX_VERTICES} positions")
    points = []
    for point in coords:
        if not (
            isinstance(point, list)
            and len(point) in (2, 3)
            and all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in point)
            and -540 <= point[0] <= 540
            and -90 <= point[1] <= 90
        ):
            raise _FileProblem(name, _short(point), "[lon, lat] with -90 <= lat <= 90")
        lon = float(point[0])
        if not -180 <= lon <= 180:
            lon = (lon + 180) % 360 - 180
        points.append((lon, float(point[1])))
    return points


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
