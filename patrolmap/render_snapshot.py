"""The layer model -> a static map with matplotlib: land, areas, routes with arrows, incidents,
place names, asset badges, the legend of what is drawn and the caption block, as PNG or SVG,
byte-identical for the same input. Sizes: the report size (1500 px wide, height from the data)
or slide sizes 16:9 and 4:3; the caption can be left off the image (it then goes in the slide's
notes). Record text is drawn as text, never parsed as mathtext.
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

from patrolmap import style
from patrolmap.assets import land_geojson
from patrolmap.captions import GEOMETRY_NOTE, Caption, caption_lines
from patrolmap.layers import MapModel, build_model, map_view
from patrolmap.schema import Event, Place

INCIDENT_MARKERS = style.INCIDENT_MARKERS
# Slide sizes in inches (at FIG_DPI): 16:9 is 2000x1125 px, 4:3 1500x1125 px.
ASPECTS = {"16:9": (13.333, 7.5), "4:3": (10.0, 7.5)}
FIG_WIDTH_IN = 10.0
FIG_DPI = 150  # 1500 px wide: sharp in a report, small enough to mail
MAP_HEIGHT_RANGE_IN = (3.2, 7.5)
LAND_EDGE = style.LAND_STYLE["color"]
LAND_FILL = style.LAND_STYLE["fillColor"]
CAPTION_FONT = 8.5
LEGEND_STYLE = {"fontsize": 7.5, "frameon": False, "handlelength": 2.8, "columnspacing": 1.6, "borderaxespad": 0}

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
    return _pad_to_box(view, width_in, height), height


def _pad_to_box(view, width_in: float, height_in: float) -> tuple[float, float, float, float]:
    """The extent grown in one direction so that it fills a width x height box undistorted."""
    lon_min, lon_max, lat_min, lat_max = view
    stretch = 1 / math.cos(math.radians((lat_min + lat_max) / 2))
    ratio = (lat_max - lat_min) * stretch / (lon_max - lon_min)
    want = height_in / width_in
    if want > ratio:  # box taller than the data: add latitude
        extra = (want * (lon_max - lon_min) / stretch - (lat_max - lat_min)) / 2
        lat_min, lat_max = lat_min - extra, lat_max + extra
    elif want < ratio:  # box wider than the data: add longitude
        extra = ((lat_max - lat_min) * stretch / want - (lon_max - lon_min)) / 2
        lon_min, lon_max = lon_min - extra, lon_max + extra
    return (lon_min, lon_max, lat_min, lat_max)


def _land_path(geometry: dict) -> MplPath:
    polygons = [geometry["coordinates"]] if geometry["type"] == "Polygon" else geometry["coordinates"]
    return MplPath.make_compound_path(*[MplPath(ring, closed=True) for poly in polygons for ring in poly])


@lru_cache(maxsize=1)
def _land_paths() -> tuple[tuple[MplPath, tuple[float, float, float, float]], ...]:
    """Land polygons as matplotlib paths with their (x0, x1, y0, y1) boxes, built once."""
    out = []
    for feature in land_geojson()["features"]:
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


def _legend_handles(model: MapModel) -> list:
    """Legend entries for what this map shows, and nothing else (the same entries as the live map's)."""
    handles = []
    for entry in style.legend_entries(model.legend_keys()):
        if entry.swatch == "line":
            handles.append(Line2D([], [], color=entry.color, linewidth=2, label=entry.label))
        elif entry.swatch in ("dash", "opacity", "leg"):
            dash = {"weight": 3, "dashArray": entry.dash}
            width = 3.5 if entry.swatch == "leg" else 1.5
            handles.append(
                Line2D(
                    [],
                    [],
                    color="#444",
                    linewidth=width,
                    alpha=entry.opacity,
                    linestyle=_dashes(dash),
                    label=entry.label,
                )
            )
        elif entry.swatch == "arrow":
            handles.append(Line2D([], [], color="#444", marker=">", markersize=5, linewidth=0, label=entry.label))
        elif entry.swatch == "area":
            handles.append(
                Patch(facecolor=entry.color, alpha=0.4, edgecolor=entry.color, linestyle="--", label=entry.label)
            )
        elif entry.swatch == "symbol":
            kind = entry.key.split(":", 1)[1]
            handles.append(
                Line2D(
                    [],
                    [],
                    marker=INCIDENT_MARKERS.get(kind, "."),
                    color=entry.color,
                    linestyle="none",
                    markersize=6,
                    markeredgecolor="white",
                    markeredgewidth=0.5,
                    label=entry.label,
                )
            )
        else:  # hotspot, point area, badge
            handles.append(
                Line2D(
                    [], [], marker="o", color=entry.color, markerfacecolor="none", linestyle="none", label=entry.label
                )
            )
    if not handles:
        handles.append(Patch(facecolor="none", edgecolor="none", label="No routes, areas or incidents in this view"))
    return handles


def _inside(extent, x: float, y: float) -> bool:
    lon_min, lon_max, lat_min, lat_max = extent
    return lon_min < x < lon_max and lat_min < y < lat_max


def _draw_land_and_areas(ax, extent, model: MapModel) -> None:
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
    polygons = [f for f in model.areas if f.geometry == "Polygon"]
    rings = [MplPath(f.coords, closed=True) for f in polygons]
    styles = [model.style_of(f) for f in polygons]
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
    for feature in model.areas:
        if feature.geometry == "Point":
            st = model.style_of(feature)
            x, y = feature.coords
            ax.plot(
                [x],
                [y],
                marker="o",
                markersize=7,
                color=st["color"],
                markerfacecolor=to_rgba(st["fillColor"], 0.35),
                linestyle="none",
                zorder=2.3,
            )


def _draw_routes(ax, model: MapModel) -> None:
    for feature in model.routes:
        st = model.style_of(feature)
        coords = feature.coords
        ax.plot(
            [c[0] for c in coords],
            [c[1] for c in coords],
            color=st["color"],
            linewidth=1.5 if feature.layer == "route" else st["weight"] / 2,
            linestyle=_dashes(st),
            alpha=st.get("opacity", 0.85),
            solid_capstyle="round",
            zorder=3,
            gid=feature.fid,  # the model's id, kept in the SVG
        )
        if feature.layer != "route":
            continue
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
                arrowprops={"arrowstyle": "-|>", "color": st["color"], "lw": 0, "mutation_scale": 11},
                annotation_clip=True,
            )


def _draw_incidents(ax, model: MapModel) -> None:
    for feature in model.incidents:
        st = model.style_of(feature)
        x, y = feature.coords
        if feature.layer == "hotspot":
            ax.plot(
                [x], [y], marker="o", markersize=st["radius"], color=st["color"], alpha=0.5, linestyle="none", zorder=4
            )
            continue
        ax.plot(
            [x],
            [y],
            marker=INCIDENT_MARKERS.get(feature.props["kind"], "."),
            color=st["color"],
            markersize=5.5,
            markeredgecolor="white",
            markeredgewidth=0.5,
            linestyle="none",
            zorder=4,
            gid=feature.fid,
        )


def _text_box(ax, x: float, y: float, text: str, size: float) -> tuple[float, float, float, float]:
    """An estimate of a text's box in pixels (centred on x, y), without drawing it."""
    px, py = ax.transData.transform((x, y))
    width = len(text) * size * 0.6 * FIG_DPI / 72
    height = size * 1.3 * FIG_DPI / 72
    return px - width / 2, px + width / 2, py - height / 2, py + height / 2


def _free(box, kept: list) -> bool:
    return not any(box[0] < k[1] and box[1] > k[0] and box[2] < k[3] and box[3] > k[2] for k in kept)


def _draw_badges(ax, extent, model: MapModel, kept: list) -> None:
    """Asset badges of a view with few events; a count per place when many."""
    for feature in model.badges:
        st = model.style_of(feature)
        if st.get("min_zoom", 0) > 0 or not _inside(extent, *feature.coords):
            continue
        x, y = feature.coords
        box = _text_box(ax, x, y, feature.label, 6.5)
        # A badge near the frame is moved along its line until it fits inside, never cut by the edge.
        shift = max(0.0, ax.bbox.x0 + 4 - box[0]) - max(0.0, box[1] - (ax.bbox.x1 - 4))
        if shift:
            px, py = ax.transData.transform((x, y))
            x = float(ax.transData.inverted().transform((px + shift, py))[0])
            box = (box[0] + shift, box[1] + shift, box[2], box[3])
        if not _free(box, kept):
            continue
        kept.append(box)
        ax.text(
            x,
            y,
            feature.label,
            fontsize=6.5 if feature.layer == "badge" else 7,
            color="#222" if feature.layer == "badge" else "white",
            ha="center",
            va="center",
            zorder=6,
            parse_math=False,
            clip_on=True,
            gid=feature.fid,
            bbox={
                "facecolor": "white" if feature.layer == "badge" else "#333",
                "edgecolor": "#777",
                "boxstyle": "round,pad=0.25",
                "alpha": 0.92,
            },
        )


def _draw_labels(ax, extent, model: MapModel, kept: list) -> None:
    """Place names, most important first, each only where it collides with nothing drawn before."""
    for feature in model.labels:
        x, y = feature.coords
        if not _inside(extent, x, y):
            continue
        size, color, italic = style.LABEL_SNAPSHOT[feature.props["kind"]]
        text = feature.label.upper() if feature.props["kind"] == "country" else feature.label
        box = _text_box(ax, x, y, text, size)
        if not _free(box, kept):
            continue
        kept.append(box)
        ax.text(
            x,
            y,
            text,
            fontsize=size,
            color=color,
            style="italic" if italic else "normal",
            ha="center",
            va="center",
            alpha=0.9,
            zorder=2.2,
            parse_math=False,
            clip_on=True,
            gid=feature.fid,
        )


def _draw_frame(ax, extent) -> None:
    """Sea, graticule with degree labels (east/west, so 190 reads 170°W), the geometry note."""
    lon_min, lon_max, lat_min, lat_max = extent
    ax.set_facecolor(style.SEA_COLOR)
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


def _caption_block(caption: Caption, width_in: float) -> list[tuple[str, bool]]:
    wrap = int((width_in - 0.4) * 72 / (CAPTION_FONT * 0.56))
    return [
        (part, i == 0)
        for i, line in enumerate([*caption_lines(caption), GEOMETRY_NOTE])
        for part in (textwrap.wrap(line, wrap) or [""])
    ]


def _legend_columns(handles: list, width_in: float, most: int) -> int:
    """The most columns (up to `most`) whose legend fits the map's width: long labels take fewer."""
    for cols in range(most, 1, -1):
        fig = Figure(figsize=(width_in + 2, 2), dpi=FIG_DPI)
        legend = fig.legend(handles=handles, ncols=cols, **LEGEND_STYLE)
        if legend.get_window_extent(FigureCanvasAgg(fig).get_renderer()).width <= width_in * FIG_DPI:
            return cols
    return 1


def _draw_map(model: MapModel, view, caption: Caption | None, aspect: str | None = None) -> Figure:
    """Figure laid out in inches from the top: map, legend, caption block (when given)."""
    left, right, top = 0.6, 0.3, 0.3
    handles = _legend_handles(model)
    fig_w, fixed_h = ASPECTS[aspect] if aspect else (FIG_WIDTH_IN, None)
    legend_cols = _legend_columns(handles, fig_w - left - right, 5 if fig_w > 12 else 4)
    legend_h = 0.2 * math.ceil(len(handles) / legend_cols) + 0.1
    text_lines = _caption_block(caption, fig_w) if caption else []
    line_h = CAPTION_FONT * 1.5 / 72
    caption_h = line_h * (len(text_lines) + 0.5) + 0.2 if text_lines else 0.0
    map_w = fig_w - left - right
    if fixed_h is None:
        extent, map_h = _fit_box(view, map_w)
    else:
        map_h = fixed_h - top - 0.4 - legend_h - 0.15 - caption_h
        if map_h < 2.0:  # a long caption on a slide: fewer lines rather than no map
            text_lines = text_lines[: max(1, int((fixed_h - top - 0.55 - legend_h - 2.0) / line_h) - 1)]
            caption_h = line_h * (len(text_lines) + 0.5) + 0.2
            map_h = fixed_h - top - 0.4 - legend_h - 0.15 - caption_h
        extent = _pad_to_box(view, map_w, map_h)
    legend_top = top + map_h + 0.4  # below the longitude labels
    fig_h = fixed_h or legend_top + legend_h + 0.15 + caption_h

    fig = Figure(figsize=(fig_w, fig_h), dpi=FIG_DPI, facecolor="white")
    ax = fig.add_axes((left / fig_w, 1 - (top + map_h) / fig_h, map_w / fig_w, map_h / fig_h))
    _draw_frame(ax, extent)
    _draw_land_and_areas(ax, extent, model)
    _draw_routes(ax, model)
    _draw_incidents(ax, model)
    kept: list = []
    _draw_badges(ax, extent, model, kept)
    _draw_labels(ax, extent, model, kept)
    fig.legend(
        handles=handles,
        loc="upper left",
        bbox_to_anchor=(left / fig_w, 1 - legend_top / fig_h),
        ncols=legend_cols,
        **LEGEND_STYLE,
    )
    # caption block; record text, so never parsed as mathtext
    y_in = legend_top + legend_h + 0.15
    for text, is_title in text_lines:
        fig.text(
            0.2 / fig_w,
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


def render_model(model: MapModel, view, caption: Caption | None, fmt: str, aspect: str | None = None) -> bytes:
    """The model as PNG or SVG bytes; view=(lon_min, lon_max, lat_min, lat_max) on the display."""
    if aspect is not None and aspect not in ASPECTS:
        raise ValueError(f"aspect must be one of {', '.join(ASPECTS)} or None, got {aspect!r}")
    with (
        _RENDER_LOCK,
        matplotlib.rc_context(
            {"svg.hashsalt": _SVG_SALT, "svg.fonttype": "none", "font.family": "DejaVu Sans", "path.simplify": True}
        ),
    ):
        return _save(_draw_map(model, view, caption, aspect), fmt)


def snapshot_model(events: list[Event], places: dict[str, Place]) -> MapModel:
    """What a snapshot draws: every route on its own, place names, badges."""
    return build_model(events, places, max_routes=None)


def map_png(
    events: list[Event], places: dict[str, Place], caption: Caption, view=None, aspect=None, show_caption=True
) -> bytes:
    """A static map (land, areas, routes with arrows, incidents, names, badges, legend, caption) as
    PNG: 1500 px wide (or a 16:9 / 4:3 slide). view=(lon_min, lon_max, lat_min, lat_max) on the
    Pacific-centred display (lon 40..240), else the data's bounds. Byte-identical for the same input."""
    extent = map_view(events, places, view)
    return render_model(snapshot_model(events, places), extent, caption if show_caption else None, "png", aspect)


def map_svg(
    events: list[Event], places: dict[str, Place], caption: Caption, view=None, aspect=None, show_caption=True
) -> bytes:
    """The map of map_png as SVG, text as <text> (searchable, editable). Byte-identical for the same input."""
    extent = map_view(events, places, view)
    return render_model(snapshot_model(events, places), extent, caption if show_caption else None, "svg", aspect)
