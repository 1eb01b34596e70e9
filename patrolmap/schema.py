"""Record types and controlled vocabularies for events, places and sources."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

KINDS = ("air_patrol", "naval_patrol", "exercise")
KIND_LABELS = {
    "air_patrol": "Air patrol",
    "naval_patrol": "Naval patrol",
    "exercise": "Exercise",
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
PROVENANCES = {
    "map": "digitised from a published route map",
    "text": "reconstructed from a text description",
    "schematic": "schematic: only the areas are known",
}
SOURCE_KINDS = ("official", "news", "analysis")
PLACE_KINDS = ("sea", "strait", "region", "cape", "island", "airbase", "port", "point", "city")

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
}


@dataclass(frozen=True)
class Place:
    id: str
    name: str
    kind: str
    lat: float
    lon: float
    aliases: tuple[str, ...] = ()
    polygon: tuple[tuple[float, float], ...] = ()  # (lon, lat) pairs, approximate
    note: str = ""
    file: str = ""


@dataclass(frozen=True)
class Source:
    id: str
    producer: str
    title: str
    url: str
    date_published: date | None
    date_accessed: date | None
    kind: str = "news"


@dataclass(frozen=True)
class Asset:
    country: str
    type: str
    count: int | None
    role: str
    source: str


@dataclass(frozen=True)
class Incident:
    kind: str
    actor: str
    place: str
    date: date | None
    description: str
    source: str


@dataclass(frozen=True)
class Claim:
    field: str
    value: object
    source: str
    note: str = ""


@dataclass(frozen=True)
class Route:
    waypoints: tuple[str, ...]
    provenance: str
    source: str
    note: str = ""


@dataclass(frozen=True)
class Event:
    id: str
    kind: str
    name: str
    date_start: date
    date_end: date
    participants: tuple[str, ...]
    areas: tuple[str, ...]
    sources: tuple[Source, ...]
    summary: str = ""
    aliases: tuple[str, ...] = ()
    route: Route | None = None
    assets: tuple[Asset, ...] = ()
    incidents: tuple[Incident, ...] = ()
    duration_hours: float | None = None
    firsts: tuple[str, ...] = ()
    claims: tuple[Claim, ...] = ()
    disputes: tuple[tuple[str, str], ...] = ()  # (field, note)
    unknown: tuple[str, ...] = ()
    file: str = ""
    origin: str = "curated"  # curated | upload
    extra: dict = field(default_factory=dict, compare=False, hash=False)

    @property
    def year(self) -> int:
        return self.date_start.year
