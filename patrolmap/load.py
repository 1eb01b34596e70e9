"""data/ -> validated records.

Every problem becomes a DataError naming file, record, field and value; a bad
record is rejected and reported, the valid ones still load. Nothing is dropped
silently: callers get (records, errors) and show both.
"""

from __future__ import annotations

import json
import os
import re
import typing
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path

import pandas as pd
import yaml
from pydantic import TypeAdapter, ValidationError

from patrolmap.schema import (
    COUNTRIES,
    LOADER_FIELDS,
    MAX_TEXT,
    MISSING,
    CatalogueEntry,
    DrillAliases,
    Event,
    Place,
    Ship,
)

# PATROLMAP_DATA_DIR points the app at another data folder (tests use it for hostile and broken data).
DATA_DIR = Path(os.environ.get("PATROLMAP_DATA_DIR") or Path(__file__).resolve().parent.parent / "data")
# libyaml's safe loader when PyYAML was built with it (the PyPI wheels are): 8x faster, same result.
SAFE_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
# pydantic error types meaning "this should have been a mapping of fields".
NOT_A_MAPPING = {"dataclass_type", "dataclass_exact_type", "dataclass_args_type", "dict_type"}
# pydantic's own text checks (schema.Text) in the loader's words.
NATIVE_TEXT_ERRORS = {
    "string_type": "a string",
    "string_too_short": "a non-empty string",
    "string_too_long": f"at most {MAX_TEXT} characters",
}
DRAFT_EXPECTED = "absent in data/ (a draft loads only with load_dataset(show_drafts=True))"


@dataclass(frozen=True)
class DataError:
    """One problem in one field of one record."""

    file: str
    record: str
    field: str
    value: object
    expected: str
    unknown: bool = False  # the field itself is not in the record format (a stray key)

    @property
    def value_text(self) -> str:
        """The value as the data files spell it (true, null, NaN, "text", [1, 2]), not as Python does."""
        if self.value is MISSING:
            return "(not in the record)"
        try:
            return json.dumps(self.value, ensure_ascii=False, default=str)
        except (TypeError, ValueError):  # a structure that refers to itself
            return repr(self.value)

    def __str__(self) -> str:
        value = repr(self.value)
        if len(value) > 120:
            value = value[:117] + "..."
        if self.unknown:
            where = f"{self.file} {self.record}: unknown field {self.field!r}"
            return f"{where}: field names must be {self.expected}, got {value}"
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
    catalogue: list[CatalogueEntry] = field(default_factory=list)
    aliases: list[DrillAliases] = field(default_factory=list)
    meta: dict = field(default_factory=dict)
    errors: list[DataError] = field(default_factory=list)
    ships: list[Ship] = field(default_factory=list)


_ADAPTERS: dict[type, TypeAdapter] = {}


def validate_record(model: type, raw: object, file: str, label: str, errors: list[DataError], context: dict):
    """raw validated as model (a schema record type), or None with every problem appended to errors."""
    adapter = _ADAPTERS.get(model) or _ADAPTERS.setdefault(model, TypeAdapter(model))
    try:
        return adapter.validate_python(raw, context=context)
    except ValidationError as exc:
        errors.extend(_data_error(model, err, file, label) for err in exc.errors(include_url=False))
        return None


def _data_error(model: type, err: dict, file: str, label: str) -> DataError:
    """One pydantic error -> a DataError: field path without list indexes, value as read, what was expected."""
    path = [part for part in err["loc"] if isinstance(part, str)]
    ctx = err.get("ctx") or {}
    value = ctx.get("value", err["input"])
    value = None if value is MISSING else value
    if err["type"] == "unexpected_keyword_argument":
        known = [name for name in _fields_at(model, path[:-1]) if name not in LOADER_FIELDS]
        return DataError(file, label, ".".join(path), path[-1], "one of " + ", ".join(known), unknown=True)
    if err["type"] == "expected" and ctx.get("at"):
        path.append(ctx["at"])
    return DataError(file, label, ".".join(path) or "(record)", value, _expected(err, ctx, value))


def _expected(err: dict, ctx: dict, value: object) -> str:
    """What the field must be, in the loader's words whichever check (ours or pydantic's) failed."""
    kind = err["type"]
    if kind == "expected":
        return ctx["expected"]
    if kind in NATIVE_TEXT_ERRORS:
        return "a non-empty string" if value is None else NATIVE_TEXT_ERRORS[kind]
    if kind == "literal_error":
        return _vocabulary_words(ctx["expected"])
    if kind == "invalid_key":  # YAML read an unquoted key as a number, a date or null
        return "a mapping with text keys (quote the key)"
    if kind in NOT_A_MAPPING:
        return "a mapping of fields"
    return err["msg"].removeprefix("Input should be ")  # a check pydantic made itself, in its own words


def _vocabulary_words(expected: str) -> str:
    """pydantic's "'a', 'b' or 'c'" in the loader's words (countries by the table's name)."""
    words = re.findall(r"'([^']*)'", expected)
    if set(words) == set(COUNTRIES):
        return "an ISO 3166 alpha-3 code from schema.COUNTRIES"
    return "one of " + ", ".join(sorted(words))


def _fields_at(model: type, path: list[str]) -> list[str]:
    """Field names of the record type found at path inside model (e.g. ["claims"] -> Claim's)."""
    for name in path:
        model = _record_type(model.__pydantic_fields__[name].annotation) or model
    return list(model.__pydantic_fields__)


def _record_type(annotation: object) -> type | None:
    """The schema record type inside an annotation such as tuple[Claim, ...] or Route | None."""
    if hasattr(annotation, "__pydantic_fields__"):
        return annotation
    for arg in typing.get_args(annotation):
        found = _record_type(arg)
        if found is not None:
            return found
    return None


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


def _label(raw: object, index: int, key: str = "id") -> str:
    if isinstance(raw, dict) and isinstance(raw.get(key), str) and raw[key]:
        return f"{key}={raw[key]}"
    return f"record #{index + 1}"


def _with_loader_fields(raw: object, where: tuple[str, str], errors: list[DataError], values: dict) -> object:
    """raw plus the fields only the loader sets; a file that writes one of them has a stray key."""
    if not isinstance(raw, dict):
        return raw
    for name in LOADER_FIELDS:
        if name in raw:
            errors.append(DataError(*where, name, name, "fields of the record format (set by the loader)", True))
    return {**raw, **values}


def parse_place(raw: object, file: str, index: int, errors: list[DataError]) -> Place | None:
    """One place mapping -> Place, or None with its problems appended to errors."""
    label = _label(raw, index)
    before = len(errors)
    raw = _with_loader_fields(raw, (file, label), errors, {"file": file})
    place = validate_record(Place, raw, file, label, errors, {})
    return place if len(errors) == before else None


def parse_event(
    raw: object, file: str, index: int, places: dict[str, Place], errors: list[DataError], origin: str = "curated"
) -> Event | None:
    """One event mapping -> Event, or None with its problems appended to errors."""
    label = _label(raw, index)
    before = len(errors)
    raw = _with_loader_fields(raw, (file, label), errors, {"file": file, "origin": origin})
    context = {"places": places, "source_ids": _source_ids(raw)}
    event = validate_record(Event, raw, file, label, errors, context)
    return event if len(errors) == before else None


def _source_ids(raw: object) -> set:
    """The ids a record's sources give, for checking what its claims, assets and route cite."""
    sources = raw.get("sources") if isinstance(raw, dict) else None
    if not isinstance(sources, list):
        return set()
    return {s.get("id") for s in sources if isinstance(s, dict) and isinstance(s.get("id"), str)}


def load_places(paths: list[Path], errors: list[DataError], root: Path | None = None) -> dict[str, Place]:
    places: dict[str, Place] = {}
    for name, place in _parsed(paths, errors, root, partial(parse_place, errors=errors)):
        if place.id in places:
            errors.append(_duplicate_id(name, place.id, places[place.id].file))
            continue
        places[place.id] = place
    return places


def _parsed(paths: list[Path], errors: list[DataError], root: Path | None, parse):
    """(file name, record) for every record of the files that parses; the others are in errors."""
    for path in paths:
        name = _display_name(path, root)
        for index, raw in enumerate(read_yaml_list(path, errors, root)):
            record = parse(raw, name, index)
            if record is not None:
                yield name, record


def _duplicate_id(name: str, record_id: str, first_file: str) -> DataError:
    return DataError(name, f"id={record_id}", "id", record_id, f"unique (already in {first_file})")


def load_events(
    paths: list[Path],
    places: dict[str, Place],
    errors: list[DataError],
    root: Path | None = None,
    show_drafts: bool = False,
) -> list[Event]:
    events: list[Event] = []
    seen: dict[str, str] = {}
    for name, event in _parsed(paths, errors, root, partial(parse_event, places=places, errors=errors)):
        if event.status == "draft" and not show_drafts:
            errors.append(DataError(name, f"id={event.id}", "status", event.status, DRAFT_EXPECTED))
            continue
        if event.id in seen:
            errors.append(_duplicate_id(name, event.id, seen[event.id]))
            continue
        seen[event.id] = name
        events.append(event)
    events.sort(key=lambda e: (e.date_start, e.id))
    return events


def load_records(path: Path, model: type, key: str, errors: list[DataError], root: Path) -> list:
    """An optional file of records of one type (absent = none); records are labelled by their `key`."""
    if not path.exists():
        return []
    name = _display_name(path, root)
    records = []
    for index, raw in enumerate(read_yaml_list(path, errors, root)):
        record = validate_record(model, raw, name, _label(raw, index, key), errors, {})
        if record is not None:
            records.append(record)
    return records


def load_dataset(data_dir: Path | None = None, strict: bool = False, show_drafts: bool = False) -> Dataset:
    """Read data/ into validated records. strict=True raises DataErrors listing every problem.

    A record with status: draft is refused (a DataError names it) unless show_drafts=True."""
    data_dir = Path(data_dir or DATA_DIR)
    errors: list[DataError] = []
    places = load_places(sorted((data_dir / "places").glob("*.yaml")), errors, data_dir)
    events = load_events(sorted((data_dir / "events").glob("*.yaml")), places, errors, data_dir, show_drafts)
    catalogue = load_records(data_dir / "assets.yaml", CatalogueEntry, "type", errors, data_dir)
    aliases = load_records(data_dir / "aliases.yaml", DrillAliases, "canonical", errors, data_dir)
    ships = load_records(data_dir / "ships.yaml", Ship, "name", errors, data_dir)
    meta = {}
    package = data_dir / "datapackage.yaml"
    if package.exists():
        try:
            meta = yaml.load(package.read_text(encoding="utf-8"), Loader=SAFE_LOADER) or {}
        except yaml.YAMLError as exc:
            errors.append(DataError(_display_name(package, data_dir), "file", "(YAML)", str(exc), "valid YAML"))
    if strict and errors:
        raise DataErrors(errors)
    return Dataset(events, places, catalogue, aliases, meta, errors, ships)


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


def type_index(catalogue: list[CatalogueEntry]) -> dict[str, str]:
    """Every catalogue type and alias -> its canonical type, so 'Hong-6K' counts as 'H-6K'."""
    index = {}
    for entry in catalogue:
        index[entry.type] = entry.type
        for alias in entry.aliases:
            index.setdefault(alias, entry.type)
    return index
