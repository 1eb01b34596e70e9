"""Events -> folium maps.

Data goes to the browser as a few GeoJSON layers whose features carry their own
style and their own escaped tooltip, so the map costs one folium object per
layer, not one per event, and every style lives in this module.
"""

from __future__ import annotations

import json
import math
from datetime import UTC, datetime, timedelta
from functools import lru_cache
from html import escape
from pathlib import Path

import folium
from branca.element import MacroElement, Template
from folium.elements import JSCSSMixin
from folium.map import Layer
from folium.plugins import Timeline, TimelineSlider
from folium.utilities import JsCode

from patrolmap.assets import STATIC_URL, TEXTPATH_JS, IconPath, use_local_assets
from patrolmap.gazetteer import display_lon, polygon_coords, route_coords, route_length_km, straits_on_route
from patrolmap.schema import COUNTRIES, INCIDENT_LABELS, KIND_LABELS, PROVENANCES, Event, Place
from patrolmap.viewstate import BASEMAP_DEFAULT

LAND_FILE = Path(__file__).resolve().parent.parent / "static" / "basemap" / "land-pacific.geojson"
LAND_URL = "/app/static/basemap/land-pacific.geojson"
DEFAULT_CENTER = (40.0, 150.0)
DEFAULT_ZOOM = 3
MAX_ZOOM = 10
SEA_COLOR = "#dbe7f0"
LAND_STYLE = {"fillColor": "#f4f1ea", "color": "#9a9a8f", "weight": 0.6, "fillOpacity": 1.0}

# Route colour says who flew or sailed it; line pattern says what kind of event it was.
PARTICIPANT_COLORS = {
    "CHN+RUS": "#b2182b",
    "CHN+IRN+RUS": "#1a7a4c",
}
OTHER_COLOR = "#5b4a8b"
UPLOAD_COLOR = "#e08214"
KIND_DASH = {
    "air_patrol": None,
    "naval_patrol": "10 6",
    "submarine_patrol": "10 4 2 4",
    "coast_guard_patrol": "6 3",
    "exercise": "2 6",
}
KIND_WEIGHT = dict.fromkeys(KIND_DASH, 3)
AREA_COLOR = "#2c7fb8"
INCIDENT_SYMBOLS = {
    "adiz_entry": ("▲", "#d95f02"),
    "scramble": ("✈", "#1f78b4"),
    "intercept": ("✈", "#6a3d9a"),
    "airspace_violation": ("⚠", "#e31a1c"),
    "landing": ("⬇", "#33a02c"),
    "warning_shots": ("✸", "#e31a1c"),
    "protest": ("✉", "#666666"),
    "tracking": ("◉", "#1f78b4"),
    "other": ("●", "#666666"),
}

INCIDENT_SHORT = {
    "adiz_entry": "ADIZ entry",
    "scramble": "Scramble",
    "intercept": "Intercept",
    "airspace_violation": "Airspace violation",
    "landing": "Landing abroad",
    "warning_shots": "Warning shots",
    "protest": "Protest",
    "tracking": "Tracking",
}

ONLINE_TILES = {
    "CartoDB Positron": (
        "https://{s}.basemaps.cartocdn.com/light_all/{z}/{x}/{y}{r}.png",
        '&copy; <a href="https://www.openstreetmap.org/copyright">OpenStreetMap</a> contributors '
        '&copy; <a href="https://carto.com/attributions">CARTO</a>',
    ),
    "OpenStreetMap": (
        "https://tile.openstreetmap.org/{z}/{x}/{y}.png",
        '&copy; <a href="https://www.openstreetmap.org/copyright">OpenStreetMap</a> contributors',
    ),
    "Esri Ocean": (
        "https://server.arcgisonline.com/ArcGIS/rest/services/Ocean/World_Ocean_Base/MapServer/tile/{z}/{y}/{x}",
        "Tiles &copy; Esri &mdash; Sources: GEBCO, NOAA, CHS, OSU, UNH, CSUMB, National Geographic, DeLorme, "
        "NAVTEQ, and Esri",
    ),
}
BASEMAPS = (BASEMAP_DEFAULT, *ONLINE_TILES)

# Binds each feature's tooltip (escaped in Python, once) and draws arrows along routes in the
# direction of travel (leaflet-textpath; the text is a fixed glyph, never record text).
BIND_FEATURE = JsCode(
    """function(feature, layer) {
        var p = feature.properties || {};
        if (p.tooltip) {
            layer.bindTooltip(p.tooltip, {sticky: true});
        }
        if (p.layer === 'route' && layer.setText) {
            layer.setText('    \u27a4    ', {repeat: true, offset: 4,
                attributes: {fill: p.style.color, 'font-size': '13px', 'font-weight': 'bold'}});
        }
    }"""
)


def participants_key(codes) -> str:
    return "+".join(sorted(codes))


def route_color(event: Event) -> str:
    if event.origin == "upload":
        return UPLOAD_COLOR
    return PARTICIPANT_COLORS.get(participants_key(event.participants), OTHER_COLOR)


def route_style(event: Event, selected: bool = False) -> dict:
    """Colour by participants, dash by kind; the selected event's route drawn heavier."""
    weight = KIND_WEIGHT[event.kind] * (2 if selected else 1)
    style = {"color": route_color(event), "weight": weight, "opacity": 1.0 if selected else 0.85}
    if KIND_DASH[event.kind]:
        style["dashArray"] = KIND_DASH[event.kind]
    return style


def area_style(count: int, max_count: int) -> dict:
    """Areas used by more patrols in the filter are shaded darker."""
    share = count / max_count if max_count else 0
    return {
        "fillColor": AREA_COLOR,
        "color": AREA_COLOR,
        "weight": 1,
        "fillOpacity": round(0.12 + 0.45 * share, 3),
        "dashArray": "4 4",
    }


def event_label(event: Event) -> str:
    """'2019-07-23 · Air patrol · First joint ...', unescaped."""
    return f"{event.date_start} · {KIND_LABELS[event.kind]} · {event.name}"


def assets_text(event: Event) -> str:
    """'RUS: 2 Tu-95MS; CHN: 2 H-6K', unescaped."""
    by_country: dict[str, list[str]] = {}
    for asset in event.assets:
        count = f"{asset.count} " if asset.count is not None else ""
        by_country.setdefault(asset.country, []).append(f"{count}{asset.type}")
    return "; ".join(f"{c}: {', '.join(items)}" for c, items in by_country.items())


def route_tooltip(event: Event, length_km: float, provenance: str) -> str:
    lines = [
        f"<b>{escape(event_label(event))}</b>",
        escape(" + ".join(COUNTRIES[c] for c in event.participants)),
    ]
    if event.assets:
        lines.append(escape(assets_text(event)))
    lines.append(f"Route ~{length_km:,.0f} km, {escape(PROVENANCES[provenance])}")
    if event.origin == "upload":
        lines.append("<i>Uploaded by you, not curated</i>")
    lines.append("<i>Click for the event card</i>")
    return "<br>".join(lines)


def routes_geojson(events: list[Event], places: dict[str, Place]) -> dict:
    """One LineString per event with a route; longitudes unwrapped across 180 degrees."""
    features = []
    for event in events:
        if event.route is None:
            continue
        coords = route_coords(places, event.route.waypoints)
        length = route_length_km(coords)
        features.append(
            {
                "type": "Feature",
                "geometry": {"type": "LineString", "coordinates": [[lon, lat] for lat, lon in coords]},
                "properties": {
                    "event_id": event.id,
                    "layer": "route",
                    "kind": event.kind,
                    "date": event.date_start.isoformat(),
                    "participants": list(event.participants),
                    "length_km": round(length, 1),
                    "provenance": event.route.provenance,
                    "straits": straits_on_route(places, event.route.waypoints),
                    "style": route_style(event),
                    "tooltip": route_tooltip(event, length, event.route.provenance),
                },
            }
        )
    return {"type": "FeatureCollection", "features": features}


def area_counts(events: list[Event]) -> dict[str, list[str]]:
    """Area id -> ids of the events (in the filter) that used it."""
    used: dict[str, list[str]] = {}
    for event in events:
        for area in event.areas:
            used.setdefault(area, []).append(event.id)
    return used


def areas_geojson(events: list[Event], places: dict[str, Place]) -> dict:
    """One approximate polygon per area used by the events, shaded by how many used it."""
    used = {a: ids for a, ids in area_counts(events).items() if places[a].polygon}
    max_count = max((len(ids) for ids in used.values()), default=0)
    features = []
    for area_id, event_ids in sorted(used.items()):
        place = places[area_id]
        ring = polygon_coords(place)
        n = len(event_ids)
        tooltip = (
            f"<b>{escape(place.name)}</b><br>{n} event{'s' if n != 1 else ''} in the filter"
            "<br><i>Outline approximate</i>"
        )
        features.append(
            {
                "type": "Feature",
                "geometry": {"type": "Polygon", "coordinates": [[list(p) for p in ring + ring[:1]]]},
                "properties": {
                    "area_id": area_id,
                    "layer": "area",
                    "name": place.name,
                    "count": n,
                    "event_ids": event_ids,
                    "approximate": True,
                    "style": area_style(n, max_count),
                    "tooltip": tooltip,
                },
            }
        )
    return {"type": "FeatureCollection", "features": features}


def incidents_geojson(events: list[Event], places: dict[str, Place]) -> dict:
    """One point per incident (ADIZ entry, scramble, landing...) at its gazetteer place.

    Incidents at the same place are fanned out slightly so that each stays clickable.
    """
    seen: dict[str, int] = {}
    features = []
    for event in events:
        for n, incident in enumerate(event.incidents):
            if not incident.place:
                continue
            place = places[incident.place]
            nth = seen.get(incident.place, 0)
            seen[incident.place] = nth + 1
            symbol, color = INCIDENT_SYMBOLS[incident.kind]
            tooltip = (
                f"<b>{escape(INCIDENT_LABELS[incident.kind])}</b> ({escape(COUNTRIES[incident.actor])})<br>"
                f"{escape(str(incident.date or event.date_start))} · {escape(place.name)}<br>"
                f"{escape(incident.description)}<br><i>{escape(event.name)}</i>"
            )
            features.append(
                {
                    "type": "Feature",
                    "geometry": {"type": "Point", "coordinates": fan_out(display_lon(place.lon), place.lat, nth)},
                    "properties": {
                        "event_id": event.id,
                        "layer": "incident",
                        "incident": n,
                        "kind": incident.kind,
                        "symbol": symbol,
                        "color": color,
                        "tooltip": tooltip,
                    },
                }
            )
    return {"type": "FeatureCollection", "features": features}


def fan_out(lon: float, lat: float, nth: int) -> list[float]:
    """The nth marker at one place goes on a small spiral round it (display only, ~0.35 deg apart)."""
    if nth == 0:
        return [lon, lat]
    angle = nth * 2.4  # golden angle in radians, so markers never line up
    radius = 0.35 * math.sqrt(nth)
    return [round(lon + radius * math.cos(angle), 4), round(lat + radius * math.sin(angle), 4)]


INCIDENT_MARKER = JsCode(
    """function(feature, latlng) {
        var p = feature.properties;
        var icon = L.divIcon({
            className: 'incident-icon',
            html: '<span style="color:' + p.color + '">' + p.symbol + '</span>',
            iconSize: [22, 22], iconAnchor: [11, 11]
        });
        return L.marker(latlng, {icon: icon, keyboard: false});
    }"""
)


def build_layers(events: list[Event], places: dict[str, Place], selected: str = "") -> list[folium.FeatureGroup]:
    """The live map's data layers, bottom to top: areas, routes (the selected event's heavier),
    incidents. Sent as compact rows styled from this module, and aggregated per leg and place
    once single routes would be an unreadable tangle (see patrolmap/scale.py and benchmarks/)."""
    from patrolmap.scale import scaled_layers  # scale reads this module's styles

    return scaled_layers(events, places, selected=selected)


PLAYBACK_INTERVAL = JsCode(
    """function(feature) {
        return {start: Date.parse(feature.properties.start), end: Date.parse(feature.properties.end)};
    }"""
)


def _epoch_ms(day: str) -> int:
    return int(datetime.fromisoformat(day).replace(tzinfo=UTC).timestamp() * 1000)


def playback_layers(events: list[Event], places: dict[str, Place]) -> tuple[Timeline, TimelineSlider] | None:
    """Routes and incidents that appear on their start date and stay, with a play button and a
    date slider on the map: the patrols accumulate as time runs."""
    if not events:
        return None
    last = max(e.date_end for e in events)
    end = (last + timedelta(days=1)).isoformat()
    # Features outlive the slider's end by a day: at the very end of the slider all are shown.
    shown_until = (last + timedelta(days=2)).isoformat()
    start_of = {e.id: e.date_start.isoformat() for e in events}
    features = routes_geojson(events, places)["features"] + incidents_geojson(events, places)["features"]
    for feature in features:
        feature["properties"]["start"] = start_of[feature["properties"]["event_id"]]
        feature["properties"]["end"] = shown_until
    timeline = Timeline(
        {"type": "FeatureCollection", "features": features},
        get_interval=PLAYBACK_INTERVAL,
        style=JsCode("function(f) { return f.properties.style; }"),
        on_each_feature=BIND_FEATURE,
        point_to_layer=INCIDENT_MARKER,
    )
    slider = TimelineSlider(
        auto_play=False,
        date_options="YYYY-MM-DD",
        # Milliseconds, as get_interval gives: the slider's range input needs numbers, not dates.
        start=_epoch_ms(min(start_of.values())),
        end=_epoch_ms(end),
        enable_keyboard_controls=True,
        show_ticks=True,
        steps=400,
        playback_duration=20000,
    )
    slider.add_timelines(timeline)
    return timeline, slider


class LandLayer(Layer):
    """Natural Earth land in its own pane under the data layers, fetched from the app's static
    files, or embedded when data is given (standalone export). A base layer in the layer control."""

    _template = Template(
        """{% macro script(this, kwargs) %}
        {{ this._parent.get_name() }}.createPane('land');
        {{ this._parent.get_name() }}.getPane('land').style.zIndex = 250;
        {{ this._parent.get_name() }}.attributionControl.addAttribution('Land: Natural Earth (public domain)');
        var {{ this.get_name() }} = L.geoJson(null, {pane: 'land', interactive: false,
            style: {{ this.style|tojson }}}).addTo({{ this._parent.get_name() }});
        {%- if this.data %}
        {{ this.get_name() }}.addData({{ this.data|tojson }});
        {%- else %}
        fetch({{ this.url|tojson }}).then(function(r) { return r.json(); })
            .then(function(d) { {{ this.get_name() }}.addData(d); });
        {%- endif %}
        {% endmacro %}"""
    )

    def __init__(self, data: dict | None = None, url: str = LAND_URL):
        super().__init__(name="Land outlines (Natural Earth, offline)", overlay=False, control=True)
        self._name = "LandLayer"
        self.data = data
        self.url = url
        self.style = LAND_STYLE


class RouteArrowScript(JSCSSMixin, MacroElement):
    """Loads leaflet-textpath, which draws the direction arrows along each route."""

    _template = Template("")
    default_js = [("polylinetextpath", f"{STATIC_URL}/{TEXTPATH_JS}")]


@lru_cache(maxsize=1)
def land_geojson() -> dict:
    """Natural Earth land, each feature carrying the one land style."""
    data = json.loads(LAND_FILE.read_text(encoding="utf-8"))
    for feature in data["features"]:
        feature["properties"] = {"name": feature.get("properties", {}).get("name", ""), "style": LAND_STYLE}
    return data


def base_map(
    basemap: str = BASEMAPS[0],
    center=DEFAULT_CENTER,
    zoom: int = DEFAULT_ZOOM,
    embed_land: bool = False,
    legend_open: bool = True,
) -> folium.Map:
    """The map without data layers: offline land outlines, or online tiles when chosen.

    In the app the land outlines load from the app's own static files (cached by the browser,
    not resent on every rerun); embed_land=True puts them inside the map for a standalone file.
    """
    use_local_assets()
    fmap = folium.Map(
        location=list(center),
        zoom_start=zoom,
        tiles=None,
        min_zoom=2,
        max_zoom=MAX_ZOOM,
        control_scale=True,
        world_copy_jump=False,
        prefer_canvas=False,
    )
    fmap.options["max_zoom"] = MAX_ZOOM  # MarkerCluster needs it when tiles=None
    IconPath().add_to(fmap)
    fmap.get_root().header.add_child(
        folium.Element(
            f"<style>div.leaflet-container{{background:{SEA_COLOR};}}"  # beats leaflet.css, loaded later
            ".incident-icon span{font-size:18px;text-shadow:0 0 3px #fff,0 0 3px #fff;}</style>"
        )
    )
    if basemap in ONLINE_TILES:
        url, attribution = ONLINE_TILES[basemap]
        folium.TileLayer(url, attr=attribution, name=basemap, max_zoom=MAX_ZOOM).add_to(fmap)
    else:
        LandLayer(land_geojson() if embed_land else None).add_to(fmap)
    RouteArrowScript().add_to(fmap)
    Legend(legend_open).add_to(fmap)
    return fmap


def build_map(
    events: list[Event],
    places: dict[str, Place],
    basemap: str = BASEMAPS[0],
    center=DEFAULT_CENTER,
    zoom: int = DEFAULT_ZOOM,
) -> folium.Map:
    """A complete map (base + data layers + legend + layer control), for export and tests."""
    fmap = base_map(basemap, center, zoom, embed_land=True)
    for layer in build_layers(events, places):
        layer.add_to(fmap)
    folium.LayerControl(collapsed=True).add_to(fmap)
    return fmap


class Legend(MacroElement):
    """A fixed legend in the map's corner; its text is static, not from records."""

    _template = Template(
        """{% macro html(this, kwargs) %}
        <details {% if this.open %}open{% endif %} class="patrol-legend"
             style="position:absolute; bottom:22px; right:10px; z-index:1000;
             background:rgba(255,255,255,.93); padding:4px 8px; border:1px solid #999; border-radius:4px;
             font:11px/1.3 sans-serif; color:#222; max-width:330px;">
          <summary style="cursor:pointer;font-weight:bold">Legend</summary>
          <div style="display:grid; grid-template-columns:auto auto; column-gap:10px;">
          {% for label, color in this.colors %}
          <span><span style="display:inline-block;width:18px;border-top:3px solid {{ color }};
                vertical-align:middle"></span> {{ label }}</span>
          {% endfor %}
          {% for label, dash in this.dashes %}
          <span><svg width="18" height="6"><line x1="0" y1="3" x2="18" y2="3" stroke="#444" stroke-width="2.5"
               {% if dash %}stroke-dasharray="{{ dash }}"{% endif %}/></svg> {{ label }}</span>
          {% endfor %}
          <span>➤ direction of travel</span>
          {% for label, symbol, color in this.incidents %}
          <span><span style="color:{{ color }}">{{ symbol }}</span> {{ label }}</span>
          {% endfor %}
          </div>
          <span style="display:inline-block;width:12px;height:9px;background:#2c7fb8;opacity:.45"></span>
          Patrol area: darker = more events in the filter; outlines approximate
        </details>
        {% endmacro %}"""
    )

    def __init__(self, open_: bool = True):
        super().__init__()
        self._name = "Legend"
        self.open = open_
        self.colors = [
            ("Russia + China", PARTICIPANT_COLORS["CHN+RUS"]),
            ("Russia + China + Iran", PARTICIPANT_COLORS["CHN+IRN+RUS"]),
            ("Other participants", OTHER_COLOR),
            ("Uploaded by you", UPLOAD_COLOR),
        ]
        self.dashes = [(KIND_LABELS[k], KIND_DASH[k]) for k in KIND_DASH]
        self.incidents = [(INCIDENT_SHORT[k], s, c) for k, (s, c) in INCIDENT_SYMBOLS.items() if k != "other"]
