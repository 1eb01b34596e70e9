"""Events -> the map's features, once: what every output draws.

`build_model(events, places)` gives a `MapModel`: areas, routes, incidents, place-name labels
and asset badges (or, above `MAX_ROUTES` routes, legs per pair of gazetteer places and incident
places), each a `Feature` with its geometry, its style (an index into the model's style table),
its legend keys and its display text. The live Leaflet map, the HTML export, the PNG/SVG
snapshot and the GeoJSON export all draw from this model (patrolmap/render_*.py).

Geometry is in display longitudes (Pacific-centred, unwrapped across 180°: the app's map);
render_geojson turns it into RFC 7946 longitudes. Text is plain; renderers escape it.
"""

from __future__ import annotations

import math
import threading
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from functools import lru_cache
from itertools import chain, pairwise

from shapely.geometry import LineString, Polygon

from patrolmap import style
from patrolmap.assets import land_geojson
from patrolmap.gazetteer import display_lon, polygon_coords, route_coords, route_length_km, straits_on_route
from patrolmap.schema import KINDS, Event, Place
from patrolmap.speed import IdentityMemo, without_cyclic_gc

MAX_ROUTES = 1000  # above this many routes in the filter, draw legs per place pair instead
# An area lists its events' ids (for the clicked-area caption) only up to this many: a caption of
# thousands of names is unreadable, and a partial list would mislead.
AREA_IDS_MAX = 50
# Badges per event while they stay legible; beyond, one count per place (until zoomed in).
MAX_BADGES = 12
MAX_ZOOMED_BADGES = 200
# (zoom from which a crowded view's badges show, last zoom of the counts that stand for them)
BADGE_ZOOM = (6, 5)
BADGE_ZOOM_SELECTED = (8, 7)
# The browser gets at most this many points per line or ring; longer ones (uploads) are
# simplified for drawing. Lengths are measured on the full path.
MAX_DRAWN_POINTS = 2000
DEFAULT_CENTER = (40.0, 150.0)
VIEW_MARGIN_DEG = 3.0  # around the data's bounds, for fitted views


@dataclass(frozen=True, slots=True)
class Feature:
    """One thing on the map. coords: Point (lon, lat); LineString ((lon, lat), ...); Polygon a
    closed ring ((lon, lat), ...). text: tooltip lines (the first is the title); notes: lines
    set in italics; label: the short text drawn on the map itself."""

    layer: str
    fid: str
    geometry: str
    coords: tuple
    style: int
    keys: tuple[str, ...] = ()
    text: tuple[str, ...] = ()
    notes: tuple[str, ...] = ()
    label: str = ""
    props: dict = field(default_factory=dict)


@dataclass
class MapModel:
    """The features of one view, bottom to top by layer, with the style table they index."""

    areas: list[Feature] = field(default_factory=list)
    routes: list[Feature] = field(default_factory=list)
    incidents: list[Feature] = field(default_factory=list)
    labels: list[Feature] = field(default_factory=list)
    badges: list[Feature] = field(default_factory=list)
    styles: list[dict] = field(default_factory=list)
    aggregated: bool = False
    n_routes: int = 0
    selected: str = ""
    _style_index: dict = field(default_factory=dict, repr=False)

    def style_of(self, feature: Feature) -> dict:
        return self.styles[feature.style]

    def add_style(self, value: dict) -> int:
        key = tuple(value.items())
        index = self._style_index.get(key)
        if index is None:
            index = self._style_index[key] = len(self.styles)
            self.styles.append(value)
        return index

    def layers(self) -> dict[str, list[Feature]]:
        return {
            "areas": self.areas,
            "routes": self.routes,
            "incidents": self.incidents,
            "labels": self.labels,
            "badges": self.badges,
        }

    def features(self, with_labels: bool = True):
        for name, features in self.layers().items():
            if with_labels or name != "labels":
                yield from features

    def legend_keys(self) -> set[str]:
        """The legend keys of what is drawn (place-name labels need no legend)."""
        return {key for f in self.features(with_labels=False) for key in f.keys}

    def bounds(self) -> tuple[float, float, float, float] | None:
        """(lon_min, lon_max, lat_min, lat_max) of areas, routes, incidents and badges."""
        xs: list[float] = []
        ys: list[float] = []
        for feature in self.features(with_labels=False):
            for x, y in flat_coords(feature):
                xs.append(x)
                ys.append(y)
        if not xs:
            return None
        return min(xs), max(xs), min(ys), max(ys)


def flat_coords(feature: Feature):
    return [feature.coords] if feature.geometry == "Point" else feature.coords


# --- geometry, measured and simplified once per path --------------------------------------

_GEOMETRY_CACHE_SIZE = 20_000
_route_geometry: dict[tuple[str, ...], tuple[tuple, tuple]] = {}
_route_geometry_lock = threading.Lock()


def route_geometry(places: dict[str, Place], waypoints: tuple[str, ...]) -> tuple[tuple, float, tuple[str, ...]]:
    """(drawn (lon, lat) points, geodesic km, straits passed) of a route, computed once per path:
    the cache is keyed by the waypoints and checked against the places they name, so an edited or
    uploaded gazetteer never gets another's geometry."""
    points = tuple(map(places.__getitem__, waypoints))
    cached = _route_geometry.get(waypoints)
    if cached is not None and cached[0] == points:
        return cached[1]
    coords = route_coords(places, waypoints)
    length = route_length_km(coords)
    drawn = simplify_line(tuple((lon, lat) for lat, lon in coords))
    geometry = (drawn, length, tuple(straits_on_route(places, waypoints)))
    with _route_geometry_lock:
        if len(_route_geometry) >= _GEOMETRY_CACHE_SIZE:
            _route_geometry.clear()
        _route_geometry[waypoints] = (points, geometry)
    return geometry


def simplify_line(coords: tuple) -> tuple:
    """At most MAX_DRAWN_POINTS points: Douglas-Peucker (shapely) with a growing tolerance."""
    if len(coords) <= MAX_DRAWN_POINTS:
        return coords
    line = LineString(coords)
    tolerance = 0.01
    while True:
        simple = line.simplify(tolerance, preserve_topology=False)
        if len(simple.coords) <= MAX_DRAWN_POINTS:
            return tuple((round(x, 5), round(y, 5)) for x, y in simple.coords)
        tolerance *= 2


@lru_cache(maxsize=4096)
def area_ring(place: Place) -> tuple:
    """The closed (lon, lat) ring of an area's approximate outline, simplified for drawing."""
    ring = polygon_coords(place)
    closed = (*ring, ring[0])
    if len(closed) <= MAX_DRAWN_POINTS:
        return tuple(closed)
    polygon = Polygon(closed)
    tolerance = 0.01
    while True:
        simple = polygon.simplify(tolerance, preserve_topology=True)
        if len(simple.exterior.coords) <= MAX_DRAWN_POINTS:
            return tuple((round(x, 5), round(y, 5)) for x, y in simple.exterior.coords)
        tolerance *= 2


def place_point(place: Place) -> tuple[float, float]:
    return (display_lon(place.lon), place.lat)


def fan_out(lon: float, lat: float, nth: int) -> tuple[float, float]:
    """The nth marker at one place goes on a small spiral round it (display only, ~0.35 deg apart)."""
    if nth == 0:
        return (lon, lat)
    angle = nth * 2.4  # golden angle in radians, so markers never line up
    radius = 0.35 * math.sqrt(nth)
    return (round(lon + radius * math.cos(angle), 4), round(lat + radius * math.sin(angle), 4))


# --- the model ----------------------------------------------------------------------------


@without_cyclic_gc
def build_model(
    events: list[Event],
    places: dict[str, Place],
    selected: str = "",
    max_routes: int | None = MAX_ROUTES,
    labels: bool = True,
) -> MapModel:
    """The map's features for the events: single routes while they stay readable (at most
    max_routes; None: always), aggregates beyond; place names when labels is set."""
    model = MapModel(selected=selected)
    model.n_routes = sum(1 for e in events if e.route is not None)
    model.aggregated = max_routes is not None and model.n_routes > max_routes
    add_areas(model, events, places)
    if model.aggregated:
        add_legs(model, events, places, max_routes)
        add_hotspots(model, events, places)
    else:
        add_routes(model, events, places, selected)
        add_incidents(model, events, places)
    add_point_areas(model, events, places)
    add_badges(model, events, places, selected)
    if labels:
        model.labels = place_labels(places)
    return model


def add_areas(model: MapModel, events: list[Event], places: dict[str, Place]) -> None:
    """One approximate polygon per area used, shaded by how many events in the filter used it."""
    used: dict[str, list[str]] = defaultdict(list)
    for event in events:
        for area in event.areas:
            if places[area].polygon:
                used[area].append(event.id)
    top = max((len(ids) for ids in used.values()), default=0)
    for area_id, ids in sorted(used.items()):
        place = places[area_id]
        text, notes = style.area_tooltip_lines(place.name, len(ids))
        model.areas.append(
            Feature(
                "area",
                f"area:{area_id}",
                "Polygon",
                area_ring(place),
                model.add_style(style.area_style(len(ids), top)),
                ("area",),
                text,
                notes,
                place.name,
                {"area_id": area_id, "count": len(ids), "event_ids": ids if len(ids) <= AREA_IDS_MAX else []},
            )
        )


def add_point_areas(model: MapModel, events: list[Event], places: dict[str, Place]) -> None:
    """An event with no route whose areas are all points (straits, capes) is still drawn: a
    ring marker at each point, so that every counted event shows on the map."""
    index = model.add_style(style.point_area_style())
    for event in events:
        if event.route is not None or any(places[a].polygon for a in event.areas):
            continue
        for area_id in event.areas:
            place = places[area_id]
            model.areas.append(
                Feature(
                    "point_area",
                    f"point:{event.id}:{area_id}",
                    "Point",
                    place_point(place),
                    index,
                    ("point_area",),
                    (style.event_label(event), place.name),
                    ("No route described; click for the event card",),
                    place.name,
                    {"event_id": event.id, "area_id": area_id},
                )
            )


def _route_parts(event: Event) -> tuple:
    """What a route feature takes from its event alone: (side, feature id, legend keys, date,
    tooltip lines but the length, notes, label)."""
    side = style.side_key(event)
    keys = (f"side:{side}", f"kind:{event.kind}", f"provenance:{event.route.provenance}", "arrow")
    lines, notes = style.route_event_lines(event)
    return side, f"route:{event.id}", keys, event.date_start.isoformat(), lines, notes, style.route_label(event)


# Every rerun draws the same event objects (loaded once per server process), so what a feature
# takes from its event alone is written once per event: ~3x a large upload's 10,000 events.
EVENT_CACHE = 50_000
_route_event_parts = IdentityMemo(_route_parts, EVENT_CACHE)
# Lines made of a few values ((km, provenance), (date, place)), built once per distinct value:
# a line in parts costs ~1.5 µs to build, a cache hit a tenth of that.
_length_line = lru_cache(maxsize=EVENT_CACHE)(style.route_length_line)
_place_line = lru_cache(maxsize=EVENT_CACHE)(style.incident_place_line)


def add_routes(model: MapModel, events: list[Event], places: dict[str, Place], selected: str) -> None:
    """One line per event with a route; the selected event's heavier."""
    styles: dict[tuple, int] = {}  # (side, kind, provenance, selected) -> the model's style index
    for event in events:
        route = event.route
        if route is None:
            continue
        coords, length, straits = route_geometry(places, route.waypoints)
        side, fid, keys, day, lines, notes, label = _route_event_parts(event)
        text = (*lines, _length_line(length, route.provenance))
        is_selected = event.id == selected
        style_key = (side, event.kind, route.provenance, is_selected)
        style_index = styles.get(style_key)
        if style_index is None:
            style_index = styles[style_key] = model.add_style(style.route_style(event, is_selected))
        model.routes.append(
            Feature(
                "route",
                fid,
                "LineString",
                coords,
                style_index,
                keys,
                text,
                notes,
                label,
                {
                    "event_id": event.id,
                    "kind": event.kind,
                    "date": day,
                    "participants": list(event.participants),
                    "length_km": round(length, 1),
                    "provenance": route.provenance,
                    "selected": is_selected,
                    "straits": list(straits),
                },
            )
        )


def _incident_parts(event: Event) -> tuple[tuple, ...]:
    """What each of the event's incidents with a place takes from the event alone: (number,
    place id, feature id, legend keys, kind, symbol, colour, title lines, date, description)."""
    lines = style.incident_lines(event)
    out = []
    for n, incident in enumerate(event.incidents):
        if incident.place:
            symbol, color = style.INCIDENT_SYMBOLS.get(incident.kind, style.INCIDENT_SYMBOLS["other"])
            head, when, description = lines[n]
            fid, keys = f"incident:{event.id}:{n}", (f"incident:{incident.kind}",)
            out.append((n, incident.place, fid, keys, incident.kind, symbol, color, head, when, description))
    return tuple(out)


_incident_event_parts = IdentityMemo(_incident_parts, EVENT_CACHE)


def add_incidents(model: MapModel, events: list[Event], places: dict[str, Place]) -> None:
    """One marker per incident with a place; several at one place fanned out round it."""
    seen: dict[str, int] = {}
    styles: dict[str, int] = {}  # incident kind -> the model's style index
    for event in events:
        for n, place_id, fid, keys, kind, symbol, color, head, when, description in _incident_event_parts(event):
            place = places[place_id]
            nth = seen.get(place_id, 0)
            seen[place_id] = nth + 1
            lon, lat = fan_out(display_lon(place.lon), place.lat, nth)
            style_index = styles.get(kind)
            if style_index is None:
                style_index = styles[kind] = model.add_style({"color": color, "symbol": symbol})
            model.incidents.append(
                Feature(
                    "incident",
                    fid,
                    "Point",
                    (lon, lat),
                    style_index,
                    keys,
                    (*head, _place_line(when, place.name), description),
                    (event.name,),
                    symbol,
                    {
                        "event_id": event.id,
                        "incident": n,
                        "kind": kind,
                        "place": place_id,
                        "anchor": place_point(place),
                    },
                )
            )


def add_legs(model: MapModel, events: list[Event], places: dict[str, Place], max_routes: int) -> None:
    """One line per pair of consecutive waypoints (either direction), weighted by events using it."""
    # (kind, side) -> each route's legs, counted per group in one C call (the hot loop).
    routes: dict[tuple[str, str], list[frozenset]] = defaultdict(list)
    side_labels: dict[str, str] = {}
    for event in events:
        if event.route is None:
            continue
        side = style.side_key(event)
        if side not in side_labels:
            side_labels[side] = style.side_label(event)
        routes[event.kind, side].append(route_legs(event.route.waypoints))
    counts: Counter = Counter()
    by_kind: dict[tuple[str, str], Counter] = defaultdict(Counter)
    by_side: dict[tuple[str, str], Counter] = defaultdict(Counter)
    for (kind, side), group in routes.items():
        legs = Counter(chain.from_iterable(group))
        counts.update(legs)
        for leg, n in legs.items():
            by_kind[leg][kind] += n
            by_side[leg][side] += n
    top = max(counts.values(), default=1)
    order = [k for k in KINDS if any(k in c for c in by_kind.values())] + sorted(
        {k for c in by_kind.values() for k in c} - set(KINDS)
    )
    for (a, b), n in sorted(counts.items(), key=lambda item: item[1]):  # busiest drawn last, on top
        side = by_side[(a, b)].most_common(1)[0][0]
        kinds = [(by_kind[(a, b)][k], k) for k in order if by_kind[(a, b)][k]]
        model.routes.append(
            Feature(
                "leg",
                f"leg:{a}|{b}",
                "LineString",
                tuple((lon, lat) for lat, lon in route_coords(places, (a, b))),
                model.add_style(style.leg_style(side, math.sqrt(n / top))),
                (f"side:{side}", "leg"),
                style.leg_tooltip_lines(places[a].name, places[b].name, n, kinds, side_labels[side]),
                (f"Aggregated: filter to {max_routes:,} routes or fewer to see each one",),
                "",
                {"leg": f"{a}|{b}", "count": n},
            )
        )


@lru_cache(maxsize=65536)
def route_legs(waypoints: tuple[str, ...]) -> frozenset[tuple[str, str]]:
    """The pairs of consecutive waypoints a route flies (either direction, each once)."""
    return frozenset((a, b) if a <= b else (b, a) for a, b in pairwise(waypoints) if a != b)


def add_hotspots(model: MapModel, events: list[Event], places: dict[str, Place]) -> None:
    """One circle per place with incidents, sized by how many; counts per incident kind."""
    by_place: dict[str, Counter] = defaultdict(Counter)
    for event in events:
        for incident in event.incidents:
            if incident.place:
                by_place[incident.place][incident.kind] += 1
    top = max((sum(c.values()) for c in by_place.values()), default=1)
    for place_id, per_kind in sorted(by_place.items(), key=lambda item: -sum(item[1].values())):
        n = sum(per_kind.values())
        model.incidents.append(
            Feature(
                "hotspot",
                f"hotspot:{place_id}",
                "Point",
                place_point(places[place_id]),
                model.add_style({**style.HOTSPOT_STYLE, "radius": style.hotspot_radius(math.sqrt(n / top))}),
                ("hotspot",),
                style.hotspot_tooltip_lines(places[place_id].name, n, per_kind.most_common()),
                (),
                f"{n:,}",
                {"place": place_id, "count": n},
            )
        )


def badge_anchor(event: Event) -> str | None:
    """Where an event's badge sits: its route's middle waypoint, else its first area."""
    route = event.route
    if route is not None and route.waypoints:
        return route.waypoints[len(route.waypoints) // 2]
    return event.areas[0] if event.areas else None


def add_badges(model: MapModel, events: list[Event], places: dict[str, Place], selected: str = "") -> None:
    """What each side sent, per shown event with assets. Beyond MAX_BADGES events one count per
    place instead, with the badges back once zoomed in; beyond MAX_ZOOMED_BADGES (or in the
    aggregated view) counts only, until the filter is narrowed. The selected event's badge always shows."""
    anchored = [(e, a) for e in events if e.assets and (a := badge_anchor(e))]
    if not anchored:
        return
    crowded = model.aggregated or len(anchored) > MAX_BADGES
    per_event = not model.aggregated and len(anchored) <= MAX_ZOOMED_BADGES
    per_place: dict[str, list[str]] = defaultdict(list)
    # A crowded view's badges show only zoomed in; with one event open among many, closer still, so
    # the open event's badge (always shown) is read on its own at the zoom the map opens it at.
    min_zoom, count_max_zoom = (BADGE_ZOOM_SELECTED if selected else BADGE_ZOOM) if crowded else (0, None)
    index = model.add_style({"min_zoom": min_zoom})
    always = model.add_style({"min_zoom": 0})
    seen: Counter = Counter()
    for event, anchor in anchored:
        per_place[anchor].append(event.id)
        if not per_event and event.id != selected:
            continue
        lon, lat = fan_out(*place_point(places[anchor]), seen[anchor])
        seen[anchor] += 1
        text = style.badge_text(event)
        model.badges.append(
            Feature(
                "badge",
                f"badge:{event.id}",
                "Point",
                (lon, lat),
                always if event.id == selected else index,
                ("badge",),
                (style.route_label(event), text),
                ("? = count not reported",),
                text,
                {"event_id": event.id, "parts": style.badge_parts(event)},
            )
        )
    if not crowded:
        return
    counts = model.add_style({"max_zoom": count_max_zoom} if per_event else {})
    for anchor, ids in sorted(per_place.items()):
        model.badges.append(
            Feature(
                "badge_count",
                f"badges:{anchor}",
                "Point",
                place_point(places[anchor]),
                counts,
                ("badge_count",),
                style.badge_count_lines(places[anchor].name, len(ids)),
                ("Zoom in or narrow the filter to see what each sent",),
                f"{len(ids):,}",
                {"place": anchor, "count": len(ids), "event_ids": ids if len(ids) <= AREA_IDS_MAX else []},
            )
        )


# --- place names --------------------------------------------------------------------------

LABEL_KINDS = {"sea": "sea", "strait": "strait", "island": "island"}


def place_labels(places: dict[str, Place]) -> list[Feature]:
    """Names of seas, straits and islands (gazetteer) and of countries (Natural Earth), in the
    order they win a collision: seas, straits, countries, islands."""
    named = tuple(
        (place_id, LABEL_KINDS[p.kind], p.name, place_point(p))
        for place_id, p in places.items()
        if p.kind in LABEL_KINDS and p.file != "upload"
    )
    order = list(style.LABEL_MIN_ZOOM)
    return sorted([*country_labels(), *_gazetteer_labels(named)], key=lambda f: order.index(f.props["kind"]))


@lru_cache(maxsize=8)
def _gazetteer_labels(named: tuple) -> tuple[Feature, ...]:
    out = [_label(kind, place_id, name, point) for place_id, kind, name, point in sorted(named)]
    order = list(style.LABEL_MIN_ZOOM)
    return tuple(sorted(out, key=lambda f: (order.index(f.props["kind"]), f.label)))


def _label(kind: str, key: str, name: str, point: tuple[float, float]) -> Feature:
    return Feature(
        "label",
        f"label:{key}",
        "Point",
        point,
        0,
        (f"label:{kind}",),
        (),
        (),
        name,
        {"kind": kind, "min_zoom": style.LABEL_MIN_ZOOM[kind]},
    )


@lru_cache(maxsize=1)
def country_labels() -> tuple[Feature, ...]:
    """One label per Natural Earth country of the basemap, at a point inside its largest part."""
    out = []
    for feature in land_geojson()["features"]:
        name = feature["properties"].get("name") or ""
        point = largest_part_point(feature["geometry"])
        if name and point is not None:
            out.append(_label("country", name, name, point))
    return tuple(sorted(out, key=lambda f: f.label))


MIN_LABEL_AREA = 4.0  # square degrees: smaller countries are not named at the zooms we draw


def largest_part_point(geometry: dict) -> tuple[float, float] | None:
    polygons = [geometry["coordinates"]] if geometry["type"] == "Polygon" else geometry["coordinates"]
    shapes = [Polygon(poly[0]) for poly in polygons if len(poly[0]) >= 4]
    if not shapes:
        return None
    largest = max(shapes, key=lambda p: p.area)
    if largest.area < MIN_LABEL_AREA:
        return None
    point = largest.representative_point()
    return (round(point.x, 3), round(point.y, 3))


# --- the view ---------------------------------------------------------------------------


def data_bounds(events: list[Event], places: dict[str, Place]) -> tuple[float, float, float, float] | None:
    """(lon_min, lon_max, lat_min, lat_max) on the Pacific-centred display, of routes, areas
    (outlines and points) and incidents; None when nothing has geometry."""
    return build_model(events, places, max_routes=None, labels=False).bounds()


def fitted_view(bounds, margin: float = VIEW_MARGIN_DEG) -> tuple[float, float, float, float]:
    """Bounds plus a margin, at least ~12 by 8 degrees, so one strait is not blown up to fill the page."""
    if bounds is None:
        lat, lon = DEFAULT_CENTER
        return lon - 25, lon + 25, lat - 15, lat + 15
    lon_min, lon_max, lat_min, lat_max = bounds
    cx, cy = (lon_min + lon_max) / 2, (lat_min + lat_max) / 2
    half_x = max((lon_max - lon_min) / 2 + margin, 6.0)
    half_y = max((lat_max - lat_min) / 2 + margin, 4.0)
    return cx - half_x, cx + half_x, max(cy - half_y, -85.0), min(cy + half_y, 85.0)


def map_view(events: list[Event], places: dict[str, Place], view=None) -> tuple[float, float, float, float]:
    """The extent to draw: view if given, else the data's bounds plus a margin (never tiny)."""
    if view is not None:
        lon_min, lon_max, lat_min, lat_max = (float(v) for v in view)
        if lon_min >= lon_max or lat_min >= lat_max:
            raise ValueError(f"view must be (lon_min, lon_max, lat_min, lat_max), got {view!r}")
        return lon_min, lon_max, lat_min, lat_max
    return fitted_view(data_bounds(events, places))
