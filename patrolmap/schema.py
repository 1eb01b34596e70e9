"""Record types and controlled vocabularies, written once (record format v0.2).

Every record type is a frozen pydantic dataclass that forbids unknown keys. Reading a data file
validates through these types with a validation context (load.py passes the gazetteer and the
record's source ids); each failed check raises an "expected" error that names what the field must
be, and load.py turns it into a DataError. Records that the package's own code builds (synthetic
benchmarks, upload geometry, geocoding) carry no context and are trusted as built: the checks are
for data files, and skipping them keeps those paths as fast and as permissive as they were.

The JSON Schema for the data files, FORMAT.md's field tables and datapackage.yaml's field lists are
generated from these types (scripts/build_schema.py); tests fail when they drift.
"""

import math
import re
from dataclasses import field as dataclass_field
from datetime import date, datetime
from typing import Annotated, Any, Literal
from urllib.parse import urlparse

from pydantic import (
    BeforeValidator,
    ConfigDict,
    Field,
    PlainValidator,
    StringConstraints,
    ValidationInfo,
    WithJsonSchema,
    field_validator,
    model_validator,
)
from pydantic.dataclasses import dataclass
from pydantic.json_schema import SkipJsonSchema
from pydantic_core import PydanticCustomError

KINDS = ("air_patrol", "naval_patrol", "submarine_patrol", "coast_guard_patrol", "exercise")
KIND_LABELS = {
    "air_patrol": "Air patrol",
    "naval_patrol": "Naval patrol",
    "submarine_patrol": "Submarine patrol",
    "coast_guard_patrol": "Coast-guard patrol",
    "exercise": "Exercise",
}
# The id of an event starts with its kind's prefix and its start date: air-2019-07-23.
ID_PREFIXES = {
    "air_patrol": "air",
    "naval_patrol": "naval",
    "submarine_patrol": "sub",
    "coast_guard_patrol": "cg",
    "exercise": "ex",
}
ROLES = (
    "bomber",
    "fighter",
    "aew",
    "tanker",
    "reconnaissance",
    "transport",
    "helicopter",
    "ship",
    "submarine",
    "other",
)
INCIDENT_KINDS = (
    "adiz_entry",
    "scramble",
    "intercept",
    "airspace_violation",
    "landing",
    "warning_shots",
    "protest",
    "tracking",
    "other",
)
INCIDENT_LABELS = {
    "adiz_entry": "ADIZ entry",
    "scramble": "Scramble",
    "intercept": "Intercept",
    "airspace_violation": "Airspace violation",
    "landing": "Landing at the other side's airfield",
    "warning_shots": "Warning shots",
    "protest": "Diplomatic protest",
    "tracking": "Tracking / shadowing",
    "other": "Other",
}
# Incident kinds whose actor is the responding country (so `responder` may be omitted).
RESPONSE_KINDS = ("scramble", "intercept", "warning_shots", "protest", "tracking")
PROVENANCES = {
    "map": "digitised from a published route map",
    "text": "reconstructed from a text description",
    "schematic": "schematic: only the areas are known",
}
SOURCE_KINDS = ("official", "news", "analysis")
SOURCE_CARRIES = {
    "statement": "it carries an official statement (verbatim or closely quoted)",
    "report": "the outlet's own reporting",
    "analysis": "commentary or analysis",
}
PLACE_KINDS = ("sea", "strait", "region", "cape", "island", "airbase", "port", "point", "city")
CATALOGUE_CATEGORIES = ("aircraft", "ship", "submarine")
EVENT_STATUSES = ("draft",)
REVIEW_CHECKS = ("dates", "assets", "areas", "route", "incidents", "numbering", "disputes", "sources")
# A claim's field -> the type its value must have.
CLAIM_FIELDS = {
    "date_start": "date",
    "date_end": "date",
    "aircraft_total": "number",
    "ships_total": "number",
    "number": "number",
    "duration_hours": "number",
    "distance_km": "number",
    "distance_nm": "number",
    "areas": "list",
    "other": "text",
}

# Countries the records may name, ISO 3166-1 alpha-3 -> short English name.
# A code outside this table is rejected so that a typo cannot invent a country.
COUNTRIES = {
    "RUS": "Russia",
    "CHN": "China",
    "IRN": "Iran",
    "JPN": "Japan",
    "KOR": "South Korea",
    "PRK": "North Korea",
    "USA": "United States",
    "CAN": "Canada",
    "TWN": "Taiwan",
    "PAK": "Pakistan",
    "AZE": "Azerbaijan",
    "ZAF": "South Africa",
    "OMN": "Oman",
    "KAZ": "Kazakhstan",
    "MNG": "Mongolia",
    "IND": "India",
    "IRQ": "Iraq",
    "QAT": "Qatar",
    "ARE": "United Arab Emirates",
    "LKA": "Sri Lanka",
    "BLR": "Belarus",
    "TJK": "Tajikistan",
    "KGZ": "Kyrgyzstan",
    "UZB": "Uzbekistan",
    "UKR": "Ukraine",
}

ID_PATTERN = re.compile(r"^[a-z0-9][a-z0-9-]{1,80}$")
DATE_PATTERN = re.compile(r"^\d{4}-\d{2}-\d{2}$")
LANGUAGE_PATTERN = re.compile(r"^[a-z]{2}$")  # ISO 639-1
# Never in a URL we link to: they break out of attributes and markup. (An apostrophe is legal in
# URLs and real sources use it; cards.safe_url percent-encodes it.)
URL_FORBIDDEN = ' <>"`'
MAX_TEXT = 5000  # characters in one text field; longer is almost certainly not a record
MAX_COUNT = 10_000  # assets of one type in one event; more is a typo or a serial number


class _Missing:
    """Stands in for a required key the file does not have, so its own check names what it expects."""

    def __repr__(self) -> str:
        return "None"


MISSING = _Missing()


def fail(expected: str, **ctx: object) -> None:
    """Raise the one error type load.py understands; ctx may add `at` (a sub-field) or `value`."""
    raise PydanticCustomError("expected", "must be {expected}", {"expected": expected, **ctx})


def _trusted(info: ValidationInfo) -> bool:
    """Built by the package's code (no context), not read from a file."""
    return info.context is None


def _absent(value: object) -> bool:
    return value is MISSING or value is None


def _is_number(value: object) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _typed(check, json_schema: dict, python_type: object = str) -> object:
    """A field type: `check(value, required)` runs on data read from files; code's records pass as built."""

    def validate(value: object, info: ValidationInfo) -> object:
        return value if _trusted(info) else check(value)

    return Annotated[python_type, PlainValidator(validate), WithJsonSchema(json_schema)]


def _text(value: object, required: bool = True) -> str:
    if _absent(value) or value == "":
        if required:
            fail("a non-empty string")
        return ""
    if not isinstance(value, str):
        fail("a string")
    if len(value) > MAX_TEXT:
        fail(f"at most {MAX_TEXT} characters")
    return value.strip()


def _record_id(value: object) -> str:
    text = _text(value)
    if not ID_PATTERN.match(text):
        fail("lower-case letters, digits and hyphens")
    return text


def _day(value: object, required: bool = True) -> date | None:
    if _absent(value):
        if required:
            fail("a date YYYY-MM-DD")
        return None
    if isinstance(value, datetime):  # an unquoted YAML timestamp: a time we do not record
        fail("a date YYYY-MM-DD without a time", value=str(value))
    if isinstance(value, date):
        return value
    if isinstance(value, str) and DATE_PATTERN.match(value):
        try:
            return date.fromisoformat(value)
        except ValueError:
            pass
    fail("a date YYYY-MM-DD")


def _optional(check):
    return lambda value: None if _absent(value) else check(value)


def _number(value: object, integer: bool = False, maximum: float | None = None) -> float | int | None:
    if _absent(value):
        return None
    ok_type = int if integer else (int, float)
    if isinstance(value, bool) or not isinstance(value, ok_type) or value < 0:
        fail("a non-negative " + ("integer" if integer else "number") + " or null")
    if not math.isfinite(value):
        fail("a finite number or null")
    if maximum is not None and value > maximum:
        fail(f"at most {maximum:,} or null")
    return value


def _url(value: object) -> str:
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
        fail("an http(s) URL")
    return value


def _coordinate(name: str, limit: float):
    def check(value: object) -> float:
        if not _is_number(value) or not -limit <= value <= limit:
            fail(f"a {name} between -{limit:g} and {limit:g}")
        return float(value)

    return check


def _lon_lat(value: object) -> tuple[float, float]:
    if (
        isinstance(value, (list, tuple))
        and len(value) == 2
        and all(_is_number(v) for v in value)
        and -180 <= value[0] <= 180
        and -90 <= value[1] <= 90
    ):
        return (float(value[0]), float(value[1]))
    fail("[lon, lat] pairs")


def _string_item(value: object) -> str:
    if isinstance(value, str) and value.strip():
        return value
    fail("a list of non-empty strings")


def _language(value: object) -> str:
    if not isinstance(value, str) or not LANGUAGE_PATTERN.match(value):
        fail("an ISO 639-1 language code such as en, ru, zh")
    return value


def one_of(vocabulary, optional: bool = False) -> object:
    """A field whose value is one word of a vocabulary (a tuple, or a dict's keys).

    A native Literal, not a Python check: vocabulary fields are the most frequent, and load.py
    words pydantic's literal_error as "one of ..." like every other expected value."""
    words = Literal[tuple(vocabulary)]
    return words | None if optional else words


def _member(value: object, info: ValidationInfo, key: str, expected: str) -> str:
    """A reference checked against a set the loader puts in the validation context."""
    known = info.context.get(key)
    if known is not None and (not isinstance(value, str) or value not in known):
        fail(expected)
    return value


def _place_id(value: object, info: ValidationInfo) -> str:
    if _trusted(info):
        return value
    if _absent(value):
        fail("a gazetteer id defined in data/places")
    return _member(value, info, "places", "a gazetteer id defined in data/places")


def _optional_place_id(value: object, info: ValidationInfo) -> str:
    # No place when the source gives none: the card lists the incident, the map cannot.
    return "" if value is None else _place_id(value, info)


def _cited(value: object, info: ValidationInfo) -> str:
    if _trusted(info):
        return value
    expected = "the id of one of this record's sources"
    if not isinstance(value, str):
        fail(expected)
    return _member(value, info, "source_ids", expected)


def items(item_type: object, required: bool = False, min_items: int = 0) -> object:
    """A YAML list read into a tuple of item_type; required lists must not be empty."""

    def check(value: object, info: ValidationInfo) -> object:
        if _trusted(info):
            return value
        if _absent(value):
            if required:
                fail("a non-empty list")
            return ()
        if not isinstance(value, (list, tuple)):
            fail("a list")
        if required and not value:
            fail("a non-empty list")
        return value

    extra = {"minItems": max(min_items, 1 if required else 0)} if required or min_items else {}
    return Annotated[tuple[item_type, ...], BeforeValidator(check), Field(json_schema_extra=extra or None)]


DATE_SCHEMA = {"type": "string", "pattern": DATE_PATTERN.pattern, "format": "date"}
# Native constraints, not a Python check: text is the most frequent field (load.py words the errors).
Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=MAX_TEXT)]
OptionalText = _typed(lambda v: _text(v, required=False), {"type": ["string", "null"], "maxLength": MAX_TEXT})
RecordId = _typed(_record_id, {"type": "string", "pattern": ID_PATTERN.pattern})
Day = _typed(_day, DATE_SCHEMA, date)
OptionalDay = _typed(lambda v: _day(v, required=False), {"anyOf": [DATE_SCHEMA, {"type": "null"}]}, date | None)
Country = one_of(COUNTRIES)
OptionalCountry = one_of(COUNTRIES, optional=True)
Language = _typed(_optional(_language), {"type": ["string", "null"], "pattern": LANGUAGE_PATTERN.pattern}, str | None)
StringItem = _typed(_string_item, {"type": "string", "minLength": 1})
Url = _typed(_url, {"type": "string", "pattern": '^https?://[^ <>"`]+$'})
Count = _typed(
    lambda v: _number(v, integer=True, maximum=MAX_COUNT),
    {"type": ["integer", "null"], "minimum": 0, "maximum": MAX_COUNT},
    int | None,
)
Hours = _typed(_number, {"type": ["number", "null"], "minimum": 0}, float | None)
Latitude = _typed(_coordinate("latitude", 90), {"type": "number", "minimum": -90, "maximum": 90}, float)
Longitude = _typed(_coordinate("longitude", 180), {"type": "number", "minimum": -180, "maximum": 180}, float)
LonLat = _typed(
    _lon_lat,
    {"type": "array", "items": {"type": "number"}, "minItems": 2, "maxItems": 2},
    tuple[float, float],
)
PLACE_ID_SCHEMA = {"type": "string", "pattern": ID_PATTERN.pattern}
PlaceId = Annotated[str, PlainValidator(_place_id), WithJsonSchema(PLACE_ID_SCHEMA)]
OptionalPlaceId = Annotated[
    str, PlainValidator(_optional_place_id), WithJsonSchema({"anyOf": [PLACE_ID_SCHEMA, {"type": "null"}]})
]
SourceRef = Annotated[str, PlainValidator(_cited), WithJsonSchema({"type": "string", "minLength": 1})]
ClaimValue = Annotated[
    Any,
    PlainValidator(lambda v, info: fail("a value") if v is MISSING and not _trusted(info) else v),
    WithJsonSchema({"description": "typed by field: see CLAIM_FIELDS"}),
]


def _names_mapping(value: object, info: ValidationInfo) -> dict:
    """{language code: name in that language}; returned as a plain dict."""
    if _trusted(info) or _absent(value):
        return dict(value or {})
    expected = "a mapping of ISO 639-1 language code (en, ru, zh ...) to a non-empty name"
    if not isinstance(value, dict) or not all(
        isinstance(code, str) and LANGUAGE_PATTERN.match(code) and isinstance(name, str) and name.strip()
        for code, name in value.items()
    ):
        fail(expected)
    return {code: name.strip() for code, name in value.items()}


Names = Annotated[
    dict,
    PlainValidator(_names_mapping),
    WithJsonSchema(
        {
            "type": "object",
            "propertyNames": {"pattern": LANGUAGE_PATTERN.pattern},
            "additionalProperties": {"type": "string", "minLength": 1},
        }
    ),
]
NAMES_DESCRIPTION = "Name in other languages: ISO 639-1 code -> name, e.g. {ru: Японское море, zh: 日本海}"

RECORD_CONFIG = ConfigDict(extra="forbid")


@dataclass(frozen=True, config=RECORD_CONFIG)
class Record:
    """Base of every record type: a required key the file lacks is checked as MISSING, so the
    field's own check says what it expects (pydantic would say only "Field required")."""

    @model_validator(mode="before")
    @classmethod
    def _mark_missing(cls, data: object) -> object:
        if isinstance(data, dict):
            return {**_required_fields(cls), **data}
        return data


_REQUIRED: dict[type, dict] = {}


def _required_fields(cls: type) -> dict:
    """{name: MISSING} for each required field of a record type, worked out once per type."""
    if cls not in _REQUIRED:
        _REQUIRED[cls] = {name: MISSING for name, info in cls.__pydantic_fields__.items() if info.is_required()}
    return _REQUIRED[cls]


# Fields set by the loader, never written in a data file (load.py refuses them as unknown).
LOADER_FIELDS = ("file", "origin")


@dataclass(frozen=True, config=RECORD_CONFIG)
class Place(Record):
    """A gazetteer entry in data/places/*.yaml: a sea, strait, region, island, base, port or city."""

    id: RecordId = Field(description="Stable gazetteer id: lower-case letters, digits and hyphens")
    name: Text = Field(description="English name")
    kind: one_of(PLACE_KINDS) = Field(description="What the place is")
    lat: Latitude = Field(description="Latitude of the label point, -90..90")
    lon: Longitude = Field(description="Longitude, -180..180; east of the 180° meridian is negative")
    aliases: items(StringItem) = Field((), description="Other spellings, any language")
    # (lon, lat) pairs, approximate
    polygon: items(LonLat) = Field((), description="[lon, lat] ring, at least 3 points; approximate, for display")
    note: OptionalText = Field("", description="One neutral line about the place or its outline")
    file: SkipJsonSchema[str] = ""
    # A dict is unhashable: leave it out of the hash so places stay usable as cache keys.
    names: Annotated[Names, Field(description=NAMES_DESCRIPTION)] = dataclass_field(
        default_factory=dict, hash=False, compare=False
    )

    @field_validator("polygon")
    @classmethod
    def _ring(cls, polygon: tuple, info: ValidationInfo) -> tuple:
        if not _trusted(info) and polygon and len(polygon) < 3:
            fail("at least 3 points", value=[list(p) for p in polygon])
        return polygon


@dataclass(frozen=True, config=RECORD_CONFIG)
class Source(Record):
    """One source an event record rests on (local id, who published it, where, when read)."""

    id: Text = Field(description="Local to the record; claims, assets, incidents and the route cite it")
    producer: Text = Field(description="Who published it")
    title: OptionalText = Field(
        "", description="The title as published; null when the stored copy shows no headline (say so in note)"
    )
    url: Url = Field(description="http(s) address of the page read")
    date_published: OptionalDay = Field(None, description="YYYY-MM-DD, or null if unknown")
    date_accessed: OptionalDay = Field(None, description="YYYY-MM-DD: when the stored copy was read")
    kind: one_of(SOURCE_KINDS) = Field("news", description="Who published it")
    language: Language = Field(None, description="ISO 639-1 code of the page's language (en, ru, zh, ja, ko, fa ...)")
    note: OptionalText = Field("", description="Free text about the source, e.g. what the page is")
    carries: one_of(SOURCE_CARRIES, optional=True) = Field(None, description="What the page carries")
    statement_by: OptionalText = Field(
        "", description="Required when carries is statement: the body whose statement it carries, in words"
    )
    statement_country: OptionalCountry = Field(None, description="ISO 3166 alpha-3 of that body")

    @model_validator(mode="after")
    def _statement_named(self, info: ValidationInfo) -> "Source":
        if not _trusted(info) and self.carries == "statement" and not self.statement_by:
            fail("the body whose statement the source carries (carries: statement)", at="statement_by", value=None)
        return self


@dataclass(frozen=True, config=RECORD_CONFIG)
class Asset(Record):
    """What one country sent, as a source reports it."""

    country: Country = Field(description="ISO 3166 alpha-3 of the operator")
    type: Text = Field(description="Catalogued type or class: a type or alias in data/assets.yaml")
    count: Count = Field(None, description=f"Integer 0..{MAX_COUNT:,}, or null when the source gives no number")
    role: one_of(ROLES) = Field(description="What it did")
    source: SourceRef = Field(description="Id of the source that reports it")
    name: OptionalText = Field(
        "", description="The individual ship's or aircraft's name, a name in data/ships.yaml of the same type"
    )


@dataclass(frozen=True, config=RECORD_CONFIG)
class Incident(Record):
    """A response or notable event during the event (scramble, ADIZ entry, protest ...)."""

    kind: one_of(INCIDENT_KINDS) = Field(description="What happened")
    actor: Country = Field(description="Who did it (scrambled, protested ...) or whose aircraft entered")
    place: OptionalPlaceId = Field("", description="Gazetteer id, or null when no source says where")
    date: OptionalDay = Field(None, description="YYYY-MM-DD, or null")
    description: Text = Field(description="What the source says happened")
    source: SourceRef = Field(description="Id of the source that reports it")
    responder: OptionalCountry = Field(
        None,
        description="ISO alpha-3 of the country affected or responding when the actor is a participant; "
        "may be omitted for " + ", ".join(RESPONSE_KINDS),
    )


def _claim_value(kind: str, value: object) -> object:
    """A claim's value checked against its field's type; dates come back as ISO strings."""
    if kind == "date":
        day = _day(value, required=True)
        return day.isoformat()
    if kind == "number":
        if _absent(value) or not _is_number(value) or not math.isfinite(value) or value < 0:
            fail("a finite non-negative number for this field (words go in note, or field other)")
        return value
    if kind == "list":
        if not isinstance(value, list) or not value:
            fail("a list of gazetteer ids or names for field areas (words go in note)")
        return [_string_item(v) for v in value]
    return _text(value)


CLAIM_VALUE_SCHEMAS = {
    "date": DATE_SCHEMA,
    "number": {"type": "number", "minimum": 0},
    "list": {"type": "array", "items": {"type": "string", "minLength": 1}, "minItems": 1},
    "text": {"type": "string", "minLength": 1},
}


def _claim_json_schema(schema: dict, cls: type) -> None:
    """Editors check a claim's value against its field's type, as the loader does."""
    schema["allOf"] = [
        {
            "if": {
                "properties": {"field": {"enum": [f for f, k in CLAIM_FIELDS.items() if k == kind]}},
                "required": ["field"],
            },
            "then": {"properties": {"value": value_schema}},
        }
        for kind, value_schema in CLAIM_VALUE_SCHEMAS.items()
    ]


@dataclass(frozen=True, config=ConfigDict(extra="forbid", json_schema_extra=_claim_json_schema))
class Claim(Record):
    """One source's claim about one fact, kept where sources differ."""

    field: one_of(CLAIM_FIELDS) = Field(description="Which fact the source claims")
    value: ClaimValue = Field(
        description="Typed by field: "
        + "; ".join(
            f"{kind}: {', '.join(name for name, k in CLAIM_FIELDS.items() if k == kind)}"
            for kind in dict.fromkeys(CLAIM_FIELDS.values())
        )
    )
    source: SourceRef = Field(description="Id of the source that claims it")
    note: OptionalText = Field("", description="How the source puts it; words that are not the value")

    @field_validator("value")
    @classmethod
    def _typed_by_field(cls, value: object, info: ValidationInfo) -> object:
        kind = CLAIM_FIELDS.get(info.data.get("field"))
        if _trusted(info) or kind is None:
            return value
        return _claim_value(kind, value)


@dataclass(frozen=True, config=RECORD_CONFIG)
class Dispute(Record):
    """Read from {field, note}; an Event keeps it as the pair (field, note)."""

    field: Text = Field(description="A claimed field whose claims differ")
    note: OptionalText = Field("", description="One line: why the sources differ")


def _dispute_from_pair(value: object) -> object:
    """Records built by code keep disputes as (field, note) pairs; files write {field, note}."""
    if isinstance(value, tuple) and len(value) == 2:
        return {"field": value[0], "note": value[1]}
    return value


DisputeItem = Annotated[Dispute, BeforeValidator(_dispute_from_pair)]


@dataclass(frozen=True, config=RECORD_CONFIG)
class Route(Record):
    """Gazetteer waypoints in the order a source describes them; approximate."""

    waypoints: items(PlaceId) = Field(description="At least 2 gazetteer ids, in the order travelled")
    provenance: one_of(PROVENANCES) = Field(
        description="How the order was established: " + "; ".join(f"{k} ({v})" for k, v in PROVENANCES.items())
    )
    source: SourceRef = Field(description="Id of the source the route rests on")
    note: OptionalText = Field("", description="How approximate the route is")

    @field_validator("waypoints")
    @classmethod
    def _at_least_two(cls, waypoints: tuple, info: ValidationInfo) -> tuple:
        if not _trusted(info) and len(waypoints) < 2:
            fail("at least 2 gazetteer ids", value=list(waypoints))
        return waypoints


@dataclass(frozen=True, config=RECORD_CONFIG)
class Review(Record):
    """When a record was last checked against its sources, and what was checked."""

    date: Day = Field(description="YYYY-MM-DD of the review")
    checked: items(one_of(REVIEW_CHECKS)) = Field((), description="What was checked against the sources")


@dataclass(frozen=True, config=RECORD_CONFIG)
class Event(Record):
    """One patrol, drill or exercise in data/events/*.yaml."""

    id: RecordId = Field(description="Stable, never reused: <kind prefix>-<YYYY>-<MM>-<DD>[-suffix]")
    kind: one_of(KINDS) = Field(description="What the event is")
    name: Text = Field(description="Neutral English name")
    date_start: Day = Field(description="First day, YYYY-MM-DD (quoted)")
    date_end: Day = Field(description="Last day, YYYY-MM-DD (quoted), not before date_start")
    participants: items(Country, required=True) = Field(
        description="ISO 3166 alpha-3 codes of the countries taking part with forces"
    )
    areas: items(PlaceId, required=True) = Field(description="Gazetteer ids of the seas and regions")
    sources: items(Source, required=True) = Field(description="Every source read for the record")
    summary: OptionalText = Field("", description="Neutral, 1-4 sentences")
    aliases: items(StringItem) = Field((), description="Other names used by sources")
    route: Route | None = Field(None, description="Omit when no source describes a route")
    assets: items(Asset) = Field((), description="What took part, per country, as reported")
    incidents: items(Incident) = Field((), description="Responses and notable events")
    duration_hours: Hours = Field(None, description="Reported duration in hours (finite), or null if unknown")
    firsts: items(StringItem) = Field((), description="Notable firsts, each a short sentence")
    claims: items(Claim) = Field((), description="Per-source claims, especially where sources differ")
    disputes: items(DisputeItem) = Field((), description="Every field whose claims differ, with a one-line note")
    unknown: items(StringItem) = Field((), description="Facts looked for and not found in any source")
    status: one_of(EVENT_STATUSES, optional=True) = Field(
        None, description="draft: not yet reviewed; loads only with load_dataset(show_drafts=True). Absent = curated"
    )
    reviewed: Review | None = Field(None, description="When the record was last checked, and what was checked")
    file: SkipJsonSchema[str] = ""
    origin: SkipJsonSchema[str] = "curated"  # curated | upload

    @field_validator("sources")
    @classmethod
    def _unique_source_ids(cls, sources: tuple, info: ValidationInfo) -> tuple:
        seen: set[str] = set()
        for source in sources:
            if source.id in seen and not _trusted(info):
                fail("unique within the record", at="id", value=source.id)
            seen.add(source.id)
        return sources

    @field_validator("date_end")
    @classmethod
    def _not_before_start(cls, end: date, info: ValidationInfo) -> date:
        start = info.data.get("date_start")
        if not _trusted(info) and start and end < start:
            fail(f"on or after date_start {start}", value=str(end))
        return end

    @field_validator("disputes")
    @classmethod
    def _as_pairs(cls, disputes: tuple, info: ValidationInfo) -> tuple:
        pairs = tuple((d.field, d.note) for d in disputes)
        if not _trusted(info):
            _check_disputes(info.data.get("claims", ()), pairs)
        return pairs

    @property
    def year(self) -> int:
        return self.date_start.year


def responders(event: Event) -> set[str]:
    """Countries that responded to or reported on the event ("responded or reported"): the actors of
    response incidents, every incident's responder, and the statement_country of each source whose
    statement comes from a country that did not take part."""
    found = {i.actor for i in event.incidents if i.kind in RESPONSE_KINDS}
    found |= {i.responder for i in event.incidents if i.responder}
    found |= {s.statement_country for s in event.sources if s.statement_country} - set(event.participants)
    return found


def _check_disputes(claims: tuple, disputes: tuple) -> None:
    """A field whose claims disagree must be listed in disputes, so no conflict hides."""
    values: dict[str, set] = {}
    for claim in claims:
        if claim.field == "other":  # free-form notes, each about a different fact
            continue
        values.setdefault(claim.field, set()).add(repr(claim.value))
    disputed = {name for name, _ in disputes}
    for name, distinct in values.items():
        if len(distinct) > 1 and name not in disputed:
            fail(f"to list '{name}', whose claims differ", value=sorted(disputed))


@dataclass(frozen=True, config=RECORD_CONFIG)
class CatalogueSource(Record):
    """The page a catalogue entry's note rests on."""

    title: Text = Field(description="The page's title (in [brackets] when the stored copy shows none)")
    # Kept as text: the catalogue page shows it only through cards.safe_url, and tests/test_data.py
    # requires http(s) in the curated catalogue.
    url: Text = Field(description="http(s) address of the page")
    producer: OptionalText = Field("", description="Who published it")
    date_accessed: OptionalDay = Field(None, description="YYYY-MM-DD: when the stored copy was read")
    language: Language = Field(None, description="ISO 639-1 code of the page's language")


@dataclass(frozen=True, config=RECORD_CONFIG)
class CatalogueEntry(Record):
    """One aircraft or ship type in data/assets.yaml."""

    type: Text = Field(description="Canonical designation used in data/events assets[].type")
    name: Text = Field(description="Full English name")
    aliases: items(StringItem) = Field((), description="Spellings sources use; unique across the file")
    country: OptionalCountry = Field(description="ISO 3166 alpha-3 of the operator; null only for cross-country labels")
    role: one_of(ROLES) = Field(description="What the type does")
    category: one_of(CATALOGUE_CATEGORIES) = Field(description="aircraft, ship or submarine")
    note: OptionalText = Field("", description="One neutral line")
    source: CatalogueSource = Field(description="The page the note rests on")
    names: Names = Field(default_factory=dict, description=NAMES_DESCRIPTION)


@dataclass(frozen=True, config=RECORD_CONFIG)
class ShipSource(Record):
    """A page naming the ship with its class or designation."""

    producer: Text = Field(description="Who published it")
    title: OptionalText = Field("", description="The page's title")
    url: Url = Field(description="http(s) address of the page")
    date_accessed: Day = Field(description="YYYY-MM-DD: when the stored copy was read")
    language: Language = Field(None, description="ISO 639-1 code of the page's language")


@dataclass(frozen=True, config=RECORD_CONFIG)
class Ship(Record):
    """One named ship (or aircraft) in data/ships.yaml."""

    name: Text = Field(description="The name in one spelling, e.g. Admiral Tributs")
    type: Text = Field(description="Its catalogue type: a type in data/assets.yaml")
    country: Country = Field(description="ISO 3166 alpha-3 of the operator")
    aliases: items(StringItem) = Field((), description="Other spellings, any language")
    pennant: OptionalText = Field("", description="Pennant or hull number, quoted")
    names: Names = Field(default_factory=dict, description=NAMES_DESCRIPTION)
    source: ShipSource = Field(description="The page that names it")


@dataclass(frozen=True, config=RECORD_CONFIG)
class DrillAliases(Record):
    """One exercise series in data/aliases.yaml."""

    canonical: Text = Field(description="The name this project uses")
    aliases: items(StringItem, required=True) = Field(description="Names and spellings sources use")
    note: OptionalText = Field("", description="One neutral paragraph")
    source: Url = Field(description="A page using the canonical name")
    alias_sources: dict[str, Url] = Field(default_factory=dict, description="For each alias, a page that uses it")
    names: Names = Field(default_factory=dict, description=NAMES_DESCRIPTION)
