"""The layer model -> GeoJSON: the RFC 7946 export, and the drawn layers as GeoJSON for tests.

The export (`events_geojson_dict`) has one feature per event and thing drawn for it: its route
(LineString), each area it used (Polygon, or Point for a strait), each incident with a place
(Point, at the place itself, not fanned out as on screen). Longitudes are in [-180, 180]; lines
and polygons across the 180° meridian are split by the `antimeridian` package. Each feature
also carries its map style as simplestyle properties (stroke, fill ...) and its map text.
"""

from __future__ import annotations

import json
from html import escape

import antimeridian
from shapely.geometry import LineString, Polygon, mapping

from patrolmap.layers import Feature, MapModel, build_model
from patrolmap.schema import Event, Place


def wrap_lon(lon: float) -> float:
    return round((lon + 180) % 360 - 180, 6)


def _wrapped(coords) -> list[tuple[float, float]]:
    return [(wrap_lon(x), round(y, 6)) for x, y in coords]


def _lists(value):
    """shapely's nested tuples -> nested lists, as json.loads would give them."""
    if isinstance(value, (tuple, list)):
        return [_lists(v) for v in value]
    return value


def rfc7946_geometry(feature: Feature, point=None) -> dict:
    """A model feature's geometry (display longitudes) as RFC 7946 GeoJSON, split at 180°."""
    if feature.geometry == "Point":
        x, y = point or feature.coords
        return {"type": "Point", "coordinates": [wrap_lon(x), round(y, 6)]}
    if feature.geometry == "LineString":
        fixed = antimeridian.fix_line_string(LineString(_wrapped(feature.coords)), great_circle=False)
    else:
        fixed = antimeridian.fix_polygon(Polygon(_wrapped(feature.coords)), great_circle=False, fix_winding=True)
    geometry = mapping(fixed)
    return {"type": geometry["type"], "coordinates": _lists(geometry["coordinates"])}


def simplestyle(model: MapModel, feature: Feature) -> dict:
    """The feature's map style as simplestyle-spec properties (read by geojson.io, GitHub, QGIS plugins)."""
    st = model.style_of(feature)
    out = {}
    if "color" in st:
        out["marker-color" if feature.geometry == "Point" else "stroke"] = st["color"]
    if "weight" in st and feature.geometry != "Point":
        out["stroke-width"] = st["weight"]
    if "opacity" in st:
        out["stroke-opacity"] = st["opacity"]
    if "fillColor" in st:
        out["fill"] = st["fillColor"]
        out["fill-opacity"] = st.get("fillOpacity", 0.2)
    if "symbol" in st:
        out["marker-symbol"] = st["symbol"]
    return out


def map_text(feature: Feature) -> dict:
    return {"title": feature.text[0] if feature.text else feature.label, "description": "\n".join(feature.text[1:])}


def _event_properties(event: Event) -> dict:
    return {
        "event_id": event.id,
        "name": event.name,
        "kind": event.kind,
        "date_start": event.date_start.isoformat(),
        "date_end": event.date_end.isoformat(),
        "participants": list(event.participants),
        "origin": event.origin,
        "sources": [
            {
                "producer": s.producer,
                "title": s.title,
                "url": s.url,
                "date_published": s.date_published.isoformat() if s.date_published else None,
            }
            for s in event.sources
        ],
    }


def export_model(events: list[Event], places: dict[str, Place]) -> MapModel:
    """The model the export draws: every route on its own, whatever the number."""
    return build_model(events, places, max_routes=None, labels=False)


def model_geojson(model: MapModel, events: list[Event], places: dict[str, Place]) -> dict:
    """The export's FeatureCollection from a model of these events (see the module's doc)."""
    routes = {f.props["event_id"]: f for f in model.routes}
    areas = {f.props["area_id"]: f for f in model.areas if f.layer == "area"}
    points = {(f.props["event_id"], f.props["area_id"]): f for f in model.areas if f.layer == "point_area"}
    incidents = {(f.props["event_id"], f.props["incident"]): f for f in model.incidents}
    features = []

    def add(feature: Feature, props: dict, point=None):
        features.append(
            {
                "type": "Feature",
                "geometry": rfc7946_geometry(feature, point),
                "properties": {**props, **simplestyle(model, feature), **map_text(feature)},
            }
        )

    for event in events:
        props = _event_properties(event)
        route = routes.get(event.id)
        if route is not None:
            extra = {"waypoints": list(event.route.waypoints), "provenance": event.route.provenance}
            add(route, {**props, "layer": "route", **extra, "length_km": route.props["length_km"], "approximate": True})
        for area_id in event.areas:
            area = areas.get(area_id) or points.get((event.id, area_id))
            if area is not None:
                extra = {"area_id": area_id, "area_name": places[area_id].name, "approximate": True}
                add(area, {**props, "layer": "area", **extra})
        for n, incident in enumerate(event.incidents):
            marker = incidents.get((event.id, n))
            if marker is None:
                continue
            place = places[incident.place]
            extra = {
                "incident": n,
                "incident_kind": incident.kind,
                "actor": incident.actor,
                "place_id": incident.place,
                "place_name": place.name,
                "date": (incident.date or event.date_start).isoformat(),
                "description": incident.description,
            }
            add(marker, {**props, "layer": "incident", **extra}, point=marker.props["anchor"])
    return {"type": "FeatureCollection", "features": features}


def events_geojson_dict(events: list[Event], places: dict[str, Place]) -> dict:
    """The events as an RFC 7946 FeatureCollection; properties.layer says route | area | incident."""
    return model_geojson(export_model(events, places), events, places)


def events_geojson(events: list[Event], places: dict[str, Place]) -> bytes:
    """events_geojson_dict as UTF-8 JSON bytes."""
    return json.dumps(events_geojson_dict(events, places), ensure_ascii=False, indent=1).encode("utf-8")


def tooltip_html(feature: Feature) -> str:
    """A feature's tooltip as escaped HTML: the title bold, notes in italics."""
    lines = [f"<b>{escape(feature.text[0])}</b>", *(escape(t) for t in feature.text[1:])] if feature.text else []
    lines += [f"<i>{escape(n)}</i>" for n in feature.notes]
    return "<br>".join(lines)


def drawn_geojson(model: MapModel, features: list[Feature]) -> dict:
    """Features as drawn (display longitudes, fanned out), with their style dict and HTML tooltip."""
    out = []
    for feature in features:
        coords = [list(feature.coords)] if feature.geometry == "Polygon" else feature.coords
        out.append(
            {
                "type": "Feature",
                "geometry": {"type": feature.geometry, "coordinates": _lists(coords)},
                "properties": {
                    **feature.props,
                    "layer": feature.layer,
                    "style": model.style_of(feature),
                    "label": feature.label,
                    "tooltip": tooltip_html(feature),
                },
            }
        )
    return {"type": "FeatureCollection", "features": out}
