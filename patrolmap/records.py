"""Records back to the YAML shape of data/FORMAT.md, with nothing lost.

event_record(event) is the inverse of load.parse_event: loading its output gives the same Event
(tests/test_export.py round-trips every curated record through the upload). The YAML export uses
it; so can anything that writes records (release ingest, a draft editor).
"""

from __future__ import annotations

import dataclasses
from datetime import date

from patrolmap.schema import Event, Place

SKIP = object()  # what a field writer returns for a field the record leaves out


def _plain(value: object) -> object:
    """A value as YAML holds it: lists, ISO dates, and mappings for record types (a review)."""
    if isinstance(value, (tuple, list)):
        return [_plain(v) for v in value]
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if dataclasses.is_dataclass(value):
        return {f.name: _plain(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if hasattr(value, "model_dump"):  # a pydantic record
        return _plain(value.model_dump(exclude_none=True))
    return value


def _empty(value: object) -> bool:
    return value is None or value == "" or value == () or value == {}


def always(value: object) -> object:
    """A field every record writes, empty or not."""
    return _plain(value)


def optional(value: object) -> object:
    """A field left out when empty, as a curator would (v0.2 fields among them)."""
    return SKIP if _empty(value) else _plain(value)


def or_null(value: object) -> object:
    """A field always written, null when empty (a source without a headline)."""
    return value or None


def as_is(value: object) -> object:
    """A field written as the record holds it (a claim's value keeps its own type)."""
    return value


def nested(fields: tuple) -> object:
    """A writer for a field that holds one record or a list of them, left out when empty."""

    def write(value: object) -> object:
        if _empty(value):
            return SKIP
        if isinstance(value, (list, tuple)):
            return [record_of(item, fields) for item in value]
        return record_of(value, fields)

    return write


def disputes(value: object) -> object:
    """(field, note) pairs as {field, note}, the note left out when there is none."""
    if not value:
        return SKIP
    return [{"field": name, **({"note": note} if note else {})} for name, note in value]


def fields(spec: str, **writers) -> tuple:
    """(name, writer) pairs from a spec in FORMAT.md's order: "name" always written, "name?"
    optional, "name~" null when empty, "name=" as the record holds it, "name*" the writer given."""
    suffixes = {"?": optional, "~": or_null, "=": as_is}
    out = []
    for word in spec.split():
        name, mark = (word[:-1], word[-1]) if word[-1] in "?~=*" else (word, "")
        out.append((name, writers[name] if mark == "*" else suffixes.get(mark, always)))
    return tuple(out)


ROUTE_FIELDS = fields("waypoints provenance source note?")
ASSET_FIELDS = fields("country type name? count role source")
INCIDENT_FIELDS = fields("kind actor responder? place~ date? description source")
CLAIM_FIELDS = fields("field value= source note?")
SOURCE_FIELDS = fields(
    "id producer title~ url date_published date_accessed kind language? note? carries? statement_by? statement_country?"
)
EVENT_FIELDS = fields(
    "id kind status? name aliases? date_start date_end participants areas route* assets* incidents* duration_hours? "
    "firsts? summary? claims* disputes* unknown? reviewed? sources*",
    route=nested(ROUTE_FIELDS),
    assets=nested(ASSET_FIELDS),
    incidents=nested(INCIDENT_FIELDS),
    claims=nested(CLAIM_FIELDS),
    disputes=disputes,
    sources=nested(SOURCE_FIELDS),
)
PLACE_FIELDS = fields("id name aliases? names? kind lat lon polygon? note?")


def record_of(item: object, fields: tuple) -> dict:
    """The mapping of one record: each field its writer keeps, in the table's order."""
    out = {}
    for name, write in fields:
        value = write(getattr(item, name, None))
        if value is not SKIP:
            out[name] = value
    return out


def event_record(event: Event) -> dict:
    """One Event as the mapping data/events/*.yaml holds, keys in FORMAT.md's order; optional
    fields that are empty are left out, as a curator would."""
    return record_of(event, EVENT_FIELDS)


def place_record(place: Place) -> dict:
    """One Place as data/places/*.yaml holds it (for exporting places an upload defined)."""
    return record_of(place, PLACE_FIELDS)
