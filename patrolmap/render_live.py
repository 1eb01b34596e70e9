"""The layer model -> the live Leaflet map (and the HTML export, which is the same map inlined).

Each model layer goes to the browser as compact rows (JSON arrays, repeated text sent once in a
string table, styles as a small table looked up by index); static/js/patrolmap.js turns rows
into Leaflet layers, builds tooltips from the text with textContent, declutters labels and
badges, dims the other routes while one is hovered, and fits the map to the shown events when a
filter change leaves them out of view. The base map (offline land or chosen tiles, legend) is
here too. Pure: no streamlit.
"""

from __future__ import annotations

import dataclasses
import json
import math
from datetime import UTC, date, datetime, timedelta
from html import escape

import folium
from branca.element import Element, Figure, MacroElement, Template
from folium.map import Layer
from folium.plugins import Timeline, TimelineSlider
from folium.utilities import JsCode

from patrolmap import csp, style
from patrolmap.assets import IconPath, land_geojson, map_scripts, use_local_assets
from patrolmap.layers import DEFAULT_CENTER, Feature, MapModel
from patrolmap.speed import IdentityMemo, without_cyclic_gc
from patrolmap.viewstate import BASEMAP_DEFAULT

LAND_URL = "/app/static/basemap/land-pacific.geojson"
DEFAULT_ZOOM = 3
MAX_ZOOM = 10
AREA_LAYER = "Patrol areas (approximate)"
ROUTE_LAYER = "Routes"
INCIDENT_LAYER = "Incidents"
LABEL_LAYER = "Place names"
BADGE_LAYER = "Aircraft and ships"
GEOMETRY_CODES = {"Point": 0, "LineString": 1, "Polygon": 2}
# What the browser needs of a feature's properties: the ids a click reports to the app
# (ui.clicked_event, ui.clicked_area) and what patrolmap.js reads; the rest of the model's
# properties (kinds, places, lengths, straits) stay in Python and reach the page in the card.
LIVE_PROPS = ("event_id", "event_ids", "area_id", "selected")
LIVE_PROPS_BY_LAYER = {"label": ("kind", "min_zoom"), "badge": ("event_id", "parts"), "badge_count": ("place",)}

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

MAP_CSS = (
    f"div.leaflet-container{{background:{style.SEA_COLOR};}}"  # beats leaflet.css, loaded later
    # streamlit-folium gives its map a fixed pixel height; the page sizes the frame to the window.
    "#map_div{height:100vh !important}"
    ".incident-icon span{font-size:18px;text-shadow:0 0 3px #fff,0 0 3px #fff;}"
    # A group of incidents: a white rounded square with a red edge, unlike the round dark counts of badges.
    ".incident-group span{display:block;width:22px;height:22px;border-radius:4px;background:#fff;"
    "border:2px solid #c0392b;box-sizing:border-box;font:bold 11px/18px sans-serif;text-align:center;color:#c0392b}"
    ".place-label{white-space:nowrap;transform:translate(-50%,-50%);font:11px/1.1 sans-serif;"
    "text-shadow:0 0 2px #fff,0 0 2px #fff,0 0 3px #fff;pointer-events:none;user-select:text;}"
    ".place-label span{display:inline-block;transform:translate(-50%,-50%);}"
    ".place-label-country{color:#6b6b60;font-weight:bold;letter-spacing:.06em;text-transform:uppercase;font-size:10px}"
    ".place-label-sea{color:#1d4e6e;font-style:italic;font-size:12px;letter-spacing:.04em}"
    ".place-label-island{color:#55554d;font-size:10px}"
    ".place-label-strait{color:#1d4e6e;font-style:italic;font-size:10px}"
    ".patrol-badge,.patrol-badge-count{white-space:nowrap;}"
    ".route-label{white-space:nowrap;}.route-label span{display:inline-block;transform:translate(-50%,40%);"
    "font:bold 10px/1.1 sans-serif;text-shadow:0 0 2px #fff,0 0 2px #fff,0 0 3px #fff;pointer-events:none}"
    ".patrol-badge div{display:inline-block;transform:translate(-50%,-130%);background:rgba(255,255,255,.95);"
    "border:1px solid #777;border-radius:3px;padding:1px 4px;font:11px/1.3 sans-serif;color:#222;"
    # A long badge (five sides' ships) wraps between its items instead of running off the map.
    "white-space:normal;width:max-content;max-width:min(480px,60vw)}"
    ".patrol-badge .item{white-space:nowrap}"
    ".patrol-badge .role{display:inline-block;min-width:10px;padding:0 2px;border-radius:2px;background:#444;"
    "color:#fff;font-size:9px;font-weight:bold;text-align:center}"
    ".patrol-badge-count div{display:inline-block;transform:translate(-50%,-50%);background:#333;color:#fff;"
    "border-radius:9px;padding:1px 6px;font:bold 11px/1.3 sans-serif;}"
    ".leaflet-interactive:focus,.leaflet-marker-icon:focus{outline:3px solid #ffbf00;outline-offset:1px}"
    ".patrol-fit a{font-size:18px;font-weight:bold;cursor:pointer}"
    ".leaflet-control-scale-line{font:11px/1.2 sans-serif;padding:1px 6px;white-space:nowrap;"
    "box-sizing:content-box;background:rgba(255,255,255,.85)}"
    "@media (max-width:900px),(max-height:760px){.patrol-legend{max-width:240px}}"
    # Playback: the slider in a strip below the map, not over its bottom.
    "body.patrol-playback #map_div{height:calc(100vh - 66px) !important}"
    "body.patrol-playback .leaflet-control.leaflet-timeline-control{position:fixed;left:0;right:0;bottom:0;width:auto;"
    "margin:0;border-radius:0;padding:2px 8px;height:62px;box-sizing:border-box}"
    "body.patrol-playback .patrol-legend{bottom:88px !important}"
    ".patrol-now{font:bold 12px/1.3 sans-serif;color:#222;white-space:nowrap;overflow:hidden;text-overflow:ellipsis}"
)


# --- rows -------------------------------------------------------------------------------


def script_safe(text: str) -> str:
    """JSON text that can sit inside a <script> (standalone export): no '</script>' or '<!--'."""
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


# One encoder for all: json.dumps with options builds a new JSONEncoder on each call.
_JSON = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode


def _point_text(point) -> str:
    """A point's JSON; two finite floats are written directly (a JSON call costs ~5 µs each)."""
    x, y = point
    if x.__class__ is float and y.__class__ is float and math.isfinite(x) and math.isfinite(y):
        return f"[{x!r},{y!r}]"
    return _JSON(point)


def _geometry_text(coords) -> str:
    """A line's or a ring's JSON, written point by point as _point_text does."""
    return f"[{','.join(map(_point_text, coords))}]"


# A route's or an area's drawn points are one tuple per path, cached by layers.py, and the same
# tuple every rerun: its JSON (float repr, the costliest part of a row) is written once.
_shared_geometry_text = IdentityMemo(_geometry_text, maxsize=50_000)


class _StringTable(dict):
    """Each string's index in the table, given in order of first use: a lookup that hits stays in
    C (the hot path looks up ~250,000 strings at 10,000 events), only a new string calls back."""

    def __missing__(self, text: str) -> int:
        self[text] = n = len(self)
        return n


def _layer_rows(features: list[Feature], model_styles: list[dict], index: _StringTable) -> tuple[str, str]:
    """(styles and rows, coords) of one layer as JSON members, its strings added to index.

    - A row's layer, prop keys, text, notes and label index the strings; a line made of parts
      (style.Text) is the list of its parts' indexes. props are [key, value, ...]; a text value
      (an event's id, a place) is a string too, its key written ~key (negative) to say so.
    - styles: only those this layer uses, renumbered, so no layer carries the others'.
    - coords: a column of its own, written from each shared geometry's cached JSON.
    Rows are kept as lists and encoded in one call (JSON's C encoder, one pass). The loop is the
    hot path of a large map (~20,000 rows at 10,000 events), hence the local names.
    """
    code = index.__getitem__
    styles: list[dict] = []
    style_pos: dict[int, int] = {}
    rows: list[list] = []
    coords_out: list[str] = []
    text_class = style.Text
    for feature in features:
        props = feature.props
        kept = []
        for key in LIVE_PROPS_BY_LAYER.get(feature.layer, LIVE_PROPS):
            value = props.get(key)
            if value.__class__ is str:
                kept += (~index[key], index[value])
            elif value not in (None, False):
                kept += (index[key], value)
        pos = style_pos.get(feature.style)
        if pos is None:
            pos = style_pos[feature.style] = len(styles)
            styles.append(model_styles[feature.style])
        label = feature.label
        rows.append(
            [
                index[feature.layer],
                kept,
                GEOMETRY_CODES[feature.geometry],
                pos,
                [list(map(code, t.parts)) if t.__class__ is text_class else index[t] for t in feature.text],
                [list(map(code, t.parts)) if t.__class__ is text_class else index[t] for t in feature.notes],
                list(map(code, label.parts)) if label.__class__ is text_class else index[label],
            ]
        )
        coords = feature.coords
        coords_out.append(_point_text(coords) if feature.geometry == "Point" else _shared_geometry_text(coords))
    return _JSON({"styles": styles, "rows": rows})[1:-1], f'"coords":[{",".join(coords_out)}]'


def _payload(members: tuple[str, str], strings: list[str] | None) -> str:
    """A layer's payload, with the string table when it is the one that carries it."""
    body, coords = members
    table = "" if strings is None else f'"strings":{_JSON(strings)},'
    return script_safe(f"{{{table}{body},{coords}}}")


SEED_ROWS = 50


def map_payloads(layers: list[list[Feature]], model_styles: list[dict]) -> list[str]:
    """The payloads of one map's layers, in the order they are drawn, with one string table: the
    first carries it and PatrolMap.layer keeps it for the layers after it, so the text routes and
    incidents share (an event's id, name and date) is sent once."""
    index = _StringTable()
    # A string's index is written at each use, so the text many rows repeat (a layer's name, an
    # incident's kind and symbol, a separator) is numbered first: it turns up in a layer's first
    # rows, entered once before the layers are (0.5% of the rows at 10,000 events; otherwise the
    # incidents' common text would come after the routes' ~28,000 strings, with 5-digit indexes).
    for features in layers:
        _layer_rows(features[:SEED_ROWS], model_styles, index)
    members = [_layer_rows(features, model_styles, index) for features in layers]
    return [_payload(m, list(index) if i == 0 else None) for i, m in enumerate(members)]


class _Text(Element):
    """Rendered text, kept as it is (not a template)."""

    def __init__(self, text: str):
        super().__init__()
        self.text = text

    def render(self, **kwargs) -> str:
        return self.text


class RowsLayer(MacroElement):
    """One model layer drawn by PatrolMap.layer from its rows; `features` keeps what is drawn."""

    _template = Template(
        """{% macro script(this, kwargs) %}
        var {{ this.get_name() }} = PatrolMap.layer({{ this._parent.get_name() }}, {{ this.payload }},
            {{ this.options_json }});
        {% endmacro %}"""
    )

    def __init__(self, features: list[Feature], payload: str, **options):
        super().__init__()
        self._name = "RowsLayer"
        self.n_rows = len(features)
        self.payload = payload
        self.options_json = json.dumps(options)
        self.features = features

    def render(self, **kwargs) -> None:
        """As MacroElement.render, but the script goes to the figure as plain text: branca would
        compile the rendered script (megabytes of rows) as a Jinja template, ~0.1 s per 4 MB."""
        figure = self.get_root()
        if not isinstance(figure, Figure):
            raise TypeError(f"{self._name} must be inside a Figure to render, got {type(figure).__name__}")
        figure.script.add_child(_Text(self._template.module.script(self, kwargs)), name=self.get_name())


LAYER_KINDS = ("areas", "routes", "incidents", "labels", "badges")


@without_cyclic_gc
def live_layers(
    model: MapModel, card_hint: bool = False, kinds=LAYER_KINDS, open_fitted: bool = False
) -> list[folium.FeatureGroup]:
    """The model's layers as feature groups, bottom to top: areas, routes, incidents, names and
    badges (these two when there are any), of those `kinds`. card_hint: the map is the app's,
    where a click on a route opens its card, and the route's tooltip says so. open_fitted: a map
    frame opened with these layers fits itself to them (a link that names a filter), where it
    would otherwise keep its opening view whenever any of them is in it."""
    n_legs = len(model.routes)
    route_name = (
        f"{ROUTE_LAYER} (aggregated: {model.n_routes:,} routes as {n_legs:,} legs)" if model.aggregated else ROUTE_LAYER
    )
    route_options = {"arrows": not model.aggregated, "focus": model.selected}
    if card_hint:
        route_options["hint"] = style.CARD_HINT
    specs = [
        (AREA_LAYER, model.areas, {"kind": "areas"}),
        (route_name, model.routes, {"kind": "routes", **route_options}),
        (INCIDENT_LAYER, model.incidents, {"kind": "incidents", "cluster": not model.aggregated}),
    ]
    if model.labels:
        specs.append((LABEL_LAYER, model.labels, {"kind": "labels"}))
    if model.badges:
        specs.append((BADGE_LAYER, model.badges, {"kind": "badges"}))
    specs = [spec for spec in specs if spec[2]["kind"] in kinds]
    if open_fitted:
        specs = [(name, features, {**options, "open_fit": True}) for name, features, options in specs]
    payloads = map_payloads([features for _, features, _ in specs], model.styles)
    groups = []
    for (name, features, options), payload in zip(specs, payloads, strict=True):
        group = folium.FeatureGroup(name=name)
        RowsLayer(features, payload, **options).add_to(group)
        groups.append(group)
    return groups


def drawn_features(layers: list[folium.FeatureGroup]) -> list[list[Feature]]:
    """The model features each group draws, for tests and benchmarks."""
    out = []
    for group in layers:
        for child in group._children.values():
            if isinstance(child, RowsLayer):
                out.append(child.features)
    return out


# --- base map ---------------------------------------------------------------------------


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
        self.style = style.LAND_STYLE


# The live map's groups come apart as the analyst zooms in; the legend says so.
INCIDENT_GROUP_ENTRY = dataclasses.replace(
    style.INCIDENT_GROUP_ENTRY, label=f"{style.INCIDENT_GROUP_ENTRY.label} (zoom in)"
)


class Legend(MacroElement):
    """The legend of what the model draws (and nothing else); its text is static, not from records."""

    _template = Template(
        """{% macro html(this, kwargs) %}
        <details {% if this.open %}open{% endif %} class="patrol-legend"
             style="position:absolute; bottom:22px; right:10px; z-index:1000;
             background:rgba(255,255,255,.93); padding:4px 8px; border:1px solid #999; border-radius:4px;
             font:11px/1.3 sans-serif; color:#222; max-width:330px;">
          <summary style="cursor:pointer;font-weight:bold">Legend</summary>
          <div style="display:grid; grid-template-columns:auto auto; column-gap:10px;">
          {{ this.body }}
          </div>
        </details>
        {% endmacro %}"""
    )

    def __init__(self, entries: list[style.LegendEntry], open_: bool = True):
        super().__init__()
        self._name = "Legend"
        self.open = open_
        if any(e.key.startswith("incident:") for e in entries):  # the live map groups close incidents
            entries = [*entries, INCIDENT_GROUP_ENTRY]
        self.entries = entries
        self.body = "\n".join(f"<span>{legend_swatch(e)} {escape(e.label)}</span>" for e in entries)


def legend_swatch(entry: style.LegendEntry) -> str:
    """A small HTML/SVG sample of how the entry is drawn."""
    if entry.swatch == "line":
        return (
            f'<span style="display:inline-block;width:18px;border-top:3px solid {entry.color};'
            'vertical-align:middle"></span>'
        )
    if entry.swatch in ("dash", "opacity", "leg"):
        dash = f' stroke-dasharray="{entry.dash}"' if entry.dash else ""
        width = 5 if entry.swatch == "leg" else 2.5
        return (
            f'<svg width="18" height="6"><line x1="0" y1="3" x2="18" y2="3" stroke="#444" stroke-width="{width}"'
            f' stroke-opacity="{entry.opacity}"{dash}/></svg>'
        )
    if entry.swatch == "area":
        return f'<span style="display:inline-block;width:12px;height:9px;background:{entry.color};opacity:.45"></span>'
    if entry.swatch == "hotspot":
        return (
            '<span style="display:inline-block;width:9px;height:9px;border-radius:50%;'
            f'border:2px solid {entry.color}"></span>'
        )
    if entry.swatch == "group":
        return (
            '<span style="display:inline-block;border:2px solid #c0392b;border-radius:3px;padding:0 3px;'
            'font-size:9px;font-weight:bold;color:#c0392b">3</span>'
        )
    if entry.swatch == "badge":
        return '<span style="border:1px solid #777;border-radius:3px;padding:0 2px;font-size:9px">2×</span>'
    return f'<span style="color:{entry.color}">{escape(entry.symbol)}</span>'


def base_map(
    basemap: str = BASEMAPS[0],
    center=DEFAULT_CENTER,
    zoom: int = DEFAULT_ZOOM,
    embed_land: bool = False,
    legend: list[style.LegendEntry] | None = None,
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
    # Leaflet, its two plugins and patrolmap.js in one file (assets.map_scripts). Not jQuery,
    # which folium links for its popups alone: these maps have none (a test holds them to that).
    fmap.default_js = map_scripts()
    IconPath().add_to(fmap)
    fmap.get_root().header.add_child(folium.Element(f"<style>{MAP_CSS}</style>"))
    if not embed_land:  # the live map's document; a saved HTML file is opened from disk, not served
        csp.add_map_policy(fmap, ONLINE_TILES[basemap][0] if basemap in ONLINE_TILES else None)
    if basemap in ONLINE_TILES:
        url, attribution = ONLINE_TILES[basemap]
        folium.TileLayer(url, attr=attribution, name=basemap, max_zoom=MAX_ZOOM).add_to(fmap)
    else:
        LandLayer(land_layer_geojson() if embed_land else None).add_to(fmap)
    Legend(style.legend_entries({"arrow"}) if legend is None else legend, legend_open).add_to(fmap)
    return fmap


def land_layer_geojson() -> dict:
    """Natural Earth land with each feature's name only (what the land layer needs)."""
    return {
        "type": "FeatureCollection",
        "features": [
            {"type": "Feature", "geometry": f["geometry"], "properties": {"name": f["properties"].get("name", "")}}
            for f in land_geojson()["features"]
        ],
    }


# --- playback ---------------------------------------------------------------------------

PLAYBACK_INTERVAL = JsCode(
    """function(feature) {
        return {start: Date.parse(feature.properties.start), end: Date.parse(feature.properties.end)};
    }"""
)
PLAYBACK_FEATURE = JsCode(
    """function(feature, layer) {
        var p = feature.properties;
        layer.bindTooltip(PatrolMap.tip(p.text, p.notes), {sticky: true});
        if (p.layer === 'route' && layer.setText) {
            layer.setText('    \u27a4    ', {repeat: true, offset: 4,
                attributes: {fill: p.style.color, 'font-size': '13px', 'font-weight': 'bold'}});
        }
    }"""
)
PLAYBACK_POINT = JsCode(
    """function(feature, latlng) {
        var p = feature.properties;
        if (p.layer !== 'incident') { return L.circleMarker(latlng, p.style).setRadius(p.style.radius || 6); }
        var span = document.createElement('span');
        span.style.color = p.style.color;
        span.textContent = p.style.symbol;
        return L.marker(latlng, {icon: L.divIcon({className: 'incident-icon', html: span,
            iconSize: [22, 22], iconAnchor: [11, 11]})});
    }"""
)
LAST_PLAYBACK_DAY = date(9999, 12, 29)  # the slider runs to a day after the last event, features two


def _epoch_ms(day: date) -> int:
    return int(datetime(day.year, day.month, day.day, tzinfo=UTC).timestamp() * 1000)


def _day_after(day: date, days: int) -> date:
    """day + days, kept inside the calendar (an event may end on 9999-12-31)."""
    return day + timedelta(days=days) if day <= LAST_PLAYBACK_DAY - timedelta(days=days) else date.max


def playback_layers(model: MapModel, events) -> tuple[Timeline, TimelineSlider] | None:
    """Areas, routes and incidents of the model that appear on their event's start date and stay,
    with a play button and a date slider on the map: the patrols accumulate as time runs."""
    if not events:
        return None
    starts = {e.id: e.date_start for e in events}
    features = []
    for feature in [*model.areas, *model.routes, *model.incidents]:
        ids = [feature.props["event_id"]] if "event_id" in feature.props else feature.props.get("event_ids", [])
        days = [starts[i] for i in ids if i in starts]
        if not days:
            continue
        features.append(
            {
                "type": "Feature",
                "geometry": {
                    "type": feature.geometry,
                    "coordinates": [list(feature.coords)] if feature.geometry == "Polygon" else feature.coords,
                },
                "properties": {
                    **{k: feature.props[k] for k in ("event_id", "event_ids", "area_id") if k in feature.props},
                    "layer": feature.layer,
                    "style": model.style_of(feature),
                    "text": list(feature.text),
                    "notes": list(feature.notes),
                    "start": min(days).isoformat(),
                },
            }
        )
    if not features:
        return None
    first, last = min(starts.values()), max(e.date_end for e in events)
    end = _day_after(last, 1)
    shown_until = _day_after(last, 2).isoformat()  # features outlive the slider's end by a day
    for f in features:
        f["properties"]["end"] = shown_until
    timeline = Timeline(
        {"type": "FeatureCollection", "features": features},
        get_interval=PLAYBACK_INTERVAL,
        style=JsCode("function(f) { return f.properties.style; }"),
        on_each_feature=PLAYBACK_FEATURE,
        point_to_layer=PLAYBACK_POINT,
    )
    slider = TimelineSlider(
        auto_play=False,
        date_options="YYYY-MM-DD",
        # Milliseconds, as get_interval gives: the slider's range input needs numbers, not dates.
        start=_epoch_ms(first),
        end=_epoch_ms(end),
        enable_keyboard_controls=True,
        show_ticks=True,
        steps=400,
        playback_duration=20000,
    )
    slider.add_timelines(timeline)
    PlaybackScript(
        timeline,
        {e.id: e.date_start.isoformat() for e in events},
        {e.id: style.route_label(e) for e in events},
    ).add_to(slider)
    return timeline, slider


class PlaybackScript(MacroElement):
    """Hooks the time slider to static/js/patrolmap.js: the events started by the slider's date are
    drawn, the latest of them highlighted and named under the slider, which sits below the map."""

    _template = Template(
        """{% macro script(this, kwargs) %}
        PatrolMap.playback({{ this.timeline.get_name() }}, {{ this._parent.get_name() }}, {{ this.info }});
        {% endmacro %}"""
    )

    def __init__(self, timeline: Timeline, starts: dict[str, str], labels: dict[str, str]):
        super().__init__()
        self._name = "PlaybackScript"
        self.timeline = timeline
        self.info = script_safe(json.dumps({"starts": starts, "labels": labels}, ensure_ascii=False))
