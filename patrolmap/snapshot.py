"""Server-side map snapshots with matplotlib: land, areas, routes with arrows, incidents, legend
and the caption block, as PNG or SVG, byte-identical for the same input.

Kept apart from export.py so that matplotlib is imported only when a snapshot is asked for, not
on every page's first run. Record text is drawn as text, never parsed as mathtext.
"""

from __future__ import annotations

import io
import math
import textwrap
import threading
from functools import lru_cache

import matplotlib
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.backends.backend_svg import FigureCanvasSVG
from matplotlib.collections import PathCollection
from matplotlib.colors import to_rgba
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch
from matplotlib.path import Path as MplPath

from patrolmap import maps
from patrolmap.captions import GEOMETRY_NOTE, Caption, caption_lines
from patrolmap.export import map_view
from patrolmap.gazetteer import display_lon
from patrolmap.schema import INCIDENT_LABELS, KIND_LABELS, Event, Place

INCIDENT_MARKERS = {
    "adiz_entry": "^",
    "scramble": ">",
    "intercept": "D",
    "airspace_violation": "X",
    "landing": "v",
    "warning_shots": "*",
    "protest": "s",
    "tracking": "o",
    "other": ".",
}
FIG_WIDTH_IN = 10.0
FIG_DPI = 150  # 1500 px wide: sharp in a report, small enough to mail
MAP_HEIGHT_RANGE_IN = (3.2, 7.5)
LAND_EDGE = maps.LAND_STYLE["color"]
LAND_FILL = maps.LAND_STYLE["fillColor"]
CAPTION_FONT = 8.5

# rcParams are process-wide and Streamlit serves sessions from threads: render one figure at a time.
_RENDER_LOCK = threading.Lock()
_SVG_SALT = "patrolmap"


def _fit_box(view, width_in: float) -> tuple[tuple[float, float, float, float], float]:
    """Extent padded to the figure's box so that 1 degree of latitude is 1/cos(mid-lat) degrees
    of longitude on paper (equirectangular at the mid latitude): no stretching. -> (view, height_in)."""
    lon_min, lon_max, lat_min, lat_max = view
    stretch = 1 / math.cos(math.radians((lat_min + lat_max) / 2))
    ratio = (lat_max - lat_min) * stretch / (lon_max - lon_min)  # height / width on paper
    low, high = MAP_HEIGHT_RANGE_IN
    height = min(max(width_in * ratio, low), high)
    want = height / width_in
    if want > ratio:  # box taller than the data: add latitude
        extra = (want * (lon_max - lon_min) / stretch - (lat_max - lat_min)) / 2
        lat_min, lat_max = lat_min - extra, lat_max + extra
    elif want < ratio:  # box wider than the data: add longitude
        extra = ((lat_max - lat_min) * stretch / want - (lon_max - lon_min)) / 2
        lon_min, lon_max = lon_min - extra, lon_max + extra
    return (lon_min, lon_max, lat_min, lat_max), height


def _land_path(geometry: dict) -> MplPath:
    polygons = [geometry["coordinates"]] if geometry["type"] == "Polygon" else geometry["coordinates"]
    return MplPath.make_compound_path(*[MplPath(ring, closed=True) for poly in polygons for ring in poly])


@lru_cache(maxsize=1)
def _land_paths() -> tuple[tuple[MplPath, tuple[float, float, float, float]], ...]:
    """Land polygons as matplotlib paths with their (x0, x1, y0, y1) boxes, built once."""
    out = []
    for feature in maps.land_geojson()["features"]:
        path = _land_path(feature["geometry"])
        box = path.get_extents()
        out.append((path, (box.x0, box.x1, box.y0, box.y1)))
    return tuple(out)


def _dashes(style: dict) -> tuple:
    """Leaflet's dashArray (px) -> a matplotlib linestyle (dash lengths in line widths)."""
    dash = style.get("dashArray")
    if not dash:
        return "solid"
    weight = float(style.get("weight", 3))
    return (0, tuple(float(v) / weight * 1.6 for v in dash.replace(",", " ").split()))


def _lon_label(lon: float) -> str:
    lon = (lon + 180) % 360 - 180
    if abs(lon) < 1e-9 or abs(abs(lon) - 180) < 1e-9:
        return f"{abs(lon):.0f}°"
    return f"{abs(lon):.0f}°{'E' if lon > 0 else 'W'}"


def _lat_label(lat: float) -> str:
    return f"{abs(lat):.0f}°{'N' if lat > 0 else 'S' if lat < 0 else ''}"


def _tick_step(span: float) -> int:
    for step in (2, 5, 10, 20, 30):
        if span / step <= 9:
            return step
    return 40


def _legend_handles(routes: dict, areas: dict, incidents: dict) -> list:
    """Legend entries for what this map shows, and nothing else."""
    labels = {
        maps.PARTICIPANT_COLORS["CHN+RUS"]: "Russia + China",
        maps.PARTICIPANT_COLORS["CHN+IRN+RUS"]: "Russia + China + Iran",
        maps.OTHER_COLOR: "Other participants",
        maps.UPLOAD_COLOR: "Uploaded (not curated)",
    }
    handles = []
    colors = dict.fromkeys(f["properties"]["style"]["color"] for f in routes["features"])
    for color in colors:
        handles.append(Line2D([], [], color=color, linewidth=2, label=f"Route: {labels.get(color, color)}"))
    kinds = sorted({f["properties"]["kind"] for f in routes["features"]}, key=list(KIND_LABELS).index)
    for kind in kinds:
        style = {"weight": maps.KIND_WEIGHT[kind], "dashArray": maps.KIND_DASH[kind]}
        handles.append(Line2D([], [], color="#444", linewidth=1.5, linestyle=_dashes(style), label=KIND_LABELS[kind]))
    if routes["features"]:
        handles.append(Line2D([], [], color="#444", marker=">", markersize=5, linewidth=0, label="Direction of travel"))
    if areas["features"]:
        handles.append(
            Patch(
                facecolor=maps.AREA_COLOR,
                alpha=0.4,
                edgecolor=maps.AREA_COLOR,
                linestyle="--",
                label="Patrol area (darker = more events)",
            )
        )
    for kind in sorted({f["properties"]["kind"] for f in incidents["features"]}, key=list(INCIDENT_MARKERS).index):
        handles.append(
            Line2D(
                [],
                [],
                marker=INCIDENT_MARKERS[kind],
                color=maps.INCIDENT_SYMBOLS[kind][1],
                linestyle="none",
                markersize=6,
                markeredgecolor="white",
                markeredgewidth=0.5,
                label=INCIDENT_LABELS[kind],
            )
        )
    if not handles:
        handles.append(Patch(facecolor="none", edgecolor="none", label="No routes, areas or incidents in this view"))
    return handles


def _draw_layers(ax, extent, routes: dict, areas: dict, incidents: dict, places: dict[str, Place]) -> None:
    lon_min, lon_max, lat_min, lat_max = extent
    # collections, not one patch each: add_patch recomputes data limits per patch (0.8 s for the land)
    land = [
        path
        for path, (x0, x1, y0, y1) in _land_paths()
        if x1 >= lon_min and x0 <= lon_max and y1 >= lat_min and y0 <= lat_max
    ]
    ax.add_collection(
        PathCollection(land, facecolors=LAND_FILL, edgecolors=LAND_EDGE, linewidths=0.4, zorder=1),
        autolim=False,
    )
    rings = [MplPath(f["geometry"]["coordinates"][0], closed=True) for f in areas["features"]]
    styles = [f["properties"]["style"] for f in areas["features"]]
    ax.add_collection(
        PathCollection(
            rings,
            facecolors=[to_rgba(st["fillColor"], st["fillOpacity"]) for st in styles],
            edgecolors="none",
            zorder=2,
        ),
        autolim=False,
    )
    ax.add_collection(
        PathCollection(
            rings,
            facecolors="none",
            edgecolors=[to_rgba(st["color"], 0.7) for st in styles],
            linewidths=0.6,
            linestyles=[(0, (3, 3))],
            zorder=2.1,
        ),
        autolim=False,
    )
    for feature in areas["features"]:
        place = places[feature["properties"]["area_id"]]
        x, y = display_lon(place.lon), place.lat
        if lon_min < x < lon_max and lat_min < y < lat_max:
            ax.text(
                x,
                y,
                place.name,
                fontsize=6.5,
                color="#1d4e6e",
                style="italic",
                ha="center",
                va="center",
                alpha=0.85,
                zorder=2.2,
                parse_math=False,
                clip_on=True,
            )

    for feature in routes["features"]:
        style = feature["properties"]["style"]
        coords = feature["geometry"]["coordinates"]
        ax.plot(
            [c[0] for c in coords],
            [c[1] for c in coords],
            color=style["color"],
            linewidth=1.5,
            linestyle=_dashes(style),
            alpha=0.85,
            solid_capstyle="round",
            zorder=3,
        )
        for (x0, y0), (x1, y1) in zip(coords, coords[1:], strict=False):
            if (x0, y0) == (x1, y1):
                continue
            # an arrow head half-way along each leg; a short step back along the leg gives its direction
            mx, my = (x0 + x1) / 2, (y0 + y1) / 2
            ax.annotate(
                "",
                xy=(mx, my),
                xytext=(mx - (x1 - x0) * 0.02, my - (y1 - y0) * 0.02),
                zorder=3.1,
                arrowprops={"arrowstyle": "-|>", "color": style["color"], "lw": 0, "mutation_scale": 11},
                annotation_clip=True,
            )

    for feature in incidents["features"]:
        kind = feature["properties"]["kind"]
        x, y = feature["geometry"]["coordinates"]
        ax.plot(
            [x],
            [y],
            marker=INCIDENT_MARKERS[kind],
            color=feature["properties"]["color"],
            markersize=5.5,
            markeredgecolor="white",
            markeredgewidth=0.5,
            linestyle="none",
            zorder=4,
        )


def _draw_frame(ax, extent) -> None:
    """Sea, graticule with degree labels (east/west, so 190 reads 170°W), the geometry note."""
    lon_min, lon_max, lat_min, lat_max = extent
    ax.set_facecolor(maps.SEA_COLOR)
    ax.set_xlim(lon_min, lon_max)
    ax.set_ylim(lat_min, lat_max)
    step = _tick_step(lon_max - lon_min)
    xticks = list(range(math.ceil(lon_min / step) * step, math.floor(lon_max) + 1, step))
    yticks = list(range(math.ceil(lat_min / step) * step, math.floor(lat_max) + 1, step))
    ax.set_xticks(xticks, [_lon_label(x) for x in xticks])
    ax.set_yticks(yticks, [_lat_label(y) for y in yticks])
    ax.tick_params(labelsize=7, length=2, colors="#555")
    ax.grid(color="#ffffff", linewidth=0.5, alpha=0.8, zorder=0.5)
    for spine in ax.spines.values():
        spine.set_edgecolor("#888")
        spine.set_linewidth(0.6)
    ax.text(
        0.995,
        0.005,
        "Approximate geometry",
        transform=ax.transAxes,
        ha="right",
        va="bottom",
        fontsize=7,
        color="#444",
        style="italic",
        zorder=5,
        bbox={"facecolor": "white", "alpha": 0.75, "edgecolor": "none", "pad": 2},
    )


def _draw_map(events: list[Event], places: dict[str, Place], caption: Caption, view=None) -> Figure:
    """Figure laid out in inches from the top: map, legend, caption block."""
    left, right, top = 0.6, 0.3, 0.3
    map_w = FIG_WIDTH_IN - left - right
    extent, map_h = _fit_box(map_view(events, places, view), map_w)
    routes = maps.routes_geojson(events, places)
    areas = maps.areas_geojson(events, places)
    incidents = maps.incidents_geojson(events, places)
    handles = _legend_handles(routes, areas, incidents)
    legend_cols = 4
    legend_h = 0.2 * math.ceil(len(handles) / legend_cols) + 0.1
    wrap = int((FIG_WIDTH_IN - 0.4) * 72 / (CAPTION_FONT * 0.56))
    text_lines = [
        (part, i == 0)
        for i, line in enumerate([*caption_lines(caption), GEOMETRY_NOTE])
        for part in (textwrap.wrap(line, wrap) or [""])
    ]
    line_h = CAPTION_FONT * 1.5 / 72
    caption_h = line_h * (len(text_lines) + 0.5) + 0.2
    legend_top = top + map_h + 0.4  # below the longitude labels
    fig_h = legend_top + legend_h + 0.15 + caption_h

    fig = Figure(figsize=(FIG_WIDTH_IN, fig_h), dpi=FIG_DPI, facecolor="white")
    ax = fig.add_axes((left / FIG_WIDTH_IN, 1 - (top + map_h) / fig_h, map_w / FIG_WIDTH_IN, map_h / fig_h))
    _draw_frame(ax, extent)
    _draw_layers(ax, extent, routes, areas, incidents, places)
    fig.legend(
        handles=handles,
        loc="upper left",
        bbox_to_anchor=(left / FIG_WIDTH_IN, 1 - legend_top / fig_h),
        ncols=legend_cols,
        fontsize=7.5,
        frameon=False,
        handlelength=2.8,
        columnspacing=1.6,
        borderaxespad=0,
    )
    # caption block; record text, so never parsed as mathtext
    y_in = legend_top + legend_h + 0.15
    for text, is_title in text_lines:
        fig.text(
            0.2 / FIG_WIDTH_IN,
            1 - y_in / fig_h,
            text,
            fontsize=CAPTION_FONT + (2 if is_title else 0),
            fontweight="bold" if is_title else "normal",
            color="#222" if is_title else "#333",
            va="top",
            ha="left",
            parse_math=False,
        )
        y_in += line_h * (1.4 if is_title else 1)
    return fig


def _save(fig: Figure, fmt: str) -> bytes:
    buf = io.BytesIO()
    if fmt == "png":
        FigureCanvasAgg(fig).print_png(buf, metadata={"Software": None})
    else:
        # fixed ids and no date: the same view gives the same file
        FigureCanvasSVG(fig).print_svg(buf, metadata={"Date": None, "Creator": None})
    return buf.getvalue()


def render_map(events, places, caption, view, fmt) -> bytes:
    with (
        _RENDER_LOCK,
        matplotlib.rc_context(
            {"svg.hashsalt": _SVG_SALT, "svg.fonttype": "none", "font.family": "DejaVu Sans", "path.simplify": True}
        ),
    ):
        return _save(_draw_map(events, places, caption, view), fmt)
