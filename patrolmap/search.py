"""Search over everything an event says and everything it touches, with the matching words shown.

The index is built once per dataset (the app caches it with the events frame): per event, one
case-folded string that a query scans, joined from blocks (the texts of a place, an asset type or
a ship are folded once and shared by every event that names them); and, built only when a snippet
asks for them, every text with what it is ("Incident", "Source title", "Place" ...). A query is
words; an event matches when every word occurs somewhere in its text (case-insensitive, any
script: "NORAD", "alaska", "Японское море" all work).
"""

from __future__ import annotations

import re
from collections import ChainMap
from collections.abc import Mapping
from dataclasses import dataclass

from patrolmap import words
from patrolmap.schema import Event, Place

SNIPPET_CONTEXT = 40  # characters either side of a match
SNIPPETS_PER_EVENT = 3
QUERY_MAX = 200  # characters of a query that are searched
FIELD_SEP = "\n"  # never typed in a query, so a match cannot span two fields


@dataclass(frozen=True)
class SearchIndex:
    """texts: event id -> [(what, text)], folded: event id -> the texts case-folded and joined.

    folded is what every query scans, so it is built for every event up front; texts only serve the
    snippets of the events a page shows, so build_index gives a mapping that builds them on demand."""

    texts: Mapping[str, tuple[tuple[str, str], ...]]
    folded: dict[str, str]


def query_terms(query: str) -> list[str]:
    """The words of a query, case-folded; a "quoted phrase" stays one term."""
    query = (query or "")[:QUERY_MAX]
    terms = [a or b for a, b in re.findall(r'"([^"]+)"|(\S+)', query)]
    return [t.casefold() for t in terms if t.strip()]


class _Context:
    """What events share: the texts of places, asset types and drills, each built once and reused
    by every event that names it (folded as well, so an event's search text is a join)."""

    def __init__(self, places, catalogue, ships, drill_aliases) -> None:
        self.places = places or {}
        self.types = _catalogue_index(catalogue or [])
        self.ships = {str(_get(s, "name")): s for s in ships or [] if _get(s, "name")}
        self.drills = [_drill_names(d) for d in drill_aliases or []]
        # Each drill's spellings case-folded -> the drills they belong to, scanned once per event name.
        self.drill_spellings: dict[str, list[int]] = {}
        for number, (_, folded) in enumerate(self.drills):
            for spelling in dict.fromkeys(folded):
                self.drill_spellings.setdefault(spelling, []).append(number)
        # One scan says whether any spelling occurs at all (most events name no drill).
        spellings = sorted(self.drill_spellings, key=len, reverse=True)
        self.any_drill = re.compile("|".join(map(re.escape, spellings))) if spellings else None
        self._texts: dict[tuple[str, str], list[tuple[str, str]]] = {}
        self._folded: dict[tuple[str, str], str] = {}
        self._drills_named: dict[str, list[tuple[str, str]]] = {}

    def texts(self, what: str, key: str) -> list[tuple[str, str]]:
        """The (what, text) entries of one place ("place"), asset type ("type") or named ship
        ("ship"), cached."""
        if (what, key) not in self._texts:
            if what == "place":
                entries = _place_texts(self.places.get(key))
            elif what == "ship":
                entries = _ship_texts(key, self.ships.get(key))
            else:
                entries = _type_texts(key, self.types.get(key))
            self._texts[(what, key)] = [(w, t) for w, t in dict.fromkeys(entries) if t]
        return self._texts[(what, key)]

    def drill_texts(self, names: str) -> list[tuple[str, str]]:
        """The names of every drill one of whose spellings the (case-folded) event names contain."""
        if self.any_drill is None or not self.any_drill.search(names):
            return []
        if names not in self._drills_named:
            found = {n for spelling, drills in self.drill_spellings.items() if spelling in names for n in drills}
            self._drills_named[names] = [
                ("Drill name", name) for n, (all_names, _) in enumerate(self.drills) if n in found for name in all_names
            ]
        return [(what, name) for what, name in self._drills_named[names] if name]

    def folded(self, what: str, key: str) -> str:
        if (what, key) not in self._folded:
            self._folded[(what, key)] = _fold(self.texts(what, key))
        return self._folded[(what, key)]


class _LazyTexts(Mapping):
    """event id -> its (what, text) entries, built the first time they are asked for."""

    def __init__(self, events: dict[str, Event], context: _Context) -> None:
        self._events = events
        self._context = context
        self._built: dict[str, tuple[tuple[str, str], ...]] = {}

    def __getitem__(self, event_id: str) -> tuple[tuple[str, str], ...]:
        if event_id not in self._built:
            event = self._events[event_id]  # KeyError for an id not indexed, as a dict gives
            self._built[event_id] = tuple(dict.fromkeys(_entries(event, self._context)))
        return self._built[event_id]

    def __iter__(self):
        return iter(self._events)

    def __len__(self) -> int:
        return len(self._events)


def build_index(
    events: list[Event],
    places: dict[str, Place] | None = None,
    catalogue: list | None = None,
    ships: list | None = None,
    drill_aliases: list | None = None,
) -> SearchIndex:
    """The searchable text of each event: its own fields, its sources, its places (names and aliases
    in every language), its asset types (with catalogue aliases) and ship names, its drill aliases."""
    context = _Context(places, catalogue, ships, drill_aliases)
    by_id = {event.id: event for event in events}
    folded = {event_id: _folded_text(event, context) for event_id, event in by_id.items()}
    return SearchIndex(_LazyTexts(by_id, context), folded)


def merged(first: SearchIndex, second: SearchIndex) -> SearchIndex:
    """One index over both (second wins on a shared id), without building any event's texts."""
    return SearchIndex(ChainMap(second.texts, first.texts), {**first.folded, **second.folded})


def _fold(entries) -> str:
    return FIELD_SEP.join([text for _, text in entries]).casefold()


def _folded_text(event: Event, context: _Context) -> str:
    """What a query scans: the event's own texts, then each place, asset type, ship and drill
    name, each shared block folded once. Each text occurs once per block: an asset type's dozen
    catalogue aliases would otherwise repeat for every asset of that type, and every query scans them."""
    blocks = [_fold(_own_texts(event))]
    blocks += [context.folded("place", p) for p in _place_ids(event)]
    blocks += [context.folded("type", t) for t in dict.fromkeys(a.type for a in event.assets)]
    blocks += [context.folded("ship", n) for n in dict.fromkeys(_ship_names(event))]
    blocks.append(_fold(_drill_texts(event, context)))
    return FIELD_SEP.join(b for b in blocks if b)


def _entries(event: Event, context: _Context):
    """Every (what, text) of one event, in the order snippets list them."""
    yield from _own_texts(event)
    for place_id in _place_ids(event):
        yield from context.texts("place", place_id)
    for asset in event.assets:
        yield from context.texts("type", asset.type)
        ship = getattr(asset, "name", None)
        if ship:
            yield from context.texts("ship", ship)
    yield from _drill_texts(event, context)


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


def _drill_names(drill) -> tuple[list[str], list[str]]:
    """(names, names case-folded) of one drill alias entry: canonical, aliases, names per language."""
    names = [str(_get(drill, "canonical") or ""), *(str(a) for a in _get(drill, "aliases") or [])]
    names += [str(n) for n in (_get(drill, "names") or {}).values()]
    return names, [n.casefold() for n in names if n]


def _own_texts(event: Event) -> list[tuple[str, str]]:
    """The texts the record itself holds, non-empty ones only."""
    entries = [*_record_texts(event), *_incident_texts(event), *_claim_texts(event), *_source_texts(event)]
    return [(what, text) for what, text in entries if text]


def _record_texts(event: Event) -> list[tuple[str, str]]:
    entries = [("Name", event.name), ("Id", event.id), ("Kind", words.kind(event.kind))]
    entries += [("Also called", alias) for alias in event.aliases]
    entries += [("Participants", words.countries(event.participants)), ("Summary", event.summary)]
    entries += [("First", first) for first in event.firsts]
    return entries


def _incident_texts(event: Event) -> list[tuple[str, str]]:
    return [
        ("Incident", f"{words.incident(i.kind)} by {words.country(i.actor)}: {i.description}") for i in event.incidents
    ]


def _claim_texts(event: Event) -> list[tuple[str, str]]:
    entries = [
        ("Claim", f"{words.field(c.field)}: {words.value(c.value)}" + (f" ({c.note})" if c.note else ""))
        for c in event.claims
    ]
    entries += [("Dispute", note) for _, note in event.disputes]
    entries += [("Not found in sources", unknown) for unknown in event.unknown]
    if event.route is not None and event.route.note:
        entries.append(("Route note", event.route.note))
    return entries


def _source_texts(event: Event) -> list[tuple[str, str]]:
    entries = []
    for source in event.sources:
        entries += [
            ("Source", source.producer),
            ("Source title", source.title or ""),
            ("Source note", getattr(source, "note", None) or ""),
            ("Source", getattr(source, "statement_by", None) or ""),
        ]
    return entries


def _ship_names(event: Event) -> list[str]:
    return [name for asset in event.assets if (name := getattr(asset, "name", None))]


def _ship_texts(ship: str, info: object | None) -> list[tuple[str, str]]:
    """An individual ship's name with its other spellings (data/ships.yaml)."""
    names = [ship, *(str(a) for a in _get(info or {}, "aliases") or [])]
    names += [str(n) for n in (_get(info or {}, "names") or {}).values()]
    return [("Ship", name) for name in names]


def _drill_texts(event: Event, context: _Context) -> list[tuple[str, str]]:
    """The names of every drill whose name or alias the event's name or aliases contain."""
    if not context.drills:
        return []
    return context.drill_texts(event.name.casefold() + " " + " ".join(a.casefold() for a in event.aliases))


def _place_texts(place) -> list[tuple[str, str]]:
    if place is None:
        return []
    names = [place.name, *place.aliases, *(str(n) for n in (getattr(place, "names", None) or {}).values())]
    return [("Place", name) for name in names]


def _type_texts(type_name: str, entry: object | None) -> list[tuple[str, str]]:
    if not entry:
        return [("Asset", type_name)]
    names = [type_name, str(_get(entry, "type") or ""), str(_get(entry, "name") or "")]
    names += [str(a) for a in _get(entry, "aliases") or []]
    names += [str(n) for n in (_get(entry, "names") or {}).values()]
    return [("Asset", name) for name in names]


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
