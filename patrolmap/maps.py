"""The map's public face: what pages, exports and tests call to get a map of events.

Building is in patrolmap/layers.py (one model of what the map shows), looks in
patrolmap/style.py, drawing in one module per output: render_live (Leaflet in the app),
render_html (standalone HTML), render_snapshot (PNG/SVG) and render_geojson. This module only
puts them together and keeps the names the rest of the app uses.
"""

from __future__ import annotations

import folium

from patrolmap.gazetteer import display_lon
from patrolmap.layers import DEFAULT_CENTER, MAX_ROUTES, MapModel, build_model
from patrolmap.render_geojson import drawn_geojson
from patrolmap.render_html import build_map, model_map
from patrolmap.render_live import BASEMAPS, DEFAULT_ZOOM, MAX_ZOOM, ONLINE_TILES, base_map, live_layers
from patrolmap.render_live import playback_layers as _playback
from patrolmap.schema import Event, Place
from patrolmap.style import (
    AREA_COLOR,
    INCIDENT_SYMBOLS,
    KIND_DASH,
    KIND_WEIGHT,
    LAND_STYLE,
    OTHER_COLOR,
    PARTICIPANT_COLORS,
    SEA_COLOR,
    UPLOAD_COLOR,
    area_style,
    assets_text,
    event_label,
    legend_entries,
    participants_key,
    route_color,
    route_style,
)

__all__ = [
    "AREA_COLOR",
    "BASEMAPS",
    "DEFAULT_CENTER",
    "DEFAULT_ZOOM",
    "INCIDENT_SYMBOLS",
    "KIND_DASH",
    "KIND_WEIGHT",
    "LAND_STYLE",
    "MAX_ROUTES",
    "MAX_ZOOM",
    "ONLINE_TILES",
    "OTHER_COLOR",
    "PARTICIPANT_COLORS",
    "SEA_COLOR",
    "UPLOAD_COLOR",
    "area_style",
    "assets_text",
    "base_map",
    "build_layers",
    "build_map",
    "display_lon",
    "event_label",
    "folium",
    "live_map",
    "model_map",
    "participants_key",
    "playback_layers",
    "route_color",
    "route_style",
]


def build_layers(events: list[Event], places: dict[str, Place], selected: str = "") -> list[folium.FeatureGroup]:
    """The live map's data layers, bottom to top: areas, routes (the selected event's heavier),
    incidents, place names, asset badges; aggregated per leg and place beyond MAX_ROUTES routes."""
    return live_layers(build_model(events, places, selected=selected), card_hint=True)


def live_map(
    events: list[Event],
    places: dict[str, Place],
    basemap: str = BASEMAPS[0],
    selected: str = "",
    legend_open: bool = True,
    playback: bool = False,
    open_fitted: bool = False,
) -> tuple[folium.Map, list[folium.FeatureGroup], MapModel]:
    """(base map with the legend of what is drawn, data layers, model) for one rerun of the app.
    In playback the routes and incidents come from the time slider's layer, on the map itself.

    The base map is always at the default view: streamlit-folium hashes its script into the
    component's key, so a view in it would mount a new map frame whenever the view changed (the
    app gives the view it opens at to st_folium's own zoom and center). open_fitted: a frame
    opened by these layers fits them (see live_layers)."""
    model = build_model(events, places, selected=selected)
    fmap = base_map(basemap, legend=legend_entries(model.legend_keys()), legend_open=legend_open)
    elements = _playback(model, events) if playback else None
    if not elements:
        return fmap, live_layers(model, card_hint=True, open_fitted=open_fitted), model
    for element in elements:
        element.add_to(fmap)
    # Place names and badges; the areas, routes and incidents ride on the timeline.
    return fmap, live_layers(model, card_hint=True, kinds=("labels", "badges"), open_fitted=open_fitted), model


def playback_layers(events: list[Event], places: dict[str, Place]):
    """The time slider and its layer of areas, routes and incidents, or None without events."""
    return _playback(build_model(events, places, max_routes=None, labels=False), events)


def routes_geojson(events: list[Event], places: dict[str, Place]) -> dict:
    """The routes as drawn, one per event (display longitudes, style, escaped HTML tooltip)."""
    model = build_model(events, places, max_routes=None, labels=False)
    return drawn_geojson(model, model.routes)


def areas_geojson(events: list[Event], places: dict[str, Place]) -> dict:
    """The area outlines as drawn, shaded by how many events in the filter used each."""
    model = build_model(events, places, max_routes=None, labels=False)
    return drawn_geojson(model, [f for f in model.areas if f.layer == "area"])


def incidents_geojson(events: list[Event], places: dict[str, Place]) -> dict:
    """The incident markers as drawn (fanned out round their place)."""
    model = build_model(events, places, max_routes=None, labels=False)
    return drawn_geojson(model, model.incidents)
