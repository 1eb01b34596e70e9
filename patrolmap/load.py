"""data/ -> validated records.

Every problem becomes a DataError naming file, record, field and value; a bad
record is rejected and reported, the valid ones still load. Nothing is dropped
silently: callers get (records, errors) and show both.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from urllib.parse import urlparse

import pandas as pd
import yaml

from patrolmap.schema import (
    COUNTRIES,
    INCIDENT_KINDS,
    KINDS,
    PLACE_KINDS,
    PROVENANCES,
    ROLES,
    SOURCE_KINDS,
    Asset,
    Claim,
    Event,
    Incident,
    Place,
    Route,
    Source,
)

# PATROLMAP_DATA_DIR points the app at another data folder (tests use it for hostile and broken data).
DATA_DIR = Path(os.environ.get("PATROLMAP_DATA_DIR") or Path(__file__).resolve().parent.parent / "data")
ID_PATTERN = re.compile(r"^[a-z0-9][a-z0-9-]{1,80}$")
# libyaml's safe loader when PyYAML was built with it (the PyPI wheels are): 8x faster, same result.
SAFE_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
DATE_PATTERN = re.compile(r"^\d{4}-\d{2}-\d{2}$")
# Never in a URL we link to: they break out of attributes and markup. (An apostrophe is legal in
# URLs and real sources use it; cards.safe_url percent-encodes it.)
URL_FORBIDDEN = ' <>"`'
MAX_TEXT = 5000  # characters in one text field; longer is almost certainly not a record


@dataclass(frozen=True)
class DataError:
    """One problem in one field of one record."""

    file: str
    record: str
    field: str
    value: object
    expected: str

    def __str__(self) -> str:
        value = repr(self.value)
        if len(value) > 120:
            value = value[:117] + "..."
        return f"{self.file} {self.record}: {self.field} must be {self.expected}, got {value}"


class DataErrors(ValueError):
    """Raised by strict loading: carries every problem found, not only the first."""

    def __init__(self, errors: list[DataError]):
        self.errors = list(errors)
        lines = "\n".join(f"- {e}" for e in self.errors)
        super().__init__(f"{len(self.errors)} problem(s) in the data:\n{lines}")


@dataclass
class Dataset:
    events: list[Event]
    places: dict[str, Place]
    catalogue: list[dict] = field(default_factory=list)
    aliases: list[dict] = field(default_factory=list)
    meta: dict = field(default_factory=dict)
    errors: list[DataError] = field(default_factory=list)


class _Record:
    """Collects the problems of one record while its fields are read."""

    def __init__(self, file: str, label: str, errors: list[DataError]):
        self.file = file
        self.label = label
        self.errors = errors
        self.ok = True

    def fail(self, name: str, value: object, expected: str) -> None:
        self.ok = False
        self.errors.append(DataError(self.file, self.label, name, value, expected))

    def text(self, raw: dict, name: str, required: bool = True) -> str:
        value = raw.get(name)
        if value is None or value == "":
            if required:
                self.fail(name, value, "a non-empty string")
            return ""
        if not isinstance(value, str):
            self.fail(name, value, "a string")
            return ""
        if len(value) > MAX_TEXT:
            self.fail(name, value, f"at most {MAX_TEXT} characters")
            return ""
        return value.strip()

    def choice(self, raw: dict, name: str, allowed, default: str | None = None) -> str:
        value = raw.get(name, default)
        if not isinstance(value, str) or value not in allowed:
            self.fail(name, value, "one of " + ", ".join(sorted(allowed)))
            return ""
        return value

    def day(self, raw: dict, name: str, required: bool = True) -> date | None:
        value = raw.get(name)
        if value is None:
            if required:
                self.fail(name, value, "a date YYYY-MM-DD")
            return None
        if isinstance(value, datetime):  # an unquoted YAML timestamp: a time we do not record
            self.fail(name, str(value), "a date YYYY-MM-DD without a time")
            return None
        if isinstance(value, date):
            return value
        if isinstance(value, str) and DATE_PATTERN.match(value):
            try:
                return date.fromisoformat(value)
            except ValueError:
                pass
        self.fail(name, value, "a date YYYY-MM-DD")
        return None

    def country(self, value: object, name: str) -> str:
        if not isinstance(value, str) or value not in COUNTRIES:
            self.fail(name, value, "an ISO 3166 alpha-3 code from schema.COUNTRIES")
            return ""
        return value

    def items(self, raw: dict, name: str, required: bool = False) -> list:
        value = raw.get(name)
        if value is None:
            if required:
                self.fail(name, value, "a non-empty list")
            return []
        if not isinstance(value, list):
            self.fail(name, value, "a list")
            return []
        if required and not value:
            self.fail(name, value, "a non-empty list")
        return value

    def mapping(self, value: object, name: str) -> dict | None:
        if not isinstance(value, dict):
            self.fail(name, value, "a mapping of fields")
            return None
        return value

    def place(self, value: object, name: str, places: dict[str, Place]) -> str:
        if not isinstance(value, str) or value not in places:
            self.fail(name, value, "a gazetteer id defined in data/places")
            return ""
        return value

    def number(self, value: object, name: str, integer: bool = False) -> float | int | None:
        if value is None:
            return None
        ok_type = int if integer else (int, float)
        if isinstance(value, bool) or not isinstance(value, ok_type) or value < 0:
            self.fail(name, value, "a non-negative " + ("integer" if integer else "number") + " or null")
            return None
        return value

    def url(self, value: object, name: str) -> str:
        try:
            parsed = urlparse(value) if isinstance(value, str) else None
        except ValueError:  # e.g. an unclosed IPv6 bracket
            parsed = None
        if (
            parsed is None
            or parsed.scheme not in ("http", "https")
            or not parsed.netloc
            or any(c in value for c in URL_FORBIDDEN)
        ):
            self.fail(name, value, "an http(s) URL")
            return ""
        return value


def read_yaml_list(path: Path, errors: list[DataError], root: Path | None = None) -> list:
    """A YAML file holding a list of mappings; syntax errors are reported, not raised."""
    name = _display_name(path, root)
    try:
        content = yaml.load(path.read_text(encoding="utf-8"), Loader=SAFE_LOADER)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"line {mark.line + 1}" if mark else "file"
        errors.append(DataError(name, where, "(YAML)", getattr(exc, "problem", str(exc)), "valid YAML"))
        return []
    except UnicodeDecodeError as exc:
        errors.append(DataError(name, "file", "(encoding)", str(exc), "UTF-8 text"))
        return []
    if content is None:
        return []
    if not isinstance(content, list):
        errors.append(DataError(name, "file", "(top level)", type(content).__name__, "a list of records"))
        return []
    return content


def _display_name(path: Path, root: Path | None) -> str:
    try:
        return str(path.relative_to(root.parent)) if root else path.name
    except ValueError:
        return path.name


def _label(raw: object, index: int) -> str:
    if isinstance(raw, dict) and isinstance(raw.get("id"), str) and raw["id"]:
        return f"id={raw['id']}"
    return f"record #{index + 1}"


def parse_place(raw: object, file: str, index: int, errors: list[DataError]) -> Place | None:
    rec = _Record(file, _label(raw, index), errors)
    raw = rec.mapping(raw, "(record)")
    if raw is None:
        return None
    place_id = rec.text(raw, "id")
    if place_id and not ID_PATTERN.match(place_id):
        rec.fail("id", place_id, "lower-case letters, digits and hyphens")
    name = rec.text(raw, "name")
    kind = rec.choice(raw, "kind", PLACE_KINDS)
    lat, lon = raw.get("lat"), raw.get("lon")
    if not _is_number(lat) or not -90 <= lat <= 90:
        rec.fail("lat", lat, "a latitude between -90 and 90")
    if not _is_number(lon) or not -180 <= lon <= 180:
        rec.fail("lon", lon, "a longitude between -180 and 180")
    aliases = [a for a in rec.items(raw, "aliases") if _string_item(rec, "aliases", a)]
    polygon = []
    for point in rec.items(raw, "polygon"):
        if (
            isinstance(point, list)
            and len(point) == 2
            and all(_is_number(v) for v in point)
            and -180 <= point[0] <= 180
            and -90 <= point[1] <= 90
        ):
            polygon.append((float(point[0]), float(point[1])))
        else:
            rec.fail("polygon", point, "[lon, lat] pairs")
    if polygon and len(polygon) < 3:
        rec.fail("polygon", raw.get("polygon"), "at least 3 points")
    note = rec.text(raw, "note", required=False)
    if not rec.ok:
        return None
    return Place(place_id, name, kind, float(lat), float(lon), tuple(aliases), tuple(polygon), note, file)


def _is_number(value: object) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _string_item(rec: _Record, name: str, value: object) -> bool:
    if isinstance(value, str) and value.strip():
        return True
    rec.fail(name, value, "a list of non-empty strings")
    return False


def parse_event(
    raw: object, file: str, index: int, places: dict[str, Place], errors: list[DataError], origin: str = "curated"
) -> Event | None:
    """One event mapping -> Event, or None with its problems appended to errors."""
    rec = _Record(file, _label(raw, index), errors)
    raw = rec.mapping(raw, "(record)")
    if raw is None:
        return None
    event_id = rec.text(raw, "id")
    if event_id and not ID_PATTERN.match(event_id):
        rec.fail("id", event_id, "lower-case letters, digits and hyphens")
    kind = rec.choice(raw, "kind", KINDS)
    name = rec.text(raw, "name")
    start = rec.day(raw, "date_start")
    end = rec.day(raw, "date_end")
    if start and end and end < start:
        rec.fail("date_end", str(end), f"on or after date_start {start}")
    participants = [rec.country(c, "participants") for c in rec.items(raw, "participants", required=True)]
    areas = [rec.place(p, "areas", places) for p in rec.items(raw, "areas", required=True)]

    sources = _parse_sources(rec, raw)
    source_ids = {s.id for s in sources}

    def cited(value: object, name: str) -> str:
        if not isinstance(value, str) or value not in source_ids:
            rec.fail(name, value, "the id of one of this record's sources")
            return ""
        return value

    route = None
    if raw.get("route") is not None:
        route_raw = rec.mapping(raw["route"], "route")
        if route_raw is not None:
            waypoints = [rec.place(p, "route.waypoints", places) for p in rec.items(route_raw, "waypoints")]
            if len(waypoints) < 2:
                rec.fail("route.waypoints", route_raw.get("waypoints"), "at least 2 gazetteer ids")
            provenance = rec.choice(route_raw, "provenance", PROVENANCES)
            route_source = cited(route_raw.get("source"), "route.source")
            note = rec.text(route_raw, "note", required=False)
            route = Route(tuple(waypoints), provenance, route_source, note)

    assets = []
    for item in rec.items(raw, "assets"):
        item = rec.mapping(item, "assets")
        if item is None:
            continue
        assets.append(
            Asset(
                country=rec.country(item.get("country"), "assets.country"),
                type=rec.text(item, "type"),
                count=rec.number(item.get("count"), "assets.count", integer=True),
                role=rec.choice(item, "role", ROLES),
                source=cited(item.get("source"), "assets.source"),
            )
        )

    incidents = []
    for item in rec.items(raw, "incidents"):
        item = rec.mapping(item, "incidents")
        if item is None:
            continue
        incidents.append(
            Incident(
                kind=rec.choice(item, "kind", INCIDENT_KINDS),
                actor=rec.country(item.get("actor"), "incidents.actor"),
                # No place when the source gives none: the card lists it, the map cannot.
                place=rec.place(item["place"], "incidents.place", places) if item.get("place") is not None else "",
                date=rec.day(item, "date", required=False),
                description=rec.text(item, "description"),
                source=cited(item.get("source"), "incidents.source"),
            )
        )

    claims = []
    for item in rec.items(raw, "claims"):
        item = rec.mapping(item, "claims")
        if item is None:
            continue
        if "value" not in item:
            rec.fail("claims.value", None, "a value")
        claims.append(
            Claim(
                field=rec.text(item, "field"),
                value=item.get("value"),
                source=cited(item.get("source"), "claims.source"),
                note=rec.text(item, "note", required=False),
            )
        )
    disputes = []
    for item in rec.items(raw, "disputes"):
        item = rec.mapping(item, "disputes")
        if item is not None:
            disputes.append((rec.text(item, "field"), rec.text(item, "note", required=False)))
    _check_disputes(rec, claims, disputes)

    firsts = [f for f in rec.items(raw, "firsts") if _string_item(rec, "firsts", f)]
    aliases = [a for a in rec.items(raw, "aliases") if _string_item(rec, "aliases", a)]
    unknown = [u for u in rec.items(raw, "unknown") if _string_item(rec, "unknown", u)]
    summary = rec.text(raw, "summary", required=False)
    duration = rec.number(raw.get("duration_hours"), "duration_hours")
    if not rec.ok:
        return None
    return Event(
        id=event_id,
        kind=kind,
        name=name,
        date_start=start,
        date_end=end,
        participants=tuple(participants),
        areas=tuple(areas),
        sources=tuple(sources),
        summary=summary,
        aliases=tuple(aliases),
        route=route,
        assets=tuple(assets),
        incidents=tuple(incidents),
        duration_hours=duration,
        firsts=tuple(firsts),
        claims=tuple(claims),
        disputes=tuple(disputes),
        unknown=tuple(unknown),
        file=file,
        origin=origin,
    )


def _parse_sources(rec: _Record, raw: dict) -> list[Source]:
    sources = []
    seen = set()
    for item in rec.items(raw, "sources", required=True):
        item = rec.mapping(item, "sources")
        if item is None:
            continue
        source_id = rec.text(item, "id")
        if source_id in seen:
            rec.fail("sources.id", source_id, "unique within the record")
        seen.add(source_id)
        sources.append(
            Source(
                id=source_id,
                producer=rec.text(item, "producer"),
                title=rec.text(item, "title"),
                url=rec.url(item.get("url"), "sources.url"),
                date_published=rec.day(item, "date_published", required=False),
                date_accessed=rec.day(item, "date_accessed", required=False),
                kind=rec.choice(item, "kind", SOURCE_KINDS, default="news"),
            )
        )
    return sources


def _check_disputes(rec: _Record, claims: list[Claim], disputes: list[tuple[str, str]]) -> None:
    """A field whose claims disagree must be listed in disputes, so no conflict hides."""
    values: dict[str, set] = {}
    for claim in claims:
        if claim.field == "other":  # free-form notes, each about a different fact
            continue
        values.setdefault(claim.field, set()).add(repr(claim.value))
    disputed = {name for name, _ in disputes}
    for name, distinct in values.items():
        if len(distinct) > 1 and name not in disputed:
            rec.fail("disputes", sorted(disputed), f"to list '{name}', whose claims differ")


def load_places(paths: list[Path], errors: list[DataError], root: Path | None = None) -> dict[str, Place]:
    places: dict[str, Place] = {}
    for path in paths:
        name = _display_name(path, root)
        for index, raw in enumerate(read_yaml_list(path, errors, root)):
            place = parse_place(raw, name, index, errors)
            if place is None:
                continue
            if place.id in places:
                errors.append(
                    DataError(name, f"id={place.id}", "id", place.id, f"unique (already in {places[place.id].file})")
                )
                continue
            places[place.id] = place
    return places


def load_events(
    paths: list[Path], places: dict[str, Place], errors: list[DataError], root: Path | None = None
) -> list[Event]:
    events: list[Event] = []
    seen: dict[str, str] = {}
    for path in paths:
        name = _display_name(path, root)
        for index, raw in enumerate(read_yaml_list(path, errors, root)):
            event = parse_event(raw, name, index, places, errors)
            if event is None:
                continue
            if event.id in seen:
                errors.append(
                    DataError(name, f"id={event.id}", "id", event.id, f"unique (already in {seen[event.id]})")
                )
                continue
            seen[event.id] = name
            events.append(event)
    events.sort(key=lambda e: (e.date_start, e.id))
    return events


def load_dataset(data_dir: Path | None = None, strict: bool = False) -> Dataset:
    """Read data/ into validated records. strict=True raises DataErrors listing every problem."""
    data_dir = Path(data_dir or DATA_DIR)
    errors: list[DataError] = []
    places = load_places(sorted((data_dir / "places").glob("*.yaml")), errors, data_dir)
    events = load_events(sorted((data_dir / "events").glob("*.yaml")), places, errors, data_dir)
    catalogue = _optional_list(data_dir / "assets.yaml", errors, data_dir)
    aliases = _optional_list(data_dir / "aliases.yaml", errors, data_dir)
    meta = {}
    package = data_dir / "datapackage.yaml"
    if package.exists():
        try:
            meta = yaml.load(package.read_text(encoding="utf-8"), Loader=SAFE_LOADER) or {}
        except yaml.YAMLError as exc:
            errors.append(DataError(_display_name(package, data_dir), "file", "(YAML)", str(exc), "valid YAML"))
    if strict and errors:
        raise DataErrors(errors)
    return Dataset(events, places, catalogue, aliases, meta, errors)


def _optional_list(path: Path, errors: list[DataError], root: Path) -> list:
    return read_yaml_list(path, errors, root) if path.exists() else []


FRAME_COLUMNS = [
    "id",
    "kind",
    "name",
    "date_start",
    "date_end",
    "year",
    "participants",
    "areas",
    "aircraft",
    "ships",
    "n_sources",
    "sources",
    "disputed",
    "origin",
]


def events_frame(events: list[Event]) -> pd.DataFrame:
    """One row per event, the columns filters and tables need."""
    rows = [
        {
            "id": e.id,
            "kind": e.kind,
            "name": e.name,
            "date_start": pd.Timestamp(e.date_start),
            "date_end": pd.Timestamp(e.date_end),
            "year": e.year,
            "participants": list(e.participants),
            "areas": list(e.areas),
            "aircraft": _count_assets(e, ("ship", "submarine"), exclude=True),
            "ships": _count_assets(e, ("ship", "submarine")),
            "n_sources": len(e.sources),
            "sources": "; ".join(s.producer for s in e.sources),
            "disputed": ", ".join(name for name, _ in e.disputes),
            "origin": e.origin,
        }
        for e in events
    ]
    return pd.DataFrame(rows, columns=FRAME_COLUMNS)


def _count_assets(event: Event, roles: tuple[str, ...], exclude: bool = False) -> int | None:
    """Sum of reported counts; None when no asset of those roles has a count."""
    counts = [a.count for a in event.assets if (a.role in roles) != exclude and a.count is not None]
    return sum(counts) if counts else None


def type_index(catalogue: list[dict]) -> dict[str, str]:
    """Every catalogue type and alias -> its canonical type, so 'Hong-6K' counts as 'H-6K'."""
    index = {}
    for item in catalogue:
        if isinstance(item, dict) and isinstance(item.get("type"), str):
            index[item["type"]] = item["type"]
            for alias in item.get("aliases") or []:
                index.setdefault(str(alias), item["type"])
    return index
