"""The layer model -> the interactive map as one self-contained HTML file.

It is the live map (render_live: same rows, same static/js/patrolmap.js) with every script, style
and the land inlined, fitted to the view and captioned, so it opens offline from disk.
"""

from __future__ import annotations

from html import escape

import folium

from patrolmap import assets
from patrolmap.captions import GEOMETRY_NOTE, Caption, caption_lines
from patrolmap.layers import MapModel, build_model, map_view
from patrolmap.render_live import BASEMAPS, DEFAULT_ZOOM, base_map, live_layers
from patrolmap.schema import Event, Place
from patrolmap.style import legend_entries

CAPTION_CSS = (
    "position:absolute;top:10px;left:54px;z-index:1000;max-width:min(62%,720px);"
    "background:rgba(255,255,255,.93);padding:6px 10px;border:1px solid #999;border-radius:4px;"
    "font:12px/1.4 sans-serif;color:#222;"
)


def model_map(model: MapModel, basemap: str = BASEMAPS[0], center=None, zoom: int = DEFAULT_ZOOM) -> folium.Map:
    """A complete map of the model (base + data layers + its legend + layer control), land embedded."""
    kwargs = {"center": center} if center else {}
    fmap = base_map(basemap, zoom=zoom, embed_land=True, legend=legend_entries(model.legend_keys()), **kwargs)
    for layer in live_layers(model):
        layer.add_to(fmap)
    folium.LayerControl(collapsed=True).add_to(fmap)
    return fmap


def build_map(
    events: list[Event], places: dict[str, Place], basemap: str = BASEMAPS[0], selected: str = "", **kwargs
) -> folium.Map:
    """model_map of the events' model, for export and tests; `selected` drawn as the open event."""
    return model_map(build_model(events, places, selected=selected), basemap, **kwargs)


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
    basemap: str = BASEMAPS[0],
    view=None,
) -> bytes:
    """The interactive map as one self-contained HTML file (every script, style and the land
    inlined) that opens offline from disk; the caption sits over the map's top-left corner.
    Raises ValueError if anything would still need the network (online basemaps' tiles do:
    they are images, not scripts, and load only when online)."""
    fmap = build_map(events, places, basemap=basemap, selected=caption.open_event)
    lon_min, lon_max, lat_min, lat_max = map_view(events, places, view)
    fmap.fit_bounds([[lat_min, lon_min], [lat_max, lon_max]])
    fmap.get_root().header.add_child(folium.Element(f"<title>{escape(caption.title)}</title>"))
    fmap.get_root().html.add_child(folium.Element(caption_html(caption)))
    html = assets.standalone_html(fmap)
    remote = assets.remote_urls(html)
    if remote:
        raise ValueError("exported map would load from the network: " + ", ".join(remote))
    return html.encode("utf-8")
