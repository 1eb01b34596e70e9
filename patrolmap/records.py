"""Records back to the YAML shape of data/FORMAT.md, with nothing lost.

event_record(event) is the inverse of load.parse_event: loading its output gives the same Event
(tests/test_export.py round-trips every curated record through the upload). The YAML export uses
it; so can anything that writes records (release ingest, a draft editor).
"""

from __future__ import annotations

import dataclasses
from datetime import date

from patrolmap.schema import Event, Place


def _day(value: date | None) -> str | None:
    return value.isoformat() if value else None


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


def _optional(out: dict, item: object, names: tuple[str, ...]) -> None:
    """Copy the optional attributes of item (v0.2 fields among them) that are set."""
    for name in names:
        value = getattr(item, name, None)
        if value is None or value == "" or value == () or value == {}:
            continue
        out[name] = _plain(value)


def event_record(event: Event) -> dict:
    """One Event as the mapping data/events/*.yaml holds, keys in FORMAT.md's order; optional
    fields that are empty are left out, as a curator would."""
    out: dict = {"id": event.id, "kind": event.kind}
    _optional(out, event, ("status",))
    out["name"] = event.name
    if event.aliases:
        out["aliases"] = list(event.aliases)
    out["date_start"] = event.date_start.isoformat()
    out["date_end"] = event.date_end.isoformat()
    out["participants"] = list(event.participants)
    out["areas"] = list(event.areas)
    if event.route is not None:
        route = {
            "waypoints": list(event.route.waypoints),
            "provenance": event.route.provenance,
            "source": event.route.source,
        }
        if event.route.note:
            route["note"] = event.route.note
        out["route"] = route
    if event.assets:
        assets = []
        for asset in event.assets:
            item = {"country": asset.country, "type": asset.type}
            _optional(item, asset, ("name",))
            item.update({"count": asset.count, "role": asset.role, "source": asset.source})
            assets.append(item)
        out["assets"] = assets
    if event.incidents:
        incidents = []
        for incident in event.incidents:
            item = {"kind": incident.kind, "actor": incident.actor}
            _optional(item, incident, ("responder",))
            item["place"] = incident.place or None
            if incident.date:
                item["date"] = incident.date.isoformat()
            item.update({"description": incident.description, "source": incident.source})
            incidents.append(item)
        out["incidents"] = incidents
    if event.duration_hours is not None:
        out["duration_hours"] = event.duration_hours
    if event.firsts:
        out["firsts"] = list(event.firsts)
    if event.summary:
        out["summary"] = event.summary
    if event.claims:
        claims = []
        for claim in event.claims:
            item = {"field": claim.field, "value": claim.value, "source": claim.source}
            if claim.note:
                item["note"] = claim.note
            claims.append(item)
        out["claims"] = claims
    if event.disputes:
        out["disputes"] = [{"field": name, **({"note": note} if note else {})} for name, note in event.disputes]
    if event.unknown:
        out["unknown"] = list(event.unknown)
    _optional(out, event, ("reviewed",))
    sources = []
    for source in event.sources:
        item = {"id": source.id, "producer": source.producer, "title": source.title or None, "url": source.url}
        item["date_published"] = _day(source.date_published)
        item["date_accessed"] = _day(source.date_accessed)
        item["kind"] = source.kind
        _optional(item, source, ("language", "note", "carries", "statement_by", "statement_country"))
        sources.append(item)
    out["sources"] = sources
    return out


def place_record(place: Place) -> dict:
    """One Place as data/places/*.yaml holds it (for exporting places an upload defined)."""
    out: dict = {"id": place.id, "name": place.name}
    if place.aliases:
        out["aliases"] = list(place.aliases)
    _optional(out, place, ("names",))
    out.update({"kind": place.kind, "lat": place.lat, "lon": place.lon})
    if place.polygon:
        out["polygon"] = [list(p) for p in place.polygon]
    if place.note:
        out["note"] = place.note
    return out
