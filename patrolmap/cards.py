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
                "count": a.count if a.count is None or abs(a.count) < SAFE_COUNT else str(a.count),
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
        no_route="" if event.route is not None else no_route_reason(event, places),
    )


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
