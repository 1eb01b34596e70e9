"""Display words for the codes in the records: kinds, roles, incidents, countries, field names, counts.

A leaf (it imports only the vocabularies), so every page and export can say things in words:
no `naval_patrol`, `aircraft_total`, `None` or `type_class` ever reaches an analyst.
"""

from __future__ import annotations

import math
import re
from datetime import date

from patrolmap.schema import COUNTRIES, INCIDENT_LABELS, KIND_LABELS

# Kinds the record format v0.2 adds; the schema's own labels win where it has them.
KIND_WORDS = {
    "air_patrol": "Air patrol",
    "naval_patrol": "Naval patrol",
    "submarine_patrol": "Submarine patrol",
    "coast_guard_patrol": "Coast-guard patrol",
    "exercise": "Exercise",
    **KIND_LABELS,
}
KIND_PLURALS = {
    "air_patrol": "air patrols",
    "naval_patrol": "naval patrols",
    "submarine_patrol": "submarine patrols",
    "coast_guard_patrol": "coast-guard patrols",
    "exercise": "exercises",
}
ROLE_WORDS = {
    "bomber": "Bomber",
    "fighter": "Fighter",
    "aew": "Airborne early warning",
    "tanker": "Tanker",
    "reconnaissance": "Reconnaissance",
    "transport": "Transport",
    "helicopter": "Helicopter",
    "ship": "Ship",
    "submarine": "Submarine",
    "other": "Other",
}
INCIDENT_WORDS = {**INCIDENT_LABELS}
INCIDENT_PLURALS = {
    "adiz_entry": "ADIZ entries",
    "scramble": "scrambles",
    "intercept": "intercepts",
    "airspace_violation": "airspace violations",
    "landing": "landings",
    "warning_shots": "warning shots",
    "protest": "protests",
    "tracking": "tracking",
    "other": "other incidents",
}
# Claim fields (SPEC CLAIM_FIELDS) and frame/table columns, in words.
FIELD_WORDS = {
    "date_start": "Start date",
    "date_end": "End date",
    "aircraft_total": "Aircraft (total)",
    "ships_total": "Ships (total)",
    "number": "Patrol number",
    "duration_hours": "Duration (hours)",
    "distance_km": "Distance (km)",
    "distance_nm": "Distance (nautical miles)",
    "areas": "Areas",
    "other": "Other",
    "type_class": "Type",
    "type": "Type as reported",
    "role": "Role",
    "count": "Count",
    "country": "Country",
    "participants": "Participants",
    "kind": "Kind",
    "year": "Year",
    "events": "Events",
    "route": "Route",
    "assets": "Assets",
    "incidents": "Incidents",
    "sources": "Sources",
    "numbering": "Numbering",
    "disputes": "Disputes",
    "dates": "Dates",
}
NOT_REPORTED = "not reported"
DISPUTED_MARK = "⚠"
SOURCE_KIND_WORDS = {"official": "official", "news": "news report", "analysis": "analysis"}
# Titles in today's data written as descriptions because the stored copy showed no headline.
NO_HEADLINE = re.compile(r"^\[(?:headline|untitled|title)[^\]]*(?:not in|in) stored copy[;:,]?\s*(?P<rest>.*)\]$", re.I)


# Looked up, not .get(code, default): the default would be worded for every code, known or not,
# and the search index words every incident, claim and kind of 10,000 events.
def kind(code: str) -> str:
    return KIND_WORDS[code] if code in KIND_WORDS else _humanise(code)


def kind_plural(code: str) -> str:
    return KIND_PLURALS[code] if code in KIND_PLURALS else kind(code).casefold() + "s"


def role(code: str) -> str:
    return ROLE_WORDS[code] if code in ROLE_WORDS else _humanise(code)


def incident(code: str) -> str:
    return INCIDENT_WORDS[code] if code in INCIDENT_WORDS else _humanise(code)


def incident_plural(code: str) -> str:
    return INCIDENT_PLURALS[code] if code in INCIDENT_PLURALS else incident(code).casefold()


def country(code: str) -> str:
    return COUNTRIES.get(code, code)


def countries(codes) -> str:
    return ", ".join(country(c) for c in codes)


def field(name: str) -> str:
    return FIELD_WORDS[name] if name in FIELD_WORDS else _humanise(name)


def _humanise(code: object) -> str:
    text = str(code or "").replace("_", " ").strip()
    return text[:1].upper() + text[1:]


def year_runs(years) -> list[list[int]]:
    """Years as runs of consecutive years: {2024, 2019, 2020, 2021} -> [[2019, 2020, 2021], [2024]]."""
    runs: list[list[int]] = []
    for year in sorted(set(years)):
        if runs and year == runs[-1][-1] + 1:
            runs[-1].append(year)
        else:
            runs.append([year])
    return runs


def count(value: object) -> str:
    """A reported count in words: None reads 'not reported', never 'None' or '0'."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return NOT_REPORTED
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return f"{value:,}" if isinstance(value, (int, float)) else str(value)


def value(item: object) -> str:
    """Any record value as text: lists joined, None as 'not reported', dates ISO, booleans in words."""
    if item is None:
        return NOT_REPORTED
    if isinstance(item, bool):
        return "yes" if item else "no"
    if isinstance(item, (list, tuple)):
        return ", ".join(value(v) for v in item) or NOT_REPORTED
    if isinstance(item, date):
        return item.isoformat()
    if isinstance(item, (int, float)):
        return count(item)
    return str(item)


def disputed_range(values) -> str:
    """Numbers sources disagree on as one range with a mark: [6, 17, 6] -> '6–17 ⚠'."""
    numbers = sorted({v for v in values if isinstance(v, (int, float)) and not isinstance(v, bool)})
    if not numbers:
        return NOT_REPORTED
    if len(numbers) == 1:
        return count(numbers[0])
    return f"{count(numbers[0])}–{count(numbers[-1])} {DISPUTED_MARK}"


def claimed_count(own: int | None, claims, name: str, disputed: bool) -> str:
    """A count as the table shows it: the record's own sum, widened to the range the claims on
    `name` give when sources dispute it ('6–17 ⚠'); 'not reported' when nothing is known."""
    values = [c.value for c in claims if c.field == name]
    if disputed and values:
        return disputed_range([*values, *([own] if own is not None else [])])
    return count(own)


def source_title(source) -> tuple[str, str]:
    """(title, note) of a source as shown: a stored copy without a headline shows producer and
    date as its title, and what the page is goes in the note, apart from the title."""
    title = (getattr(source, "title", None) or "").strip()
    note = (getattr(source, "note", None) or "").strip()
    match = NO_HEADLINE.match(title)
    if match:
        note = "; ".join(p for p in (f"no headline in the stored copy: {match['rest']}".rstrip(": "), note) if p)
        title = ""
    if not title:
        published = getattr(source, "date_published", None)
        title = f"{source.producer}, {published.isoformat() if published else 'undated'}"
    return title, note
