"""Synthetic events shaped like the real ones, for benchmarks and scale tests.

Never shown in the app and never written to data/: the records are invented. They use the real
gazetteer so that routes, areas and incidents land where real ones do, and they pass the same
validation as curated records (see `event_record`, which gives the YAML shape load.parse_event reads).
"""

from __future__ import annotations

import math
import random
from datetime import date, timedelta

from patrolmap.schema import INCIDENT_KINDS, KIND_LABELS, PROVENANCES, Asset, Event, Incident, Place, Route, Source

# Shares in data/events as of 2026-11: 11 air patrols, 7 naval patrols, 12 exercises out of 30.
KIND_WEIGHTS = {"air_patrol": 11, "naval_patrol": 7, "exercise": 12}
# 24 of 30 real events are Russia + China, 5 add Iran, 1 is Russia + Iran.
PARTICIPANT_WEIGHTS = {("RUS", "CHN"): 24, ("RUS", "CHN", "IRN"): 5, ("RUS", "IRN"): 1}
# kind | country | catalogue type | role: a row per asset a synthetic event of that kind may carry.
ASSET_ROWS = """
air_patrol   | RUS | Tu-95MS                      | bomber
air_patrol   | CHN | H-6K                         | bomber
air_patrol   | RUS | A-50                         | aew
air_patrol   | CHN | KJ-2000                      | aew
air_patrol   | RUS | Su-35S                       | fighter
air_patrol   | CHN | J-16                         | fighter
air_patrol   | RUS | Il-78                        | tanker
naval_patrol | RUS | Udaloy-class destroyer       | ship
naval_patrol | CHN | Type 052D destroyer          | ship
naval_patrol | RUS | Steregushchiy-class corvette | ship
naval_patrol | CHN | Type 054A frigate            | ship
naval_patrol | CHN | Type 903 replenishment ship  | ship
naval_patrol | RUS | Ka-27 helicopter             | helicopter
exercise     | RUS | Slava-class cruiser          | ship
exercise     | CHN | Type 055 destroyer           | ship
exercise     | IRN | Moudge-class frigate         | ship
exercise     | RUS | Kilo-class submarine         | submarine
exercise     | CHN | Y-8Q patrol aircraft         | reconnaissance
exercise     | RUS | Tu-142                       | reconnaissance
"""
ASSETS_BY_KIND: dict[str, tuple[tuple[str, str, str], ...]] = {}
for _row in ASSET_ROWS.strip().splitlines():
    _kind, *_asset = (cell.strip() for cell in _row.split("|"))
    ASSETS_BY_KIND[_kind] = (*ASSETS_BY_KIND.get(_kind, ()), tuple(_asset))
INCIDENT_ACTORS = ("JPN", "KOR", "USA", "TWN", "CAN")
PRODUCERS = (
    ("Ministry of Defence of the Russian Federation", "official"),
    ("Ministry of National Defense of the PRC", "official"),
    ("Japan Joint Staff", "official"),
    ("TASS", "news"),
    ("Xinhua", "news"),
    ("Reuters", "news"),
    ("Kyodo", "news"),
    ("Yonhap", "news"),
    ("The Diplomat", "analysis"),
)
FIRST_DAY = date(2019, 1, 1)
LAST_DAY = date(2026, 12, 31)
ROUTE_WAYPOINTS = (6, 10)  # inclusive; the brief's "about 8"
NEIGHBOURS = 6  # each next waypoint is one of the nearest places, so routes wander rather than zigzag


def synthetic_events(n: int, places: dict[str, Place], seed: int = 0, route_share: float = 1.0) -> list[Event]:
    """n invented events over the real gazetteer; the same n, places and seed give the same events.

    Every event has a route unless route_share < 1 (the real data has routes for about half):
    the default is the heavier case for a map.
    """
    rng = random.Random(seed)
    ids = sorted(places)
    areas = [p for p in ids if places[p].polygon]
    if len(ids) < 2 or not areas:
        raise ValueError(f"need at least 2 places and 1 with a polygon, got {len(ids)} and {len(areas)}")
    near = _nearest(places, ids)
    kinds = list(KIND_WEIGHTS)
    kind_weights = list(KIND_WEIGHTS.values())
    sides = list(PARTICIPANT_WEIGHTS)
    side_weights = list(PARTICIPANT_WEIGHTS.values())
    span = (LAST_DAY - FIRST_DAY).days
    events = []
    for i in range(n):
        kind = rng.choices(kinds, kind_weights)[0]
        start = FIRST_DAY + timedelta(days=rng.randrange(span + 1))
        end = start + timedelta(days=0 if kind == "air_patrol" else rng.randint(1, 10))
        event_id = f"syn-{kind.split('_')[0]}-{start.isoformat()}-{i:06d}"
        participants = sides[rng.choices(range(len(sides)), side_weights)[0]]
        sources = _sources(rng, event_id, start)
        cite = [s.id for s in sources]
        route = None
        if rng.random() < route_share:
            route = Route(
                waypoints=_walk(rng, ids, near, rng.randint(*ROUTE_WAYPOINTS)),
                provenance=rng.choice(list(PROVENANCES)),
                source=cite[0],
            )
        assets = tuple(
            Asset(country, type_, rng.choice((1, 2, 2, 3, 4, None)), role, rng.choice(cite))
            for country, type_, role in rng.sample(ASSETS_BY_KIND[kind], rng.randint(2, 6))
        )
        incidents = tuple(
            Incident(
                kind=rng.choice(INCIDENT_KINDS),
                actor=rng.choice(INCIDENT_ACTORS),
                place=rng.choice(ids),
                date=start,
                description=f"Synthetic incident {k + 1} of {event_id}.",
                source=rng.choice(cite),
            )
            for k in range(rng.randint(0, 2))
        )
        events.append(
            Event(
                id=event_id,
                kind=kind,
                name=f"Synthetic {KIND_LABELS[kind].lower()} {i + 1}",
                date_start=start,
                date_end=end,
                participants=participants,
                areas=tuple(rng.sample(areas, min(len(areas), rng.randint(1, 3)))),
                sources=sources,
                summary=f"Invented for benchmarks ({event_id}).",
                route=route,
                assets=assets,
                incidents=incidents,
                duration_hours=round(rng.uniform(4, 12), 1) if kind == "air_patrol" else None,
                file="synthetic",
            )
        )
    events.sort(key=lambda e: (e.date_start, e.id))
    return events


def _nearest(places: dict[str, Place], ids: list[str]) -> dict[str, list[str]]:
    def distance(a: Place, b: Place) -> float:
        dlon = abs(a.lon - b.lon) % 360
        return math.hypot(a.lat - b.lat, min(dlon, 360 - dlon) * math.cos(math.radians((a.lat + b.lat) / 2)))

    return {
        p: sorted((q for q in ids if q != p), key=lambda q: distance(places[p], places[q]))[:NEIGHBOURS] for p in ids
    }


def _walk(rng: random.Random, ids: list[str], near: dict[str, list[str]], length: int) -> tuple[str, ...]:
    """A route that steps from place to a nearby place, revisiting none while it can help it."""
    route = [rng.choice(ids)]
    while len(route) < length:
        fresh = [q for q in near[route[-1]] if q not in route]
        route.append(rng.choice(fresh or near[route[-1]]))
    return tuple(route)


def _sources(rng: random.Random, event_id: str, start: date) -> tuple[Source, ...]:
    picked = rng.sample(PRODUCERS, rng.randint(1, 3))
    return tuple(
        Source(
            id=f"s{k + 1}",
            producer=producer,
            title=f"Synthetic report {k + 1} on {event_id}",
            url=f"https://example.org/synthetic/{event_id}/{k + 1}",
            date_published=start + timedelta(days=k),
            date_accessed=date(2026, 11, 27),
            kind=kind,
        )
        for k, (producer, kind) in enumerate(picked)
    )


def event_record(event: Event) -> dict:
    """The event as a data/events YAML mapping (what load.parse_event reads), to time validation."""
    record = {
        "id": event.id,
        "kind": event.kind,
        "name": event.name,
        "date_start": event.date_start.isoformat(),
        "date_end": event.date_end.isoformat(),
        "participants": list(event.participants),
        "areas": list(event.areas),
        "summary": event.summary,
        "assets": [
            {"country": a.country, "type": a.type, "count": a.count, "role": a.role, "source": a.source}
            for a in event.assets
        ],
        "incidents": [
            {
                "kind": i.kind,
                "actor": i.actor,
                "place": i.place,
                "date": i.date.isoformat() if i.date else None,
                "description": i.description,
                "source": i.source,
            }
            for i in event.incidents
        ],
        "sources": [
            {
                "id": s.id,
                "producer": s.producer,
                "title": s.title,
                "url": s.url,
                "date_published": s.date_published.isoformat() if s.date_published else None,
                "date_accessed": s.date_accessed.isoformat() if s.date_accessed else None,
                "kind": s.kind,
            }
            for s in event.sources
        ],
    }
    if event.route is not None:
        record["route"] = {
            "waypoints": list(event.route.waypoints),
            "provenance": event.route.provenance,
            "source": event.route.source,
        }
    if event.duration_hours is not None:
        record["duration_hours"] = event.duration_hours
    return record
