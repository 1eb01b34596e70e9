"""Bytes-returning exports of the current view: chart and map images, CSV, GeoJSON, HTML, ZIP.

Every function takes records and returns bytes, ready for a download button; nothing here
imports streamlit or touches the network. Images carry a caption (title, filter, data
version, sources, permalink) so that a figure pasted into a report still says where it
came from. Record text is untrusted: it is escaped in HTML and SVG and never parsed as
markup or as matplotlib mathtext.

The CSV (``CSV_COLUMNS``) is also the upload format: ``events_from_csv_rows`` turns its rows
back into the YAML record shape of data/FORMAT.md, for ``load.parse_event``.
"""

from __future__ import annotations

import csv
import io
import json
import math
import re
import textwrap
import threading
import zipfile
from datetime import date
from html import escape
from typing import TYPE_CHECKING

import folium
import pandas as pd

from patrolmap import assets, maps
from patrolmap.captions import GEOMETRY_NOTE, Caption, caption_lines, citation_text

if TYPE_CHECKING:
    import altair
from patrolmap.filters import Filters
from patrolmap.gazetteer import display_lon, polygon_coords, route_coords, route_length_km
from patrolmap.schema import Event, Place

# Upload/download format: one row per event. Lists are ";"-joined; assets and incidents are
# entries joined by "; " whose parts are "|"-joined. A literal ";", "|" or "\" inside a value
# is written "\;", "\|", "\\" (record titles do contain ";").
CSV_COLUMNS = [
    "id",  # stable record id, e.g. air-2019-07-23
    "kind",  # air_patrol | naval_patrol | exercise
    "name",
    "date_start",  # YYYY-MM-DD
    "date_end",  # YYYY-MM-DD
    "participants",  # ISO 3166 alpha-3 codes, ";"-joined: RUS;CHN
    "areas",  # gazetteer ids, ";"-joined
    "route_waypoints",  # gazetteer ids in the order travelled, ";"-joined; empty: no route
    "route_provenance",  # map | text | schematic
    "route_source_url",  # url of the source the route rests on
    "route_length_km",  # computed (geodesic, WGS84); ignored on upload
    "assets",  # "COUNTRY|type|count|role" entries joined by "; "; count may be empty
    "incidents",  # "kind|actor|place|date" entries joined by "; "; place/date may be empty
    "summary",
    "disputed",  # fields whose sources disagree, ";"-joined
    "source_producers",  # the four source_* columns are ";"-joined in the same order
    "source_titles",
    "source_urls",
    "source_dates_published",  # YYYY-MM-DD or empty
    "origin",  # curated | upload; ignored on upload
]

# Matplotlib markers for incidents (the web map's glyphs are not in every font); colours as on the web map.
VIEW_MARGIN_DEG = 3.0  # around the data's bounds, for map snapshots and the HTML map
DEFAULT_CHART_WIDTH = 560

# Heavy libraries are imported on first use, one thread at a time: Streamlit serves sessions from
# threads, and concurrent first imports can see a half-initialised module.
_IMPORT_LOCK = threading.Lock()


# ---------------------------------------------------------------- charts (vl-convert)


def _vl_version() -> str:
    with _IMPORT_LOCK:
        import altair as alt

    return "_".join(alt.SCHEMA_VERSION.split(".")[:2])  # 'v6.4.1' -> 'v6_4', as altair does


def _chart_width(chart) -> int:
    with _IMPORT_LOCK:
        import altair as alt

    width = getattr(chart, "width", alt.Undefined)
    return width if isinstance(width, int) else DEFAULT_CHART_WIDTH


def captioned_chart(chart, caption: Caption) -> altair.VConcatChart:
    """The chart with the caption as a block of text lines under it."""
    with _IMPORT_LOCK:
        import altair as alt  # imported when a chart is exported, not on every page

    chart = chart.copy(deep=True)
    config = chart.config if "config" in chart.to_dict(validate=False) else alt.Undefined
    chart.config = alt.Undefined  # configure_* is only allowed on the top level
    if str(getattr(chart, "title", "")).casefold() == caption.title.casefold():
        chart.title = alt.Undefined  # said once, in the caption's title
    width = _chart_width(chart)
    wrap = max(40, int((width + 110) / 6.2))  # ~6 px per character at 11 px; text may run under the legend
    lines = []
    for n, line in enumerate(caption_lines(caption)[1:]):  # the title goes in the chart's title block
        lines += [(n == 0 and i == 0, part) for i, part in enumerate(textwrap.wrap(line, wrap) or [""])]
    rows = pd.DataFrame({"y": [14 * i for i in range(len(lines))], "text": [t for _, t in lines]})
    block = (
        alt.Chart(rows)
        .mark_text(align="left", baseline="top", fontSize=11, color="#333", limit=0)
        .encode(x=alt.value(0), y=alt.Y("y:Q", scale=None, axis=None), text="text:N")
        .properties(width=width, height=14 * len(lines), view=alt.ViewBackground(stroke=None))
    )
    out = alt.vconcat(
        chart,
        block,
        title=alt.TitleParams(caption.title, anchor="start", fontSize=14),
        spacing=12,
        background="white",
        padding=10,
    )
    if config is not alt.Undefined:
        out.config = config
    return out


def chart_png(chart, caption: Caption, scale: float = 2) -> bytes:
    """PNG of an Altair chart with its caption; scale=2 renders at twice the CSS pixel size."""
    spec = captioned_chart(chart, caption).to_dict()
    with _IMPORT_LOCK:
        import vl_convert as vlc  # imported on first use: it is large

    return bytes(vlc.vegalite_to_png(spec, vl_version=_vl_version(), scale=scale))


def chart_svg(chart, caption: Caption) -> bytes:
    """SVG of an Altair chart with its caption (text kept as text, so it can be searched)."""
    spec = captioned_chart(chart, caption).to_dict()
    with _IMPORT_LOCK:
        import vl_convert as vlc

    return vlc.vegalite_to_svg(spec, vl_version=_vl_version()).encode("utf-8")


# ---------------------------------------------------------------- map snapshot (matplotlib)


def data_bounds(events: list[Event], places: dict[str, Place]) -> tuple[float, float, float, float] | None:
    """(lon_min, lon_max, lat_min, lat_max) on the Pacific-centred display, of routes, areas
    and incidents; None when nothing has geometry."""
    xs: list[float] = []
    ys: list[float] = []
    for layer in (maps.routes_geojson(events, places), maps.areas_geojson(events, places)):
        for feature in layer["features"]:
            for x, y in _flat_coords(feature["geometry"]):
                xs.append(x)
                ys.append(y)
    for event in events:
        for place_id in event.areas:
            xs.append(display_lon(places[place_id].lon))
            ys.append(places[place_id].lat)
        for incident in event.incidents:
            if incident.place:
                xs.append(display_lon(places[incident.place].lon))
                ys.append(places[incident.place].lat)
    if not xs:
        return None
    return min(xs), max(xs), min(ys), max(ys)


def _flat_coords(geometry: dict):
    coords = geometry["coordinates"]
    if geometry["type"] == "Point":
        return [coords]
    if geometry["type"] == "LineString":
        return coords
    return [pt for ring in coords for pt in ring]


def map_view(events: list[Event], places: dict[str, Place], view=None) -> tuple[float, float, float, float]:
    """The extent to draw: view if given, else the data's bounds plus a margin (never tiny)."""
    if view is not None:
        lon_min, lon_max, lat_min, lat_max = (float(v) for v in view)
        if lon_min >= lon_max or lat_min >= lat_max:
            raise ValueError(f"view must be (lon_min, lon_max, lat_min, lat_max), got {view!r}")
        return lon_min, lon_max, lat_min, lat_max
    bounds = data_bounds(events, places)
    if bounds is None:
        lat, lon = maps.DEFAULT_CENTER
        return lon - 25, lon + 25, lat - 15, lat + 15
    lon_min, lon_max, lat_min, lat_max = bounds
    # at least ~12 degrees across, so one strait is not blown up to fill the page
    cx, cy = (lon_min + lon_max) / 2, (lat_min + lat_max) / 2
    half_x = max((lon_max - lon_min) / 2 + VIEW_MARGIN_DEG, 6.0)
    half_y = max((lat_max - lat_min) / 2 + VIEW_MARGIN_DEG, 4.0)
    return cx - half_x, cx + half_x, max(cy - half_y, -85.0), min(cy + half_y, 85.0)


def map_png(events: list[Event], places: dict[str, Place], caption: Caption, view=None) -> bytes:
    """A static map (land, areas, routes with arrows, incidents, legend, caption) as PNG, 1500 px
    wide. view=(lon_min, lon_max, lat_min, lat_max) on the Pacific-centred display (lon 40..240),
    else the data's bounds. Byte-identical for the same input."""
    with _IMPORT_LOCK:
        from patrolmap.snapshot import render_map  # matplotlib only when a snapshot is asked for

    return render_map(events, places, caption, view, "png")


def map_svg(events: list[Event], places: dict[str, Place], caption: Caption, view=None) -> bytes:
    """The map of map_png as SVG, text as <text> (searchable, editable). Byte-identical for the same input."""
    with _IMPORT_LOCK:
        from patrolmap.snapshot import render_map

    return render_map(events, places, caption, view, "svg")


# ---------------------------------------------------------------- standalone HTML map


CAPTION_CSS = (
    "position:absolute;top:10px;left:54px;z-index:1000;max-width:min(62%,720px);"
    "background:rgba(255,255,255,.93);padding:6px 10px;border:1px solid #999;border-radius:4px;"
    "font:12px/1.4 sans-serif;color:#222;"
)


def caption_html(caption: Caption) -> str:
    """The caption as an HTML block; every line escaped (titles and filters can carry record text)."""
    title, *rest = caption_lines(caption)
    body = "<br>".join(escape(line) for line in rest)
    return (
        f'<div class="patrol-caption" style="{CAPTION_CSS}"><b style="font-size:14px">{escape(title)}</b><br>'
        f"{body}<br><i>{escape(GEOMETRY_NOTE)}</i></div>"
    )


def map_html(
    events: list[Event],
    places: dict[str, Place],
    caption: Caption,
    basemap: str = maps.BASEMAPS[0],
    view=None,
) -> bytes:
    """The interactive map as one self-contained HTML file (every script, style and the land
    inlined) that opens offline from disk; the caption sits over the map's top-left corner.
    Raises ValueError if anything would still need the network (online basemaps' tiles do:
    they are images, not scripts, and load only when online)."""
    fmap = maps.build_map(events, places, basemap=basemap)
    lon_min, lon_max, lat_min, lat_max = map_view(events, places, view)
    fmap.fit_bounds([[lat_min, lon_min], [lat_max, lon_max]])
    fmap.get_root().header.add_child(folium.Element(f"<title>{escape(caption.title)}</title>"))
    fmap.get_root().html.add_child(folium.Element(caption_html(caption)))
    html = assets.standalone_html(fmap)
    remote = assets.remote_urls(html)
    if remote:
        raise ValueError("exported map would load from the network: " + ", ".join(remote))
    return html.encode("utf-8")


# ---------------------------------------------------------------- CSV (download and upload)


def _esc(value: object) -> str:
    return str(value).replace("\\", "\\\\").replace(";", "\\;").replace("|", "\\|")


def _split(text: str, sep: str) -> list[str]:
    """Split on unescaped sep, unescaping the parts; parts are stripped."""
    parts, cur, i = [], [], 0
    while i < len(text):
        ch = text[i]
        if ch == "\\" and i + 1 < len(text):
            cur.append(text[i + 1])
            i += 2
            continue
        if ch == sep:
            parts.append("".join(cur).strip())
            cur = []
        else:
            cur.append(ch)
        i += 1
    parts.append("".join(cur).strip())
    return parts


def _join(values, sep: str = ";") -> str:
    return sep.join(_esc(v) for v in values)


def _list(text: str) -> list[str]:
    return _split(text, ";") if text.strip() else []


def event_row(event: Event, places: dict[str, Place]) -> dict[str, str]:
    """One event as a CSV row (every value a string)."""
    by_id = {s.id: s for s in event.sources}
    route = event.route
    length = ""
    if route is not None:
        length = f"{route_length_km(route_coords(places, route.waypoints)):.1f}"
    return {
        "id": event.id,
        "kind": event.kind,
        "name": event.name,
        "date_start": event.date_start.isoformat(),
        "date_end": event.date_end.isoformat(),
        "participants": _join(event.participants),
        "areas": _join(event.areas),
        "route_waypoints": _join(route.waypoints) if route else "",
        "route_provenance": route.provenance if route else "",
        "route_source_url": by_id[route.source].url if route and route.source in by_id else "",
        "route_length_km": length,
        "assets": "; ".join(
            "|".join(_esc(v) for v in (a.country, a.type, "" if a.count is None else a.count, a.role))
            for a in event.assets
        ),
        "incidents": "; ".join(
            "|".join(_esc(v) for v in (i.kind, i.actor, i.place, i.date.isoformat() if i.date else ""))
            for i in event.incidents
        ),
        "summary": event.summary,
        "disputed": _join(name for name, _ in event.disputes),
        "source_producers": _join(s.producer for s in event.sources),
        "source_titles": _join(s.title for s in event.sources),
        "source_urls": _join(s.url for s in event.sources),
        "source_dates_published": _join(
            s.date_published.isoformat() if s.date_published else "" for s in event.sources
        ),
        "origin": event.origin,
    }


def events_csv(events: list[Event], places: dict[str, Place]) -> bytes:
    """The events as UTF-8 CSV with a header row of CSV_COLUMNS (with a BOM, so Excel reads
    the Cyrillic, Chinese and Japanese titles correctly; pandas strips it)."""
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=CSV_COLUMNS, lineterminator="\n")
    writer.writeheader()
    for event in events:
        writer.writerow({k: _defuse(v) for k, v in event_row(event, places).items()})
    return ("\ufeff" + buf.getvalue()).encode("utf-8")


FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _defuse(value: str) -> str:
    """A cell a spreadsheet would run as a formula gets a leading apostrophe (OWASP CSV injection);
    _cell takes it off again when the file is uploaded back."""
    return "'" + value if value.startswith(FORMULA_START) else value


def _cell(row: dict, name: str) -> str:
    value = row.get(name)
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    value = str(value)
    if value.startswith("'") and value[1:].startswith(FORMULA_START):
        value = value[1:]
    return value.strip()


def events_from_csv_rows(rows: list[dict]) -> list[dict]:
    """Rows of an events CSV (csv.DictReader or DataFrame.to_dict('records')) -> raw event
    mappings in the YAML record shape, for load.parse_event to validate.

    Sources get ids s1, s2, ...; assets and incidents cite s1; route.source is the source
    whose url is route_source_url, else s1. Nothing is validated here: a bad value is passed
    on as it is, so that parse_event names it. Incidents have no description column; a fifth
    "|" part is read as one if present, else a placeholder says it was not given.
    """
    out = []
    for row in rows:
        # csv read without utf-8-sig keeps the BOM on the first header; spreadsheets add spaces
        row = {str(k).lstrip("\ufeff").strip(): v for k, v in row.items()}
        producers = _list(_cell(row, "source_producers"))
        titles = _list(_cell(row, "source_titles"))
        urls = _list(_cell(row, "source_urls"))
        published = _list(_cell(row, "source_dates_published"))
        n = max(len(producers), len(titles), len(urls))
        sources = []
        for i in range(n):
            sources.append(
                {
                    "id": f"s{i + 1}",
                    "producer": producers[i] if i < len(producers) else "",
                    "title": titles[i] if i < len(titles) else "",
                    "url": urls[i] if i < len(urls) else "",
                    "date_published": (published[i] if i < len(published) else "") or None,
                }
            )
        first = sources[0]["id"] if sources else "s1"
        raw: dict = {
            "id": _cell(row, "id"),
            "kind": _cell(row, "kind"),
            "name": _cell(row, "name"),
            "date_start": _cell(row, "date_start"),
            "date_end": _cell(row, "date_end"),
            "participants": _list(_cell(row, "participants")),
            "areas": _list(_cell(row, "areas")),
            "sources": sources,
        }
        waypoints = _list(_cell(row, "route_waypoints"))
        if waypoints:
            url = _cell(row, "route_source_url")
            cited = next((s["id"] for s in sources if url and s["url"] == url), first)
            raw["route"] = {"waypoints": waypoints, "provenance": _cell(row, "route_provenance"), "source": cited}
        assets_ = []
        for entry in _split(_cell(row, "assets"), ";") if _cell(row, "assets") else []:
            parts = _split(entry, "|") + ["", "", "", ""]
            count: object = parts[2]
            if re.fullmatch(r"\d+", parts[2]):
                count = int(parts[2])
            elif parts[2] == "":
                count = None
            assets_.append({"country": parts[0], "type": parts[1], "count": count, "role": parts[3], "source": first})
        if assets_:
            raw["assets"] = assets_
        incidents = []
        for entry in _split(_cell(row, "incidents"), ";") if _cell(row, "incidents") else []:
            parts = _split(entry, "|") + ["", "", "", "", ""]
            incidents.append(
                {
                    "kind": parts[0],
                    "actor": parts[1],
                    "place": parts[2] or None,
                    "date": parts[3] or None,
                    "description": parts[4] or "(no description in the CSV)",
                    "source": first,
                }
            )
        if incidents:
            raw["incidents"] = incidents
        summary = _cell(row, "summary")
        if summary:
            raw["summary"] = summary
        disputed = _list(_cell(row, "disputed"))
        if disputed:
            raw["disputes"] = [{"field": name} for name in disputed]
        out.append(raw)
    return out


# ---------------------------------------------------------------- GeoJSON (RFC 7946)


def _wrap_lon(lon: float) -> float:
    return round((lon + 180) % 360 - 180, 6)


def _split_line(coords: list[list[float]]) -> list[list[list[float]]]:
    """A line in unwrapped display longitudes -> parts in [-180, 180], cut where it crosses 180°."""
    parts = [[]]
    for (x0, y0), (x1, y1) in zip(coords, coords[1:], strict=False):
        if not parts[-1]:
            parts[-1].append([x0, y0])
        k0, k1 = math.floor((x0 + 180) / 360), math.floor((x1 + 180) / 360)
        if k0 != k1:  # crosses an odd multiple of 180: interpolate the latitude there
            edge = 360 * max(k0, k1) - 180
            t = (edge - x0) / (x1 - x0)
            y = y0 + t * (y1 - y0)
            parts[-1].append([edge, y])
            parts.append([[edge, y]])
        parts[-1].append([x1, y1])
    out = []
    for part in parts:
        if len(part) < 2:
            continue
        # shift each part by the whole turns that bring its middle into [-180, 180]
        mid = (min(p[0] for p in part) + max(p[0] for p in part)) / 2
        shift = -360 * math.floor((mid + 180) / 360)
        out.append([[round(x + shift, 6), round(y, 6)] for x, y in part])
    return out


def _clip_ring(ring: list[list[float]], edge: float, keep_left: bool) -> list[list[float]]:
    """Sutherland–Hodgman clip of a closed ring to x <= edge (or x >= edge)."""
    inside = (lambda p: p[0] <= edge) if keep_left else (lambda p: p[0] >= edge)
    out = []
    pts = ring[:-1] if ring[0] == ring[-1] else ring
    for i, cur in enumerate(pts):
        prev = pts[i - 1]
        if inside(cur):
            if not inside(prev):
                out.append(_cross(prev, cur, edge))
            out.append(cur)
        elif inside(prev):
            out.append(_cross(prev, cur, edge))
    out = [p for i, p in enumerate(out) if i == 0 or p != out[i - 1]]  # a vertex on the edge comes twice
    if len(out) >= 3:
        out.append(out[0])
    return out if len(out) >= 4 else []


def _ccw(ring: list[list[float]]) -> list[list[float]]:
    """RFC 7946: exterior rings counterclockwise."""
    area2 = sum(x0 * y1 - x1 * y0 for (x0, y0), (x1, y1) in zip(ring, ring[1:], strict=False))
    return ring if area2 >= 0 else ring[::-1]


def _cross(a, b, edge):
    t = (edge - a[0]) / (b[0] - a[0])
    return [edge, a[1] + t * (b[1] - a[1])]


def _polygon_geometry(ring: list[list[float]]) -> dict:
    """A ring in unwrapped display longitudes -> Polygon, or MultiPolygon when it crosses 180°."""
    ring = _ccw(ring)
    xs = [p[0] for p in ring]
    if max(xs) <= 180 and min(xs) >= -180:
        return {"type": "Polygon", "coordinates": [[[round(x, 6), round(y, 6)] for x, y in ring]]}
    if min(xs) >= 180 or max(xs) <= -180:
        shift = -360 * math.floor((min(xs) + 180) / 360) if min(xs) >= 180 else 360
        return {"type": "Polygon", "coordinates": [[[round(x + shift, 6), round(y, 6)] for x, y in ring]]}
    edge = 180.0 if max(xs) > 180 else -180.0
    west, east = _clip_ring(ring, edge, True), _clip_ring(ring, edge, False)
    shift_w, shift_e = (0, -360) if edge == 180 else (360, 0)
    polys = [
        [[[round(x + shift, 6), round(y, 6)] for x, y in part]]
        for part, shift in ((west, shift_w), (east, shift_e))
        if part
    ]
    if len(polys) == 1:
        return {"type": "Polygon", "coordinates": polys[0]}
    return {"type": "MultiPolygon", "coordinates": polys}


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


def events_geojson_dict(events: list[Event], places: dict[str, Place]) -> dict:
    """The events as an RFC 7946 FeatureCollection: one LineString per route, one Polygon per
    (event, area with an outline), one Point per incident with a place. Longitudes are in
    [-180, 180]; a route across the 180° meridian becomes a MultiLineString and an area a
    MultiPolygon, split at the meridian. properties.layer says route | area | incident."""
    features = []
    for event in events:
        props = _event_properties(event)
        if event.route is not None:
            coords = [[lon, lat] for lat, lon in route_coords(places, event.route.waypoints)]
            parts = _split_line(coords)
            geometry = (
                {"type": "LineString", "coordinates": parts[0]}
                if len(parts) == 1
                else {"type": "MultiLineString", "coordinates": parts}
            )
            features.append(
                {
                    "type": "Feature",
                    "geometry": geometry,
                    "properties": {
                        **props,
                        "layer": "route",
                        "waypoints": list(event.route.waypoints),
                        "provenance": event.route.provenance,
                        "length_km": round(route_length_km(route_coords(places, event.route.waypoints)), 1),
                        "approximate": True,
                    },
                }
            )
        for area_id in event.areas:
            place = places[area_id]
            if not place.polygon:
                continue
            ring = [list(p) for p in polygon_coords(place)]
            ring.append(list(ring[0]))
            features.append(
                {
                    "type": "Feature",
                    "geometry": _polygon_geometry(ring),
                    "properties": {
                        **props,
                        "layer": "area",
                        "area_id": area_id,
                        "area_name": place.name,
                        "approximate": True,
                    },
                }
            )
        for n, incident in enumerate(event.incidents):
            if not incident.place:
                continue
            place = places[incident.place]
            features.append(
                {
                    "type": "Feature",
                    "geometry": {"type": "Point", "coordinates": [_wrap_lon(place.lon), round(place.lat, 6)]},
                    "properties": {
                        **props,
                        "layer": "incident",
                        "incident": n,
                        "incident_kind": incident.kind,
                        "actor": incident.actor,
                        "place_id": incident.place,
                        "place_name": place.name,
                        "date": (incident.date or event.date_start).isoformat(),
                        "description": incident.description,
                    },
                }
            )
    return {"type": "FeatureCollection", "features": features}


def events_geojson(events: list[Event], places: dict[str, Place]) -> bytes:
    """events_geojson_dict as UTF-8 JSON bytes."""
    return json.dumps(events_geojson_dict(events, places), ensure_ascii=False, indent=1).encode("utf-8")


# ---------------------------------------------------------------- names and bundle


def _slug(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9]+", "-", text).strip("-")


def export_filename(kind: str, filters: Filters | None, today: date | None = None, ext: str = "csv") -> str:
    """'patrols_air-patrol_2019-2023_RUS-CHN_2026-11-27.csv': what, the filter, the date; only
    letters, digits, '-', '_' and one '.', so it is safe on every filesystem and in a URL."""
    filters = filters or Filters()
    parts = [_slug(kind) or "export"]
    if filters.kinds:
        parts.append("-".join(_slug(k) for k in filters.kinds))
    if filters.years:
        parts.append(f"{filters.years[0]}-{filters.years[1]}")
    if filters.dates:
        parts.append(f"{filters.dates[0]:%Y%m%d}-{filters.dates[1]:%Y%m%d}")
    if filters.countries:
        parts.append("-".join(_slug(c) for c in filters.countries))
    if filters.text:
        parts.append(_slug(filters.text)[:30].strip("-") or "text")
    parts = [p for p in parts if p]
    stem = "_".join(parts)[:150]
    ext = _slug(ext.lstrip(".")).lower() or "bin"
    return f"{stem}_{(today or date.today()).isoformat()}.{ext}"


def readme_text(files: dict[str, bytes], caption: Caption) -> str:
    lines = [
        caption.title,
        "=" * min(len(caption.title), 78),
        "",
        f"Filter: {caption.filters_text}",
        f"Data version: {caption.data_version} (last reviewed {caption.data_date})",
        f"Generated: {caption.generated.isoformat()}",
        f"View: {caption.permalink or '(no permalink)'}",
        "",
        caption.sources_line,
        GEOMETRY_NOTE,
        "",
        "How to cite:",
        *textwrap.wrap(citation_text(caption), 78),
        "",
        "Files:",
        *[f"  {name}  ({len(data):,} bytes)" for name, data in files.items()],
        "",
        "CSV columns (lists ';'-joined; assets 'COUNTRY|type|count|role' and incidents",
        "'kind|actor|place|date' joined by '; '; a literal ';' or '|' in a value is '\\;' or '\\|'):",
        *textwrap.wrap(", ".join(CSV_COLUMNS), 78),
    ]
    return "\n".join(lines) + "\n"


def report_bundle(files: dict[str, bytes], caption: Caption) -> bytes:
    """A ZIP of the given files plus README.txt (citation, filter, permalink, version, file list).
    Entries are dated caption.generated, so the same input gives the same bytes."""
    stamp = (caption.generated.year, caption.generated.month, caption.generated.day, 0, 0, 0)
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        used: set[str] = set()
        for name, data in [("README.txt", readme_text(files, caption).encode("utf-8")), *files.items()]:
            # no absolute paths or "..": the archive unpacks where it is opened; no two entries alike
            safe = "/".join(p for p in re.split(r"[\\/]+", name) if p not in ("", ".", "..")) or "file"
            stem, dot, ext = safe.rpartition(".")
            n = 1
            while safe.casefold() in used:
                n += 1
                safe = f"{stem}-{n}.{ext}" if dot else f"{ext}-{n}"
            used.add(safe.casefold())
            info = zipfile.ZipInfo(safe, date_time=stamp)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            zf.writestr(info, data)
    return buf.getvalue()


def report_files(
    events: list[Event],
    all_events: list[Event],
    places: dict[str, Place],
    caption: Caption,
    charts: dict[str, object],
    filters: Filters | None = None,
    today: date | None = None,
    progress=None,
) -> dict[str, bytes]:
    """Every export of the current view, named for the bundle; progress(step, i, n) after each step.

    The full dataset goes in too (all-events), so the bundle stands alone.
    """
    name = lambda kind, ext: export_filename(kind, filters, today, ext)  # noqa: E731
    steps = [
        (name("map", "png"), lambda: map_png(events, places, caption)),
        (name("map", "svg"), lambda: map_svg(events, places, caption)),
        (name("map", "html"), lambda: map_html(events, places, caption)),
    ]
    for key, chart in charts.items():
        chart_caption = _replace_title(caption, getattr(chart, "title", None) or key)
        steps.append((name(f"chart-{key}", "png"), lambda c=chart, cc=chart_caption: chart_png(c, cc)))
        steps.append((name(f"chart-{key}", "svg"), lambda c=chart, cc=chart_caption: chart_svg(c, cc)))
    steps += [
        (name("events", "csv"), lambda: events_csv(events, places)),
        (name("events", "geojson"), lambda: events_geojson(events, places)),
        (export_filename("all-events", None, today, "csv"), lambda: events_csv(all_events, places)),
        (export_filename("all-events", None, today, "geojson"), lambda: events_geojson(all_events, places)),
    ]
    files = {}
    for i, (filename, build) in enumerate(steps, 1):
        files[filename] = build()
        if progress:
            progress(filename, i, len(steps))
    return files


def _replace_title(caption: Caption, title) -> Caption:
    from dataclasses import replace

    text = title if isinstance(title, str) else getattr(title, "text", None) or str(title)
    return replace(caption, title=text)
