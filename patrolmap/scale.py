"""Map layers that stay fast and small at thousands of events.

maps.build_layers sends one GeoJSON feature per route with its own style dict and its own
pre-escaped tooltip HTML, and computes every route length leg by leg with geopy: at 10,000
events that is ~6 s and ~16 MB per rerun (see benchmarks/README.md). The layers here draw the
same things with the same styles, but:

* each layer ships its features as compact rows (JSON arrays, no per-feature style, no HTML);
  the styles are a small table looked up by index, and tooltips are built in the browser from
  the row, lazily on hover, with textContent (so record text is never parsed as HTML);
* leg lengths are computed once per pair of places (routes reuse the same gazetteer legs);
* above `MAX_ROUTES` routes, drawing each one is an unreadable tangle anyway, so
  `scaled_layers` switches to aggregates: one line per leg between two gazetteer places,
  thicker the more events flew or sailed it, and one circle per incident place.

Features keep the properties ui.clicked_event reads (`event_id`, `event_ids`), so a click opens
the same event card. Pure: no streamlit.
"""

from __future__ import annotations

import json
import math
from collections import Counter, defaultdict
from functools import lru_cache
from itertools import pairwise
from json.encoder import encode_basestring as json_str

import folium
from branca.element import Element, Figure, MacroElement, Template
from geopy.distance import geodesic

from patrolmap.gazetteer import display_lon, polygon_coords, route_coords
from patrolmap.maps import (
    INCIDENT_SYMBOLS,
    OTHER_COLOR,
    PARTICIPANT_COLORS,
    UPLOAD_COLOR,
    area_style,
    assets_text,
    fan_out,
    participants_key,
    route_style,
)
from patrolmap.schema import COUNTRIES, INCIDENT_LABELS, KIND_LABELS, KINDS, PROVENANCES, Event, Place

MAX_ROUTES = 1000  # above this many routes in the filter, draw legs per place pair instead
# An area lists its events' ids (for the clicked-area caption) only up to this many: a caption of
# thousands of names is unreadable, and a partial list would mislead.
AREA_IDS_MAX = 50
AREA_LAYER = "Patrol areas (approximate)"
ROUTE_LAYER = "Routes"
INCIDENT_LAYER = "Incidents"

# Shared by every layer's script: a tooltip element from (bold first line, other lines), built
# with textContent so that names and descriptions from records are shown, never parsed.
_TIP_JS = """function(lines) {
    var el = document.createElement('div');
    lines.forEach(function(text, i) {
        if (text === null || text === '') { return; }
        if (el.childNodes.length) { el.appendChild(document.createElement('br')); }
        var part = document.createElement(i === 0 ? 'b' : (text.charAt(0) === '~' ? 'i' : 'span'));
        part.textContent = text.charAt(0) === '~' ? text.slice(1) : text;
        el.appendChild(part);
    });
    return el;
}"""


def script_safe(text: str) -> str:
    """JSON text that can sit inside a <script> (standalone export): no '</script>' or '<!--'."""
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def compact_json(value) -> str:
    return script_safe(json.dumps(value, separators=(",", ":"), ensure_ascii=False))


def json_row(*fields: str) -> str:
    """One row from fields already encoded as JSON. Rows are built as text, not nested lists:
    at 10,000 events the lists' allocations cost more in garbage collection than the work."""
    return "[" + ",".join(fields) + "]"


def json_line(coords: list[tuple[float, float]]) -> str:
    """(lat, lon) pairs as a GeoJSON [[lon, lat], ...] array; repr is how json writes floats."""
    return "[" + ",".join(f"[{float(lon)!r},{float(lat)!r}]" for lat, lon in coords) + "]"


@lru_cache(maxsize=65536)
def leg_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Geodesic length of one leg; cached because routes reuse the same few hundred legs."""
    return geodesic((lat1, lon1), (lat2, lon2)).km


def route_km(coords: list[tuple[float, float]]) -> float:
    """Same value as gazetteer.route_length_km, leg lengths from the cache."""
    return sum(leg_km(a[0], a[1], b[0], b[1]) for a, b in pairwise(coords))


class _Text(Element):
    """Rendered text, kept as it is (not a template)."""

    def __init__(self, text: str):
        super().__init__()
        self.text = text

    def render(self, **kwargs) -> str:
        return self.text


class RowsLayer(MacroElement):
    """A Leaflet GeoJSON layer whose features are rebuilt in the browser from compact rows.

    `make_feature` (JS) turns one row into a GeoJSON feature; `options` (JS object literal body)
    gives style / onEachFeature / pointToLayer, which see `S` (style table) and `T` (lookups).
    `geojson()` returns what is drawn, for tests and benchmarks.
    """

    _template = Template(
        """{% macro script(this, kwargs) %}
        var {{ this.get_name() }} = (function() {
            var S = {{ this.styles_json }};
            var T = {{ this.lookups_json }};
            var tip = {{ this.tip_js }};
            var rows = {{ this.rows_json }};
            var features = rows.map({{ this.make_feature }});
            return L.geoJson(features, { {{ this.options }} });
        })().addTo({{ this._parent.get_name() }});
        {% endmacro %}"""
    )

    def __init__(self, rows: list, styles: list, lookups: dict, make_feature: str, options: str, features=None):
        """rows: lists of JSON values, or rows already encoded as text by json_row."""
        super().__init__()
        self._name = "RowsLayer"
        self.n_rows = len(rows)
        if rows and isinstance(rows[0], str):
            self.rows_json = script_safe("[" + ",".join(rows) + "]")
        else:
            self.rows_json = compact_json(rows)
        self.styles_json = compact_json(styles)
        self.lookups_json = compact_json(lookups)
        self.make_feature = make_feature
        self.options = options
        self.tip_js = _TIP_JS
        self._features = features

    def render(self, **kwargs) -> None:
        """As MacroElement.render, but the script goes to the figure as plain text: branca would
        compile the rendered script (megabytes of rows) as a Jinja template, ~0.1 s per 4 MB."""
        figure = self.get_root()
        if not isinstance(figure, Figure):
            raise TypeError(f"{self._name} must be inside a Figure to render, got {type(figure).__name__}")
        figure.script.add_child(_Text(self._template.module.script(self, kwargs)), name=self.get_name())

    def geojson(self) -> dict:
        """The features as drawn (geometry and identifying properties), built in Python."""
        return {"type": "FeatureCollection", "features": self._features() if self._features else []}


def _group(name: str, layer: RowsLayer) -> folium.FeatureGroup:
    group = folium.FeatureGroup(name=name)
    layer.add_to(group)
    return group


def _style_index(styles: list[dict], index: dict, style: dict) -> int:
    key = tuple(style.items())
    if key not in index:
        index[key] = len(styles)
        styles.append(style)
    return index[key]


# --- areas (already one feature per area; the same in both modes) ---------------------------

AREA_FEATURE = """function(r) {
    return {type: 'Feature', geometry: {type: 'Polygon', coordinates: [r[1]]},
            properties: {area_id: r[0], layer: 'area', count: r[3], event_ids: r[5]}, r: r};
}"""
AREA_OPTIONS = """style: function(f) { return S[f.r[4]]; },
    onEachFeature: function(f, layer) {
        var r = f.r, n = r[3];
        layer.bindTooltip(function() {
            return tip([r[2], n.toLocaleString('en') + (n === 1 ? ' event' : ' events') + ' in the filter',
                        '~Outline approximate']);
        }, {sticky: true});
    }"""


def areas_layer(events: list[Event], places: dict[str, Place]) -> folium.FeatureGroup:
    """One approximate polygon per area used, shaded by use; event ids up to AREA_IDS_MAX."""
    used: dict[str, list[str]] = defaultdict(list)
    for event in events:
        for area in event.areas:
            if places[area].polygon:
                used[area].append(event.id)
    max_count = max((len(ids) for ids in used.values()), default=0)
    styles: list[dict] = []
    index: dict[str, int] = {}
    rows = []
    for area_id, ids in sorted(used.items()):
        ring = [list(p) for p in polygon_coords(places[area_id])]
        ring.append(ring[0])
        style = _style_index(styles, index, area_style(len(ids), max_count))
        rows.append([area_id, ring, places[area_id].name, len(ids), style, ids if len(ids) <= AREA_IDS_MAX else []])

    def features():
        return [
            {"type": "Feature", "geometry": {"type": "Polygon", "coordinates": [r[1]]}, "properties": {"area_id": r[0]}}
            for r in rows
        ]

    return _group(AREA_LAYER, RowsLayer(rows, styles, {}, AREA_FEATURE, AREA_OPTIONS, features))


# --- one feature per event ------------------------------------------------------------------

ROUTE_FEATURE = """function(r) {
    return {type: 'Feature', geometry: {type: 'LineString', coordinates: r[1]},
            properties: {event_id: r[0], layer: 'route'}, r: r};
}"""
ROUTE_OPTIONS = """style: function(f) { return S[f.r[2]]; },
    onEachFeature: function(f, layer) {
        var r = f.r;
        layer.bindTooltip(function() {
            return tip([r[3] + ' \u00b7 ' + T.kinds[r[4]] + ' \u00b7 ' + r[5], T.sides[r[6]], r[7],
                        'Route ~' + r[8].toLocaleString('en') + ' km, ' + T.provenances[r[9]],
                        r[10] ? '~Uploaded by you, not curated' : '', '~Click for the event card']);
        }, {sticky: true});
        if (layer.setText) {
            layer.setText('    \u27a4    ', {repeat: true, offset: 4,
                attributes: {fill: S[r[2]].color, 'font-size': '13px', 'font-weight': 'bold'}});
        }
    }"""

INCIDENT_FEATURE = """function(r) {
    return {type: 'Feature', geometry: {type: 'Point', coordinates: [r[2], r[3]]},
            properties: {event_id: r[0], layer: 'incident', incident: r[1]}, r: r};
}"""
INCIDENT_OPTIONS = """pointToLayer: function(f, latlng) {
        var k = T.kinds[f.r[4]];
        var html = document.createElement('span');
        html.style.color = k[2];
        html.textContent = k[1];
        return L.marker(latlng, {keyboard: false, icon: L.divIcon({className: 'incident-icon',
            html: html, iconSize: [22, 22], iconAnchor: [11, 11]})});
    },
    onEachFeature: function(f, layer) {
        var r = f.r;
        layer.bindTooltip(function() {
            return tip([T.kinds[r[4]][0] + ' (' + T.actors[r[5]] + ')', r[6] + ' \u00b7 ' + T.places[r[7]],
                        r[8], '~' + r[9]]);
        }, {sticky: true});
    }"""


def _lookup(table: list, index: dict, value) -> int:
    if value not in index:
        index[value] = len(table)
        table.append(value)
    return index[value]


def routes_layer(events: list[Event], places: dict[str, Place], selected: str = "") -> folium.FeatureGroup:
    """One line per event with a route, styled and labelled as maps.routes_geojson does (the
    selected event's heavier)."""
    styles: list[dict] = []
    style_index: dict = {}
    sides: list[str] = []
    side_index: dict[str, int] = {}
    lines: dict[tuple[str, ...], tuple[str, str]] = {}  # waypoints -> (coordinates JSON, km)
    kind_pos = {k: str(i) for i, k in enumerate(KINDS)}
    provenance_pos = {p: str(i) for i, p in enumerate(PROVENANCES)}
    drawn = []
    rows = []
    for event in events:
        if event.route is None:
            continue
        waypoints = event.route.waypoints
        if waypoints not in lines:
            coords = route_coords(places, waypoints)
            lines[waypoints] = (json_line(coords), str(round(route_km(coords))))
        line, km = lines[waypoints]
        side = " + ".join(COUNTRIES[c] for c in event.participants)
        drawn.append((event.id, waypoints))
        rows.append(
            json_row(
                json_str(event.id),
                line,
                str(_style_index(styles, style_index, route_style(event, event.id == selected))),
                json_str(event.date_start.isoformat()),
                kind_pos[event.kind],
                json_str(event.name),
                str(_lookup(sides, side_index, side)),
                json_str(assets_text(event)),
                km,
                provenance_pos[event.route.provenance],
                "1" if event.origin == "upload" else "0",
            )
        )
    lookups = {"kinds": [KIND_LABELS[k] for k in KINDS], "sides": sides, "provenances": list(PROVENANCES.values())}

    def features():
        return [
            {
                "type": "Feature",
                "geometry": {"type": "LineString", "coordinates": json.loads(lines[waypoints][0])},
                "properties": {"event_id": event_id},
            }
            for event_id, waypoints in drawn
        ]

    return _group(ROUTE_LAYER, RowsLayer(rows, styles, lookups, ROUTE_FEATURE, ROUTE_OPTIONS, features))


def incidents_layer(events: list[Event], places: dict[str, Place]) -> folium.FeatureGroup:
    """One marker per incident with a place, fanned out as maps.incidents_geojson does."""
    kind_pos = {k: str(i) for i, k in enumerate(INCIDENT_SYMBOLS)}
    actor_pos = {c: str(i) for i, c in enumerate(COUNTRIES)}
    place_names: list[str] = []
    place_index: dict[str, int] = {}
    seen: Counter = Counter()
    drawn = []
    rows = []
    for event in events:
        for n, incident in enumerate(event.incidents):
            if not incident.place:
                continue
            place = places[incident.place]
            lon, lat = fan_out(display_lon(place.lon), place.lat, seen[incident.place])
            seen[incident.place] += 1
            drawn.append((event.id, lon, lat))
            rows.append(
                json_row(
                    json_str(event.id),
                    str(n),
                    repr(float(lon)),
                    repr(float(lat)),
                    kind_pos[incident.kind],
                    actor_pos[incident.actor],
                    json_str(str(incident.date or event.date_start)),
                    str(_lookup(place_names, place_index, place.name)),
                    json_str(incident.description),
                    json_str(event.name),
                )
            )
    lookups = {
        "kinds": [[INCIDENT_LABELS[k], *INCIDENT_SYMBOLS[k]] for k in INCIDENT_SYMBOLS],
        "actors": list(COUNTRIES.values()),
        "places": place_names,
    }

    def features():
        return [
            {
                "type": "Feature",
                "geometry": {"type": "Point", "coordinates": [lon, lat]},
                "properties": {"event_id": event_id},
            }
            for event_id, lon, lat in drawn
        ]

    return _group(INCIDENT_LAYER, RowsLayer(rows, [], lookups, INCIDENT_FEATURE, INCIDENT_OPTIONS, features))


def lean_layers(events: list[Event], places: dict[str, Place], selected: str = "") -> list[folium.FeatureGroup]:
    """One feature per event in compact rows, bottom to top: areas, routes, incidents."""
    return [areas_layer(events, places), routes_layer(events, places, selected), incidents_layer(events, places)]


# --- aggregates for many events -------------------------------------------------------------

LEG_FEATURE = """function(r) {
    return {type: 'Feature', geometry: {type: 'LineString', coordinates: r[1]},
            properties: {leg: r[0], layer: 'leg', count: r[4]}, r: r};
}"""
LEG_OPTIONS = """style: function(f) { return S[f.r[7]]; },
    onEachFeature: function(f, layer) {
        var r = f.r;
        layer.bindTooltip(function() {
            var kinds = r[5].map(function(n, i) { return n ? n.toLocaleString('en') + ' ' + T.kinds[i] : ''; })
                .filter(Boolean).join(', ');
            return tip([T.places[r[2]] + ' \u2194 ' + T.places[r[3]],
                        r[4].toLocaleString('en') + ' events on this leg: ' + kinds,
                        'Mostly ' + T.sides[r[6]],
                        '~Aggregated: filter to ' + T.limit + ' routes or fewer to see each one']);
        }, {sticky: true});
    }"""
HOTSPOT_FEATURE = """function(r) {
    return {type: 'Feature', geometry: {type: 'Point', coordinates: [r[1], r[2]]},
            properties: {place: r[0], layer: 'incidents', count: r[4]}, r: r};
}"""
HOTSPOT_OPTIONS = """pointToLayer: function(f, latlng) {
        return L.circleMarker(latlng, S[f.r[6]]).setRadius(f.r[5]);
    },
    onEachFeature: function(f, layer) {
        var r = f.r;
        layer.bindTooltip(function() {
            var kinds = r[7].map(function(n, i) { return n ? n.toLocaleString('en') + ' ' + T.kinds[i] : ''; })
                .filter(Boolean).join(', ');
            return tip([T.places[r[3]], r[4].toLocaleString('en') + ' incidents: ' + kinds]);
        }, {sticky: true});
    }"""
LEG_WEIGHT = (1.5, 9.0)  # pixels, for the least and the most used leg
HOTSPOT_RADIUS = (3.0, 14.0)


def _legs_layer(events: list[Event], places: dict[str, Place], max_routes: int) -> folium.FeatureGroup:
    """One line per pair of consecutive waypoints (either direction), weighted by events using it."""
    tally: Counter = Counter()  # (leg, kind, side) -> events: one dict update per leg, the hot loop
    side_labels: dict[str, str] = {}
    n_routes = 0
    for event in events:
        if event.route is None:
            continue
        n_routes += 1
        waypoints = event.route.waypoints
        side = participants_key(event.participants) if event.origin != "upload" else "upload"
        if side not in side_labels:
            side_labels[side] = _side_label(event)
        kind = event.kind
        for leg in {(a, b) if a <= b else (b, a) for a, b in pairwise(waypoints) if a != b}:
            tally[leg, kind, side] += 1
    counts: Counter = Counter()
    by_kind: dict[tuple[str, str], list[int]] = defaultdict(lambda: [0] * len(KINDS))
    by_side: dict[tuple[str, str], Counter] = defaultdict(Counter)
    kind_pos = {k: i for i, k in enumerate(KINDS)}
    for (leg, kind, side), n in tally.items():
        counts[leg] += n
        by_kind[leg][kind_pos[kind]] += n
        by_side[leg][side] += n
    top = max(counts.values(), default=1)
    place_names: list[str] = []
    place_index: dict[str, int] = {}
    sides: list[str] = []
    side_index: dict[str, int] = {}
    styles: list[dict] = []
    style_index: dict[str, int] = {}
    rows = []
    for (a, b), n in sorted(counts.items(), key=lambda item: item[1]):  # busiest drawn last, on top
        coords = route_coords(places, (a, b))
        side = by_side[(a, b)].most_common(1)[0][0]
        color = _side_color(side)
        share = math.sqrt(n / top)
        style = {
            "color": color,
            "weight": round(LEG_WEIGHT[0] + (LEG_WEIGHT[1] - LEG_WEIGHT[0]) * share, 1),
            "opacity": round(0.35 + 0.55 * share, 2),
        }
        rows.append(
            [
                f"{a}|{b}",
                [[lon, lat] for lat, lon in coords],
                _lookup(place_names, place_index, places[a].name),
                _lookup(place_names, place_index, places[b].name),
                n,
                by_kind[(a, b)],
                _lookup(sides, side_index, side_labels[side]),
                _style_index(styles, style_index, style),
            ]
        )
    lookups = {
        "kinds": [KIND_LABELS[k].lower() + "s" for k in KINDS],
        "places": place_names,
        "sides": sides,
        "limit": f"{max_routes:,}",
    }

    def features():
        return [
            {"type": "Feature", "geometry": {"type": "LineString", "coordinates": r[1]}, "properties": {"leg": r[0]}}
            for r in rows
        ]

    name = f"{ROUTE_LAYER} (aggregated: {n_routes:,} routes as {len(rows):,} legs)"
    return _group(name, RowsLayer(rows, styles, lookups, LEG_FEATURE, LEG_OPTIONS, features))


def _side_color(side: str) -> str:
    if side == "upload":
        return UPLOAD_COLOR
    return PARTICIPANT_COLORS.get(side, OTHER_COLOR)


def _side_label(event: Event) -> str:
    if event.origin == "upload":
        return "your uploaded events"
    return " + ".join(COUNTRIES[c] for c in event.participants)


def _hotspots_layer(events: list[Event], places: dict[str, Place]) -> folium.FeatureGroup:
    """One circle per place with incidents, sized by how many; counts per incident kind."""
    kinds = list(INCIDENT_SYMBOLS)
    kind_pos = {k: i for i, k in enumerate(kinds)}
    by_place: dict[str, list[int]] = defaultdict(lambda: [0] * len(kinds))
    for event in events:
        for incident in event.incidents:
            if incident.place:
                by_place[incident.place][kind_pos[incident.kind]] += 1
    top = max((sum(v) for v in by_place.values()), default=1)
    style = {"color": "#6a3d9a", "weight": 1, "fillColor": "#6a3d9a", "fillOpacity": 0.3}
    place_names: list[str] = []
    place_index: dict[str, int] = {}
    rows = []
    for place_id, per_kind in sorted(by_place.items(), key=lambda item: -sum(item[1])):
        n = sum(per_kind)
        lat, lon = route_coords(places, (place_id,))[0]
        radius = round(HOTSPOT_RADIUS[0] + (HOTSPOT_RADIUS[1] - HOTSPOT_RADIUS[0]) * math.sqrt(n / top), 1)
        rows.append(
            [place_id, lon, lat, _lookup(place_names, place_index, places[place_id].name), n, radius, 0, per_kind]
        )
    lookups = {"kinds": [INCIDENT_LABELS[k] for k in kinds], "places": place_names}

    def features():
        return [
            {
                "type": "Feature",
                "geometry": {"type": "Point", "coordinates": [r[1], r[2]]},
                "properties": {"place": r[0]},
            }
            for r in rows
        ]

    return _group(INCIDENT_LAYER, RowsLayer(rows, [style], lookups, HOTSPOT_FEATURE, HOTSPOT_OPTIONS, features))


def aggregate_layers(
    events: list[Event], places: dict[str, Place], max_routes: int = MAX_ROUTES
) -> list[folium.FeatureGroup]:
    """Areas, route legs per place pair and incident places: a few hundred features at any N."""
    return [areas_layer(events, places), _legs_layer(events, places, max_routes), _hotspots_layer(events, places)]


def scaled_layers(
    events: list[Event], places: dict[str, Place], max_routes: int | None = MAX_ROUTES, selected: str = ""
) -> list[folium.FeatureGroup]:
    """Single routes while they stay readable (at most max_routes), aggregates beyond."""
    n_routes = sum(1 for e in events if e.route is not None)
    if max_routes is None or n_routes <= max_routes:
        return lean_layers(events, places, selected)
    return aggregate_layers(events, places, max_routes)


def drawn_geojson(layers: list[folium.FeatureGroup]) -> list[dict]:
    """The FeatureCollections drawn by layers from this module or maps.build_layers."""
    collections = []
    for group in layers:
        for child in group._children.values():
            if isinstance(child, RowsLayer):
                collections.append(child.geojson())
            elif isinstance(child, folium.GeoJson):
                collections.append(child.data)
    return collections
