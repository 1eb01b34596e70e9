"""Event card contents as plain data: what the card shows, computed without streamlit."""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import urlparse

from patrolmap.gazetteer import route_coords, route_length_km, straits_on_route
from patrolmap.schema import COUNTRIES, INCIDENT_LABELS, KIND_LABELS, PROVENANCES, Event, Place

MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~$&:])")


def md_escape(text: object) -> str:
    """Text shown through Markdown renders as the same text: no links, HTML or emphasis."""
    return MARKDOWN_SPECIAL.sub(r"\\\1", str(text)).replace("\n", " ")


def safe_url(url: str) -> str | None:
    """The URL if it is http(s) with a host, else None (no javascript:, data: ...)."""
    try:
        parsed = urlparse(url or "")
    except ValueError:
        return None
    if parsed.scheme in ("http", "https") and parsed.netloc and not any(c in url for c in ' <>"`'):
        return url.replace("'", "%27")
    return None


@dataclass(frozen=True)
class Card:
    title: str
    subtitle: str
    summary: str
    assets: list[dict]
    claims: list[dict]
    disputes: list[dict]
    route: dict | None
    incidents: list[dict]
    sources: list[dict]
    firsts: list[str]
    unknown: list[str]


def event_card(event: Event, places: dict[str, Place]) -> Card:
    route = None
    if event.route is not None:
        coords = route_coords(places, event.route.waypoints)
        route = {
            "waypoints": " → ".join(places[p].name for p in event.route.waypoints),
            "length_km": round(route_length_km(coords)),
            "straits": straits_on_route(places, event.route.waypoints),
            "provenance": PROVENANCES[event.route.provenance],
            "source": event.route.source,
            "note": event.route.note,
        }
    disputed = {name for name, _ in event.disputes}
    sources_by_id = {s.id: s for s in event.sources}
    return Card(
        title=event.name,
        subtitle=(
            f"{KIND_LABELS[event.kind]} · {event.date_start}"
            + (f" to {event.date_end}" if event.date_end != event.date_start else "")
            + " · "
            + " + ".join(COUNTRIES[c] for c in event.participants)
            + (" · uploaded by you, not curated" if event.origin == "upload" else "")
        ),
        summary=event.summary,
        assets=[
            {
                "country": COUNTRIES[a.country],
                "type": a.type,
                "count": a.count,
                "role": a.role,
                "source": sources_by_id[a.source].producer,
            }
            for a in event.assets
        ],
        claims=[
            {
                "field": c.field,
                "value": _value_text(c.value),
                "source": sources_by_id[c.source].producer,
                "note": c.note,
                "conflict": "⚠ disputed" if c.field in disputed else "",
            }
            for c in event.claims
        ],
        disputes=[{"field": name, "note": note} for name, note in event.disputes],
        route=route,
        incidents=[
            {
                "kind": INCIDENT_LABELS[i.kind],
                "by": COUNTRIES[i.actor],
                "where": places[i.place].name if i.place else "not reported",
                "date": str(i.date or ""),
                "what": i.description,
                "source": sources_by_id[i.source].producer,
            }
            for i in event.incidents
        ],
        sources=[
            {
                "id": s.id,
                "producer": s.producer,
                "title": s.title,
                "url": safe_url(s.url),
                "published": str(s.date_published or "unknown"),
                "accessed": str(s.date_accessed or ""),
                "kind": s.kind,
            }
            for s in event.sources
        ],
        firsts=list(event.firsts),
        unknown=list(event.unknown),
    )


def _value_text(value: object) -> str:
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    return "" if value is None else str(value)
