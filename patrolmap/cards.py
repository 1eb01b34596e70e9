"""Event card contents as plain data: what the card shows, computed without streamlit."""

from __future__ import annotations

import re
from dataclasses import dataclass

from patrolmap.gazetteer import route_coords, route_length_km, straits_on_route
from patrolmap.schema import COUNTRIES, INCIDENT_LABELS, KIND_LABELS, PROVENANCES, Event, Place
from patrolmap.urls import safe_url, url_host

__all__ = ["Card", "event_card", "md_escape", "md_link", "safe_url"]

MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~$&:])")
# Streamlit's Markdown (remark-gfm) turns bare https://..., www.... and e-mail addresses into
# links after escapes are resolved, so a backslash cannot stop it. A WORD JOINER (U+2060,
# invisible, no line break) inside "://", after "www" and before "@" leaves nothing to match.
WORD_JOINER = "\u2060"
AUTOLINK_START = re.compile(r"(?i)(:)(//)|\b(www)(\.)|(@)")
# Explicit bidi embeddings, overrides and isolates reorder the text around them ("abc\u202egnp.exe"
# shows as "abcexe.png"); real right-to-left text needs none of them.
BIDI_CONTROLS = re.compile("[\u202a-\u202e\u2066-\u2069]")
LINE_ENDINGS = re.compile(r"\r\n|[\r\n\v\f\u2028\u2029\x85]")
SAFE_COUNT = 2**53  # a count a table can hold as a number; the schema caps counts far below this


def md_escape(text: object) -> str:
    """Text shown through Markdown renders as the same text: no links (autolinks neither), HTML,
    emphasis or line breaks, and no bidi controls that would reorder what the analyst reads."""
    text = BIDI_CONTROLS.sub("\ufffd", LINE_ENDINGS.sub(" ", str(text)))
    text = AUTOLINK_START.sub(_break_autolink, text)
    return MARKDOWN_SPECIAL.sub(r"\\\1", text)


def _break_autolink(match: re.Match) -> str:
    if match[5]:
        return WORD_JOINER + "@" + WORD_JOINER
    return WORD_JOINER.join(g for g in match.groups() if g) + WORD_JOINER


def md_link(text: object, url: object) -> str:
    """The one way the app links out: "[text](url) (host)" with the URL made safe by
    urls.safe_url and the host it leads to shown beside it, or the text alone when it is not safe."""
    safe = safe_url(url)
    if safe is None:
        return f"{md_escape(text)} (link withheld: not a plain http/https address)"
    return f"[{md_escape(text)}]({safe}) ({md_escape(url_host(url))})"


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
    no_route: str = ""  # why no route is drawn, when there is none


def event_card(event: Event, places: dict[str, Place]) -> Card:
    disputed = {name for name, _ in event.disputes}
    producer = {s.id: s.producer for s in event.sources}
    return Card(
        title=event.name,
        subtitle=_subtitle(event),
        summary=event.summary,
        assets=[_asset_row(a, producer) for a in event.assets],
        claims=[_claim_row(c, producer, disputed) for c in event.claims],
        disputes=[{"field": name, "note": note} for name, note in event.disputes],
        route=_route_row(event.route, places) if event.route is not None else None,
        incidents=[_incident_row(i, places, producer) for i in event.incidents],
        sources=[_source_row(s) for s in event.sources],
        firsts=list(event.firsts),
        unknown=list(event.unknown),
        no_route="" if event.route is not None else no_route_reason(event, places),
    )


def _subtitle(event: Event) -> str:
    return (
        f"{KIND_LABELS[event.kind]} · {event.date_start}"
        + (f" to {event.date_end}" if event.date_end != event.date_start else "")
        + " · "
        + " + ".join(COUNTRIES[c] for c in event.participants)
        + (" · uploaded by you, not curated" if event.origin == "upload" else "")
    )


def _route_row(route, places: dict[str, Place]) -> dict:
    return {
        "waypoints": " → ".join(places[p].name for p in route.waypoints),
        "length_km": round(route_length_km(route_coords(places, route.waypoints))),
        "straits": straits_on_route(places, route.waypoints),
        "provenance": PROVENANCES[route.provenance],
        "source": route.source,
        "note": route.note,
    }


def _asset_row(asset, producer: dict[str, str]) -> dict:
    count = asset.count
    return {
        "country": COUNTRIES[asset.country],
        "type": asset.type,
        "count": count if count is None or abs(count) < SAFE_COUNT else str(count),
        "role": asset.role,
        "source": producer[asset.source],
    }


def _claim_row(claim, producer: dict[str, str], disputed: set[str]) -> dict:
    return {
        "field": claim.field,
        "value": _value_text(claim.value),
        "source": producer[claim.source],
        "note": claim.note,
        "conflict": "⚠ disputed" if claim.field in disputed else "",
    }


def _incident_row(incident, places: dict[str, Place], producer: dict[str, str]) -> dict:
    return {
        "kind": INCIDENT_LABELS[incident.kind],
        "by": COUNTRIES[incident.actor],
        "where": places[incident.place].name if incident.place else "not reported",
        "date": str(incident.date or ""),
        "what": incident.description,
        "source": producer[incident.source],
    }


def _source_row(source) -> dict:
    return {
        "id": source.id,
        "producer": source.producer,
        "title": source.title,
        "url": safe_url(source.url),
        "published": str(source.date_published or "unknown"),
        "accessed": str(source.date_accessed or ""),
        "kind": source.kind,
    }


def no_route_reason(event: Event, places: dict[str, Place]) -> str:
    """Why the map draws no route for the event, from the record alone (the schema says a route is
    omitted when no source describes one): the unknown item that names the route if there is one,
    else what the sources do give, the areas."""
    areas = ", ".join(places[a].name for a in event.areas if a in places)
    missing = next((item for item in event.unknown if "route" in item.casefold()), "")
    if missing:
        return (
            f"No route drawn: looked for and not found in the sources read ({missing}); "
            f"the map shows the areas: {areas}."
        )
    if event.kind == "exercise":
        return f"No route drawn: the sources give only the exercise area ({areas})."
    return f"No route drawn: the sources give only the areas covered ({areas}), not a path through them."


def _value_text(value: object) -> str:
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    return "" if value is None else str(value)
