"""The layer model -> a static map with matplotlib: land, areas, routes with arrows, incidents,
place names, asset badges, the legend of what is drawn and the caption block, as PNG or SVG,
byte-identical for the same input. Sizes: the report size (1500 px wide, height from the data)
or slide sizes 16:9 and 4:3; the caption can be left off the image (it then goes in the slide's
notes). Record text is drawn as text, never parsed as mathtext. Incident markers that would
overlap at the image's scale are drawn as one marker with their count, as the live map's clusters.
"""

from __future__ import annotations

import dataclasses
import io
import math
import textwrap
import threading
from dataclasses import dataclass
from functools import lru_cache

import matplotlib
import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.backends.backend_svg import FigureCanvasSVG
from matplotlib.collections import PathCollection
from matplotlib.colors import to_rgba
from matplotlib.figure import Figure
from matplotlib.legend_handler import HandlerBase
from matplotlib.lines import Line2D
from matplotlib.patches import Patch
from matplotlib.path import Path as MplPath
from matplotlib.text import Text

from patrolmap import style
from patrolmap.assets import land_geojson
from patrolmap.captions import GEOMETRY_NOTE, Caption, caption_lines
from patrolmap.layers import Feature, MapModel, build_model, map_view
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
INCIDENT_MARKER_PT = 5.5
# Incidents whose markers lie closer than this across or up (a square: markers and group boxes are
# squares) are drawn as one group; the live map's cluster radius is 18 px. A little more than a
# two-digit group's box, so that what is drawn never overlaps a group.
GROUP_RADIUS_PT = 14.0
# The live map's .incident-group: a white rounded square with a red edge and the count in bold red.
GROUP_COLOR = "#c0392b"
GROUP_FONT = 6.5
GROUP_BOX = {"facecolor": "white", "edgecolor": GROUP_COLOR, "linewidth": 1.2, "boxstyle": "round,pad=0.35"}
LAYOUT_ROUNDS = 4  # of layout -> groups -> legend: only the group entry changes, so two settle it
# The live map's entry says to zoom in; an image cannot be zoomed.
GROUP_ENTRY = dataclasses.replace(style.INCIDENT_GROUP_ENTRY, label="Incidents close together: how many")
STILL_COUNT_LABEL = "Events at a place (narrow the filter for what each sent)"  # no zooming in an image
MAP_MARGINS_IN = (0.6, 0.3, 0.3)  # left, right, top
BADGE_PAD = 0.25  # of the font size, round each badge's text
BADGE_BOX = {"edgecolor": "#777", "boxstyle": f"round,pad={BADGE_PAD}"}  # and its face: white, or dark for a count
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


@dataclass(frozen=True)
class IncidentGroup:
    """Incidents drawn as one marker: their features (in model order) and where the marker goes."""

    features: tuple[Feature, ...]
    lon: float
    lat: float

    @property
    def gid(self) -> str:
        return f"incident-group:{self.features[0].fid}"


def group_incidents(
    features: list[Feature], extent, size_px: tuple[float, float], radius_px: float
) -> list[IncidentGroup]:
    """Incident markers of a map of `extent` drawn `size_px` large, grouped where they fall within
    `radius_px` of each other, across and up (within a square: boxes overlap by that measure, not
    by the straight-line distance); hotspots and markers outside the extent stay on their own.

    Greedy, in the features' order: each marker joins the nearest group whose centroid is within the
    radius, else starts one; then groups closer than the radius merge, pass after pass, until none
    are. So no two markers drawn are that close, and the same input gives the same groups.
    A group of one is a singleton, drawn as itself. Groups come in the order of their first feature."""
    lon_min, lon_max, lat_min, lat_max = extent
    scale = np.array([size_px[0] / (lon_max - lon_min), size_px[1] / (lat_max - lat_min)])
    origin = np.array([lon_min, lat_min])
    members: list[list[int]] = []
    centroids: list[np.ndarray] = []  # in pixels
    loose: list[int] = []
    for i, feature in enumerate(features):
        if feature.layer != "incident" or not _inside(extent, *feature.coords):
            loose.append(i)
            continue
        members.append([i])
        centroids.append((np.array(feature.coords) - origin) * scale)
    while True:
        merged_members: list[list[int]] = []
        merged_sums: list[np.ndarray] = []
        merged_centroids = np.empty((0, 2))
        for group, centroid in zip(members, centroids, strict=True):
            if len(merged_members):
                distances = np.abs(merged_centroids - centroid).max(axis=1)
                nearest = int(np.argmin(distances))  # the first of equals: deterministic
                if distances[nearest] < radius_px:
                    merged_members[nearest] += group
                    merged_sums[nearest] = merged_sums[nearest] + centroid * len(group)
                    merged_centroids[nearest] = merged_sums[nearest] / len(merged_members[nearest])
                    continue
            merged_members.append(list(group))
            merged_sums.append(centroid * len(group))
            merged_centroids = np.vstack([merged_centroids, centroid])
        if len(merged_members) == len(members):
            break
        members, centroids = merged_members, list(merged_centroids)
    groups = [(sorted(group), centroid / scale + origin) for group, centroid in zip(members, centroids, strict=True)]
    groups += [([i], np.array(features[i].coords, dtype=float)) for i in loose]
    return [
        IncidentGroup(tuple(features[i] for i in group), float(lon), float(lat))
        for group, (lon, lat) in sorted(groups, key=lambda item: item[0][0])
    ]


def _map_groups(model: MapModel, extent, map_w_in: float, map_h_in: float) -> list[IncidentGroup]:
    radius_px = GROUP_RADIUS_PT * FIG_DPI / 72
    return group_incidents(model.incidents, extent, (map_w_in * FIG_DPI, map_h_in * FIG_DPI), radius_px)


class _TextSwatch(HandlerBase):
    """A legend entry drawn as the map draws its thing: a short text in a box (a group's count,
    a badge's '2×', a count of events at a place)."""

    def __init__(self, text: str, **text_style):
        super().__init__()
        self.text, self.text_style = text, text_style

    def create_artists(self, legend, orig_handle, xdescent, ydescent, width, height, fontsize, trans):
        x, y = width / 2 - xdescent, height / 2 - ydescent
        return [Text(x, y, self.text, ha="center", va="center", transform=trans, **self.text_style)]


SWATCHES = {  # legend entry key -> how its swatch is drawn
    GROUP_ENTRY.key: (
        "3",
        {"fontsize": GROUP_FONT, "fontweight": "bold", "color": GROUP_COLOR, "bbox": {**GROUP_BOX, "linewidth": 1.0}},
    ),
    "badge": ("2×", {"fontsize": 6, "color": "#222", "bbox": {**BADGE_BOX, "facecolor": "white"}}),
    "badge_count": ("3", {"fontsize": 6, "color": "white", "bbox": {**BADGE_BOX, "facecolor": "#333"}}),
}


def _legend_handler_map(handles: list) -> dict:
    return {
        h: _TextSwatch(SWATCHES[h.get_gid()][0], **SWATCHES[h.get_gid()][1])
        for h in handles
        if isinstance(h, Line2D) and h.get_gid() in SWATCHES
    }


def in_still(model: MapModel, feature) -> bool:
    """Whether a still image draws this badge or count: not those the live map shows only zoomed in."""
    return model.style_of(feature).get("min_zoom", 0) <= 0


def _legend_entries(model: MapModel, groups: list[IncidentGroup] | None) -> list[style.LegendEntry]:
    """The model's legend entries (as the live map's: every incident kind, grouped or not), with the
    group marker's after the kinds when a group is drawn. groups None: not grouped yet."""
    # Badges shown only zoomed in on the live map are not in a still image: neither is their entry.
    drawn = {f.layer for f in model.badges if in_still(model, f)}
    entries = [
        dataclasses.replace(e, label=STILL_COUNT_LABEL) if e.key == "badge_count" else e
        for e in style.legend_entries(model.legend_keys())
        if e.key not in ("badge", "badge_count") or e.key in drawn
    ]
    if groups is not None and any(len(g.features) > 1 for g in groups):
        last_incident = max((i for i, e in enumerate(entries) if e.key.startswith("incident:")), default=-1)
        entries.insert(last_incident + 1, GROUP_ENTRY)
    return entries


def _legend_handles(model: MapModel, groups: list[IncidentGroup] | None = None) -> list:
    """Legend entries for what this map shows, and nothing else (the same entries as the live map's)."""
    handles = []
    for entry in _legend_entries(model, groups):
        if entry.swatch == "group":
            handles.append(Line2D([], [], linestyle="none", label=entry.label, gid=GROUP_ENTRY.key))
        elif entry.swatch == "line":
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
        elif entry.swatch == "badge":
            handles.append(Line2D([], [], linestyle="none", label=entry.label, gid=entry.key))
        else:  # hotspot, point area
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


class _GroupMarker(Text):
    """A group's count in its box, in an SVG group named after the group that holds one empty
    group per incident it stands for: every incident drawn is still found by its model id."""

    def __init__(self, group: IncidentGroup, **kwargs):
        super().__init__(group.lon, group.lat, f"{len(group.features):,}", **kwargs)
        self.group = group

    def draw(self, renderer):
        renderer.open_group("incident-group", gid=self.group.gid)
        for feature in self.group.features:
            renderer.open_group("incident", gid=feature.fid)
            renderer.close_group("incident")
        super().draw(renderer)
        renderer.close_group("incident-group")


def _group_box(ax, group: IncidentGroup) -> tuple[float, float, float, float]:
    """The pixel box of a group marker: its count's box grown by the box's padding and edge."""
    x0, x1, y0, y1 = _text_box(ax, group.lon, group.lat, f"{len(group.features):,}", GROUP_FONT)
    pad = (0.35 * GROUP_FONT + GROUP_BOX["linewidth"]) * FIG_DPI / 72
    return x0 - pad, x1 + pad, y0 - pad, y1 + pad


def _into_frame(ax, box, margin: float) -> tuple[float, float]:
    """(dx, dy) in pixels that bring a box inside the map's frame, `margin` pixels clear of it."""
    dx = max(0.0, ax.bbox.x0 + margin - box[0]) - max(0.0, box[1] - (ax.bbox.x1 - margin))
    dy = max(0.0, ax.bbox.y0 + margin - box[2]) - max(0.0, box[3] - (ax.bbox.y1 - margin))
    return dx, dy


def _moved(ax, x: float, y: float, dx: float, dy: float) -> tuple[float, float]:
    """The data point dx, dy pixels away from (x, y)."""
    px, py = ax.transData.transform((x, y))
    lon, lat = ax.transData.inverted().transform((px + dx, py + dy))
    return float(lon), float(lat)


def _inside_frame(ax, group: IncidentGroup) -> tuple[IncidentGroup, tuple[float, float, float, float]]:
    """A group near the frame moved in until its box fits, as badges are: a count is never cut."""
    box = _group_box(ax, group)
    dx, dy = _into_frame(ax, box, 2)
    if not (dx or dy):
        return group, box
    lon, lat = _moved(ax, group.lon, group.lat, dx, dy)
    return dataclasses.replace(group, lon=lon, lat=lat), (box[0] + dx, box[1] + dx, box[2] + dy, box[3] + dy)


def _draw_incidents(ax, model: MapModel, groups: list[IncidentGroup], kept: list) -> None:
    """Singletons as their kind's marker; groups as a count, whose boxes badges and names then avoid."""
    for group in groups:
        if len(group.features) > 1:
            group, box = _inside_frame(ax, group)
            kept.append(box)
            ax.add_artist(
                _GroupMarker(
                    group,
                    fontsize=GROUP_FONT,
                    fontweight="bold",
                    color=GROUP_COLOR,
                    ha="center",
                    va="center",
                    zorder=4.5,
                    clip_on=True,
                    transform=ax.transData,
                    parse_math=False,
                    bbox=GROUP_BOX,
                )
            )
            continue
        (feature,) = group.features
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
            markersize=INCIDENT_MARKER_PT,
            markeredgecolor="white",
            markeredgewidth=0.5,
            linestyle="none",
            zorder=4,
            gid=feature.fid,
        )


def _text_box(ax, x: float, y: float, text: str, size: float) -> tuple[float, float, float, float]:
    """An estimate of a text's box in pixels (centred on x, y), without drawing it; one row a line."""
    px, py = ax.transData.transform((x, y))
    lines = text.split("\n")
    width = max(len(line) for line in lines) * size * 0.6 * FIG_DPI / 72
    height = len(lines) * size * 1.3 * FIG_DPI / 72
    return px - width / 2, px + width / 2, py - height / 2, py + height / 2


def _within(ax, box) -> bool:
    """Whether a box (pixels) lies wholly inside the map's frame."""
    return ax.bbox.x0 <= box[0] and box[1] <= ax.bbox.x1 and ax.bbox.y0 <= box[2] and box[3] <= ax.bbox.y1


def _free(box, kept: list) -> bool:
    return not any(box[0] < k[1] and box[1] > k[0] and box[2] < k[3] and box[3] > k[2] for k in kept)


def _wrapped(ax, text: str, size: float) -> str:
    """What each side sent, in lines that fit the map's width: whole sides (split at ' · ') as
    long as they fit, a side longer than the frame at its commas."""
    most = max(20, int((ax.bbox.width - 24) / (size * 0.6 * FIG_DPI / 72)))
    lines: list[str] = []
    for side in text.split(" · "):
        parts = textwrap.wrap(side, most, break_long_words=False, break_on_hyphens=False) or [side]
        if len(parts) == 1 and lines and len(lines[-1]) + 3 + len(side) <= most:
            lines[-1] += " · " + side
        else:
            lines.extend(parts)
    return "\n".join(lines)


def _draw_badges(ax, extent, model: MapModel, kept: list) -> None:
    """Asset badges of a view with few events; a count per place when many. kept: the boxes taken
    (incident groups, then each badge drawn), which a badge steps off rather than hide."""
    for feature in model.badges:
        if not in_still(model, feature) or not _inside(extent, *feature.coords):
            continue
        x, y = feature.coords
        size = 6.5 if feature.layer == "badge" else 7
        # A still image has no tooltip: each badge names its event above what each side sent.
        label = f"{feature.text[0]}\n{_wrapped(ax, feature.label, size)}" if feature.layer == "badge" else feature.label
        pad = BADGE_PAD * size * FIG_DPI / 72  # the drawn box is the text's grown by its padding
        x0, x1, y0, y1 = _text_box(ax, x, y, label, size)
        box = (x0 - pad, x1 + pad, y0 - pad, y1 + pad)
        # A badge near the frame is moved along its line until it fits inside, never cut by the edge.
        shift, _ = _into_frame(ax, box, 4)
        if shift:
            x, _ = _moved(ax, x, y, shift, 0)
            box = (box[0] + shift, box[1] + shift, box[2], box[3])
        # Taken: up to five rows above or below, as long as it stays in the frame; else left out.
        step = box[3] - box[2] + 2
        for lift in (0.0, *(n * step * sign for n in range(1, 6) for sign in (1, -1))):
            moved = (box[0], box[1], box[2] + lift, box[3] + lift)
            in_frame = ax.bbox.y0 + 4 <= moved[2] and moved[3] <= ax.bbox.y1 - 4
            if (in_frame or not lift) and _free(moved, kept):
                break
        else:
            continue
        if lift:
            _, y = _moved(ax, x, y, 0, lift)
        kept.append(moved)
        ax.text(
            x,
            y,
            label,
            fontsize=size,
            color="#222" if feature.layer == "badge" else "white",
            ha="center",
            va="center",
            zorder=6,
            parse_math=False,
            clip_on=True,
            gid=feature.fid,
            bbox={**BADGE_BOX, "facecolor": "white" if feature.layer == "badge" else "#333", "alpha": 0.92},
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
        if not _free(box, kept) or not _within(ax, box):
            continue  # a name the frame would cut ("NGOLA") is left out, not drawn in part
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
        legend = fig.legend(handles=handles, ncols=cols, handler_map=_legend_handler_map(handles), **LEGEND_STYLE)
        if legend.get_window_extent(FigureCanvasAgg(fig).get_renderer()).width <= width_in * FIG_DPI:
            return cols
    return 1


@dataclass(frozen=True)
class _Layout:
    """Where things go on the figure, in inches from its top left."""

    fig_w: float
    fig_h: float
    map_w: float
    map_h: float
    extent: tuple[float, float, float, float]
    legend_top: float
    legend_h: float
    legend_cols: int
    text_lines: list


def _layout(handles: list, view, caption: Caption | None, aspect: str | None) -> _Layout:
    """Map, legend and caption block laid out from the top; on a slide the map takes what is left."""
    left, right, top = MAP_MARGINS_IN
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
    return _Layout(fig_w, fig_h, map_w, map_h, extent, legend_top, legend_h, legend_cols, text_lines)


def _layout_and_groups(model: MapModel, view, caption: Caption | None, aspect: str | None):
    """The layout, the incident groups at its scale and the legend handles of what is then drawn.
    The group entry can add a legend row, which makes a slide's map shorter, so the groups are found
    again at that size until the legend stays the same (a round or two; the group entry is all that changes)."""
    handles = _legend_handles(model)
    for _ in range(LAYOUT_ROUNDS):
        layout = _layout(handles, view, caption, aspect)
        groups = _map_groups(model, layout.extent, layout.map_w, layout.map_h)
        drawn = _legend_handles(model, groups)
        if [h.get_label() for h in drawn] == [h.get_label() for h in handles]:
            break
        handles = drawn
    return layout, groups, drawn


def _draw_map(model: MapModel, view, caption: Caption | None, aspect: str | None = None) -> Figure:
    """Figure laid out in inches from the top: map, legend, caption block (when given)."""
    left, _, top = MAP_MARGINS_IN
    layout, groups, handles = _layout_and_groups(model, view, caption, aspect)
    fig_w, fig_h, map_w, map_h, extent = layout.fig_w, layout.fig_h, layout.map_w, layout.map_h, layout.extent
    legend_top, legend_h, text_lines = layout.legend_top, layout.legend_h, layout.text_lines
    line_h = CAPTION_FONT * 1.5 / 72

    fig = Figure(figsize=(fig_w, fig_h), dpi=FIG_DPI, facecolor="white")
    ax = fig.add_axes((left / fig_w, 1 - (top + map_h) / fig_h, map_w / fig_w, map_h / fig_h))
    _draw_frame(ax, extent)
    _draw_land_and_areas(ax, extent, model)
    _draw_routes(ax, model)
    kept: list = []
    _draw_incidents(ax, model, groups, kept)
    _draw_badges(ax, extent, model, kept)
    _draw_labels(ax, extent, model, kept)
    fig.legend(
        handles=handles,
        loc="upper left",
        bbox_to_anchor=(left / fig_w, 1 - legend_top / fig_h),
        ncols=layout.legend_cols,
        handler_map=_legend_handler_map(handles),
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


def snapshot_model(events: list[Event], places: dict[str, Place], selected: str = "") -> MapModel:
    """What a snapshot draws: every route on its own, place names, badges; the open event's
    (selected) route heavier and its badge shown however many events there are, as on the live map."""
    return build_model(events, places, max_routes=None, selected=selected)


def map_png(
    events: list[Event], places: dict[str, Place], caption: Caption, view=None, aspect=None, show_caption=True
) -> bytes:
    """A static map (land, areas, routes with arrows, incidents, names, badges, legend, caption) as
    PNG: 1500 px wide (or a 16:9 / 4:3 slide). view=(lon_min, lon_max, lat_min, lat_max) on the
    Pacific-centred display (lon 40..240), else the data's bounds. Byte-identical for the same input."""
    extent = map_view(events, places, view)
    model = snapshot_model(events, places, caption.open_event)
    return render_model(model, extent, caption if show_caption else None, "png", aspect)


def map_svg(
    events: list[Event], places: dict[str, Place], caption: Caption, view=None, aspect=None, show_caption=True
) -> bytes:
    """The map of map_png as SVG, text as <text> (searchable, editable). Byte-identical for the same input."""
    extent = map_view(events, places, view)
    model = snapshot_model(events, places, caption.open_event)
    return render_model(model, extent, caption if show_caption else None, "svg", aspect)
