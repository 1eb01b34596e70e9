"""Search over everything an event says and everything it touches, with the matching words shown.

The index is built once per dataset (the app caches it with the events frame): per event, every
text with what it is ("Incident", "Source title", "Place" ...), and one case-folded string that a
query scans. A query is words; an event matches when every word occurs somewhere in its text
(case-insensitive, any script: "NORAD", "alaska", "Японское море" all work).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from patrolmap import words
from patrolmap.schema import Event, Place

SNIPPET_CONTEXT = 40  # characters either side of a match
SNIPPETS_PER_EVENT = 3
QUERY_MAX = 200  # characters of a query that are searched
FIELD_SEP = "\n"  # never typed in a query, so a match cannot span two fields


@dataclass(frozen=True)
class SearchIndex:
    """texts: event id -> [(what, text)], folded: event id -> the texts case-folded and joined."""

    texts: dict[str, tuple[tuple[str, str], ...]]
    folded: dict[str, str]


def query_terms(query: str) -> list[str]:
    """The words of a query, case-folded; a "quoted phrase" stays one term."""
    query = (query or "")[:QUERY_MAX]
    terms = [a or b for a, b in re.findall(r'"([^"]+)"|(\S+)', query)]
    return [t.casefold() for t in terms if t.strip()]


def build_index(
    events: list[Event],
    places: dict[str, Place] | None = None,
    catalogue: list | None = None,
    ships: list | None = None,
    drill_aliases: list | None = None,
) -> SearchIndex:
    """The searchable text of each event: its own fields, its sources, its places (names and aliases
    in every language), its asset types (with catalogue aliases) and ship names, its drill aliases."""
    places = places or {}
    types = _catalogue_index(catalogue or [])
    ships_by_name = {str(_get(s, "name")): s for s in ships or [] if _get(s, "name")}
    drills = []
    for drill in drill_aliases or []:
        names = [str(_get(drill, "canonical") or ""), *(str(a) for a in _get(drill, "aliases") or [])]
        names += [str(n) for n in (_get(drill, "names") or {}).values()]
        drills.append((names, [n.casefold() for n in names if n]))
    # Texts of a place or an asset type, built once and shared by every event that names it.
    places_seen: dict = {}
    types_seen: dict = {}
    texts = {}
    for event in events:
        # Each text once per event: an asset type's dozen catalogue aliases would otherwise repeat
        # for every asset of that type, and every query scans them.
        entries = dict.fromkeys(
            (what, text)
            for what, text in _event_texts(event, places, types, ships_by_name, drills, places_seen, types_seen)
            if text
        )
        texts[event.id] = tuple(entries)
    folded = {eid: FIELD_SEP.join(t for _, t in entries).casefold() for eid, entries in texts.items()}
    return SearchIndex(texts, folded)


def _get(item: object, name: str, default=None):
    """A field of a record, whether it is a mapping (today's YAML) or a typed record (schema v0.2)."""
    if isinstance(item, dict):
        return item.get(name, default)
    return getattr(item, name, default)


def _catalogue_index(catalogue: list) -> dict[str, object]:
    index = {}
    for item in catalogue:
        if _get(item, "type"):
            index[str(_get(item, "type"))] = item
            for alias in _get(item, "aliases") or []:
                index.setdefault(str(alias), item)
    return index


def _event_texts(event: Event, places, types, ships_by_name, drills, places_seen: dict, types_seen: dict):
    yield "Name", event.name
    yield "Id", event.id
    yield "Kind", words.kind(event.kind)
    for alias in event.aliases:
        yield "Also called", alias
    yield "Participants", words.countries(event.participants)
    yield "Summary", event.summary
    for first in event.firsts:
        yield "First", first
    for incident in event.incidents:
        who = words.country(incident.actor)
        yield "Incident", f"{words.incident(incident.kind)} by {who}: {incident.description}"
    for claim in event.claims:
        note = f" ({claim.note})" if claim.note else ""
        yield "Claim", f"{words.field(claim.field)}: {words.value(claim.value)}{note}"
    for _, note in event.disputes:
        yield "Dispute", note
    for unknown in event.unknown:
        yield "Not found in sources", unknown
    if event.route is not None and event.route.note:
        yield "Route note", event.route.note
    for source in event.sources:
        yield "Source", source.producer
        yield "Source title", source.title or ""
        yield "Source note", getattr(source, "note", None) or ""
        yield "Source", getattr(source, "statement_by", None) or ""
    for place_id in _place_ids(event):
        yield from _cached(places_seen, place_id, lambda p=place_id: list(_place_texts(places.get(p))))
    for asset in event.assets:
        yield from _cached(types_seen, asset.type, lambda a=asset: list(_type_texts(a.type, types.get(a.type))))
        ship = getattr(asset, "name", None)
        if ship:
            yield "Ship", ship
            info = ships_by_name.get(ship) or {}
            for alias in _get(info, "aliases") or []:
                yield "Ship", str(alias)
            for name in (_get(info, "names") or {}).values():
                yield "Ship", str(name)
    text = event.name.casefold() + " " + " ".join(a.casefold() for a in event.aliases)
    for names, folded in drills:
        if any(n and n in text for n in folded):
            for name in names:
                yield "Drill name", name


def _cached(cache: dict, key: str, build) -> list:
    if key not in cache:
        cache[key] = build()
    return cache[key]


def _place_texts(place):
    if place is None:
        return
    yield "Place", place.name
    for alias in place.aliases:
        yield "Place", alias
    for name in (getattr(place, "names", None) or {}).values():
        yield "Place", str(name)


def _type_texts(type_name: str, entry: object | None):
    yield "Asset", type_name
    if entry:
        yield "Asset", str(_get(entry, "type") or "")
        yield "Asset", str(_get(entry, "name") or "")
        for alias in _get(entry, "aliases") or []:
            yield "Asset", str(alias)
        for name in (_get(entry, "names") or {}).values():
            yield "Asset", str(name)


def _place_ids(event: Event) -> list[str]:
    ids = list(event.areas)
    if event.route is not None:
        ids += event.route.waypoints
    ids += [i.place for i in event.incidents if i.place]
    return list(dict.fromkeys(ids))


def search(index: SearchIndex, query: str) -> list[str]:
    """Ids of the events whose text holds every word of the query, in index order."""
    terms = query_terms(query)
    if not terms:
        return list(index.folded)
    return [eid for eid, text in index.folded.items() if all(t in text for t in terms)]


def snippets(index: SearchIndex, event_id: str, query: str, limit: int = SNIPPETS_PER_EVENT) -> list[tuple[str, str]]:
    """Where the query's words occur in one event: (what, '…words around the match…'), plain text."""
    terms = query_terms(query)
    out: list[tuple[str, str]] = []
    seen = set()
    for what, text in index.texts.get(event_id, ()):
        folded = text.casefold()
        hits = [(folded.find(t), t) for t in terms if t in folded]
        if not hits:
            continue
        at, term = min(hits)
        start, end = max(0, at - SNIPPET_CONTEXT), min(len(text), at + len(term) + SNIPPET_CONTEXT)
        snippet = ("…" if start else "") + " ".join(text[start:end].split()) + ("…" if end < len(text) else "")
        if (what, snippet) in seen:
            continue
        seen.add((what, snippet))
        out.append((what, snippet))
        if len(out) >= limit:
            break
    return out


def snippet_line(index: SearchIndex, event_id: str, query: str) -> str:
    """The snippets of one event as one line for a table cell: 'Incident: …NORAD said…'."""
    return " · ".join(f"{what}: {text}" for what, text in snippets(index, event_id, query))
