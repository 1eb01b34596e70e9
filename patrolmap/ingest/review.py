"""What an extraction means for the dataset: the record it is about (and a diff against it), or a
new draft record with status: draft. Nothing in an existing record is ever overwritten."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date

from patrolmap.ingest.extract import Extraction
from patrolmap.ingest.vocab import field_of

MATCH_DAYS = 2
ID_PREFIX = {
    "air_patrol": "air",
    "naval_patrol": "naval",
    "submarine_patrol": "sub",
    "coast_guard_patrol": "cg",
    "exercise": "ex",
}
KIND_LABEL = {
    "air_patrol": "Joint air patrol",
    "naval_patrol": "Joint naval patrol",
    "submarine_patrol": "Joint submarine patrol",
    "coast_guard_patrol": "Joint coast-guard patrol",
    "exercise": "Joint exercise",
}
EVENT_FILE = {
    "air_patrol": "air_patrols.yaml",
    "naval_patrol": "naval_patrols.yaml",
    "submarine_patrol": "naval_patrols.yaml",
    "coast_guard_patrol": "naval_patrols.yaml",
    "exercise": "exercises.yaml",
}
SHIP_ROLES = ("ship", "submarine")


def record_number(event) -> int | None:
    for claim in event.claims:
        if claim.field == "number" and isinstance(claim.value, int):
            return claim.value
    return None


def find_match(extraction: Extraction, events) -> object | None:
    """The record the text is about: same kind and start within two days, or the same numbering."""
    if not extraction.kind:
        return None
    same_kind = [e for e in events if e.kind == extraction.kind]
    if extraction.date_start:
        near = [e for e in same_kind if abs((e.date_start - extraction.date_start).days) <= MATCH_DAYS]
        if near:
            return min(near, key=lambda e: abs((e.date_start - extraction.date_start).days))
    if extraction.number:
        numbered = [e for e in same_kind if record_number(e) == extraction.number]
        if len(numbered) == 1:
            return numbered[0]
    return None


def source_id(source: dict, taken: set[str]) -> str:
    base = re.sub(r"[^a-z0-9]+", "-", (source.get("producer") or "source").lower()).strip("-")[:40] or "source"
    candidate, n = base, 2
    while candidate in taken:
        candidate, n = f"{base}-{n}", n + 1
    return candidate


def source_entry(extraction: Extraction, taken: set[str], accessed: date) -> dict:
    src = extraction.source
    entry = {
        "id": source_id(src, taken),
        "producer": src.get("producer") or "(producer not given)",
        "title": src.get("title") or f"[Headline not given: text read by the release importer on {accessed}]",
        "url": src.get("url"),
        "date_published": src.get("date_published"),
        "date_accessed": accessed.isoformat(),
        "kind": "news",
        "language": src.get("language"),
    }
    return entry


def aircraft_total(assets: list[dict], roles: dict[str, str], ships: bool) -> int | None:
    chosen = [a for a in assets if (roles.get(a["type"]) in SHIP_ROLES) == ships]
    if not chosen or any(a["count"] is None for a in chosen):
        return None
    return sum(a["count"] for a in chosen)


@dataclass
class _Diff:
    """What a diff collects, step by step: claims, assets and incidents to add, disputes, and
    the fields the text agrees on. producer and sid name the new source."""

    producer: str
    sid: str
    adds: list[dict] = field(default_factory=list)
    disputes: list[dict] = field(default_factory=list)
    agrees: list[str] = field(default_factory=list)

    def claim(self, name: str, value: object, note: str = "") -> None:
        self.adds.append(
            {"claim": {"field": name, "value": value, "source": self.sid, **({"note": note} if note else {})}}
        )

    def dispute(self, name: str, record: object, text: object, note: str) -> None:
        self.disputes.append({"field": name, "record": record, "text": text, "note": note})


def diff_against(extraction: Extraction, event, roles: dict[str, str], accessed: date) -> dict:
    """The new source, what it adds and every value that disagrees with the record (as a dispute)."""
    source = source_entry(extraction, {s.id for s in event.sources}, accessed)
    diff = _Diff(source["producer"], source["id"])
    for step in DIFF_STEPS:
        step(diff, extraction, event, roles)
    return {
        "record": event.id,
        "file": event.file,
        "source": source,
        "adds": diff.adds,
        "disputes": diff.disputes,
        "agrees": diff.agrees,
    }


def _diff_start(diff: _Diff, extraction: Extraction, event, _roles) -> None:
    start = extraction.date_start
    if start and start != event.date_start:
        diff.claim("date_start", start.isoformat())
        note = f"{diff.producer} dates it {start}; the record has {event.date_start}."
        diff.dispute("date_start", event.date_start.isoformat(), start.isoformat(), note)
    elif start:
        diff.agrees.append("date_start")


def _diff_assets(diff: _Diff, extraction: Extraction, event, roles) -> None:
    recorded = {(a.country, a.type): a.count for a in event.assets}
    for asset in extraction.assets:
        key = (asset["country"], asset["type"])
        count, known = asset["count"], recorded.get(key)
        if key not in recorded:
            diff.adds.append({"asset": {**asset, "role": roles.get(asset["type"], "other"), "source": diff.sid}})
        elif count is not None and known is not None and count != known:
            name = "ships_total" if roles.get(asset["type"]) in SHIP_ROLES else "aircraft_total"
            note = f"{diff.producer} gives {count} {asset['type']} ({asset['country']}); the record has {known}."
            diff.dispute(name, f"{known} {asset['type']}", f"{count} {asset['type']}", note)
        else:
            diff.agrees.append(f"assets {asset['type']}")


def _diff_totals(diff: _Diff, extraction: Extraction, event, roles) -> None:
    for ships, name in ((False, "aircraft_total"), (True, "ships_total")):
        total = aircraft_total(extraction.assets, roles, ships)
        if total is None:
            continue
        diff.claim(name, total, "sum of the counts the text gives")
        others = {c.value for c in event.claims if c.field == name}
        if others and total not in others and not any(d["field"] == name for d in diff.disputes):
            note = f"{diff.producer} gives {total}; other sources {sorted(others, key=str)}."
            diff.dispute(name, sorted(others, key=str), total, note)


def _diff_areas(diff: _Diff, extraction: Extraction, event, _roles) -> None:
    for area in extraction.areas:
        if area not in event.areas:
            diff.claim("areas", [area], "area not in the record")
        else:
            diff.agrees.append(f"areas {area}")


def _diff_participants(diff: _Diff, extraction: Extraction, event, _roles) -> None:
    for participant in extraction.participants:
        if participant not in event.participants:
            note = f"{diff.producer} names {participant} as taking part; the record does not."
            diff.dispute("other", list(event.participants), extraction.participants, note)


def _diff_number(diff: _Diff, extraction: Extraction, event, _roles) -> None:
    if extraction.number is None:
        return
    diff.claim("number", extraction.number)
    recorded = record_number(event)
    if recorded is not None and recorded != extraction.number:
        note = f"{diff.producer} numbers it {extraction.number}; the record's sources {recorded}."
        diff.dispute("number", recorded, extraction.number, note)
    elif recorded is not None:
        diff.agrees.append("number")


def _diff_incidents(diff: _Diff, extraction: Extraction, event, _roles) -> None:
    known = {(i.kind, i.actor) for i in event.incidents}
    for incident in extraction.incidents:
        if (incident["kind"], incident["actor"]) not in known:
            diff.adds.append({"incident": incident_entry(incident, extraction.date_start, diff.sid)})


# In the order a diff lists them.
DIFF_STEPS = (_diff_start, _diff_assets, _diff_totals, _diff_areas, _diff_participants, _diff_number, _diff_incidents)


def incident_entry(incident: dict, day: date | None, sid: str) -> dict:
    entry = {"kind": incident["kind"], "actor": incident["actor"]}
    if incident.get("responder"):
        entry["responder"] = incident["responder"]
    if incident.get("place"):
        entry["place"] = incident["place"]
    if day:
        entry["date"] = day.isoformat()
    entry["description"] = incident["description"]
    entry["source"] = sid
    return entry


def draft_record(extraction: Extraction, events, roles: dict[str, str], accessed: date, retired=()) -> dict:
    """A new record in data/FORMAT.md's shape with status: draft, citing the text as its one source."""
    source = source_entry(extraction, set(), accessed)
    sid = source["id"]
    start = extraction.date_start
    taken = {e.id for e in events} | set(retired)
    base_id = f"{ID_PREFIX[extraction.kind]}-{start.isoformat() if start else 'undated'}"
    record_id, n = base_id, 2
    while record_id in taken:
        record_id, n = f"{base_id}-{n}", n + 1
    label = KIND_LABEL[extraction.kind]
    unknown = [name for name, value in (("assets", extraction.assets), ("route", None)) if not value]
    if extraction.number is None:
        unknown.append("numbering")
    record = {
        "id": record_id,
        "kind": extraction.kind,
        "status": "draft",
        "name": label + (f" (number {extraction.number})" if extraction.number else ""),
        "date_start": start.isoformat() if start else None,
        "date_end": (extraction.date_end or start).isoformat() if start else None,
        "participants": list(extraction.participants),
        "areas": list(extraction.areas),
        "assets": [{**a, "role": roles.get(a["type"], "other"), "source": sid} for a in extraction.assets],
        "incidents": [incident_entry(i, extraction.date_start, sid) for i in extraction.incidents],
        "summary": draft_summary(
            extraction.kind, extraction.participants, extraction.areas, extraction.assets, source["producer"]
        ),
        "claims": ([{"field": "number", "value": extraction.number, "source": sid}] if extraction.number else []),
        "unknown": unknown,
        "sources": [source],
    }
    return record


def draft_summary(kind: str, participants: list, areas: list, assets: list[dict], producer: str) -> str:
    """A neutral one-line summary of the draft's fields, for the analyst to rewrite."""
    listed = ", ".join(
        f"{a['count'] if a['count'] is not None else 'an unreported number of'} {a['type']} ({a['country']})"
        for a in assets
    )
    return (
        f"Draft read from {producer}: {KIND_LABEL[kind].lower()} by {' and '.join(participants)} over "
        f"{', '.join(areas) or 'areas not stated'}" + (f", with {listed}" if listed else "") + "."
    )


def loader_gaps(record: dict) -> list[str]:
    """What the loader will refuse in a draft until the analyst fills it in."""
    gaps = []
    if not record.get("date_start"):
        gaps.append("date_start: no date found; give the activity's start date")
    if not record.get("areas"):
        gaps.append("areas: no gazetteer area found; add at least one id from data/places")
    source = record["sources"][0]
    if not source.get("url"):
        gaps.append("sources[0].url: give the page's http(s) URL (--url)")
    if not source.get("producer") or source["producer"].startswith("("):
        gaps.append("sources[0].producer: name who published the text")
    return gaps


def catalogue_roles(dataset) -> dict[str, str]:
    return {field_of(i, "type"): field_of(i, "role") or "other" for i in dataset.catalogue if field_of(i, "type")}
