"""Bytes-returning exports of the current view: chart and map images, CSV, GeoJSON, HTML, ZIP.

Every function takes records and returns bytes, ready for a download button; nothing here
imports streamlit or touches the network. Images carry a caption (title, filter, data
version, sources, permalink) so that a figure pasted into a report still says where it
came from. Record text is untrusted: it is escaped in HTML and SVG and never parsed as
markup or as matplotlib mathtext.

The CSV format, both ways, lives in patrolmap.csvfile (uploads read it too); its writer is
re-exported here with the other exports.
"""

from __future__ import annotations

import dataclasses
import io
import json
import re
import textwrap
import threading
import zipfile
from datetime import date
from typing import TYPE_CHECKING

import pandas as pd
import yaml

from patrolmap import records
from patrolmap.captions import GEOMETRY_NOTE, Caption, caption_lines, caption_text, citation_text
from patrolmap.csvfile import CSV_COLUMNS, events_csv

if TYPE_CHECKING:
    import altair
from patrolmap.filters import Filters
from patrolmap.layers import data_bounds, map_view
from patrolmap.render_geojson import events_geojson, events_geojson_dict
from patrolmap.render_html import caption_html, map_html
from patrolmap.render_snapshot import map_png, map_svg
from patrolmap.schema import Event, Place

# The map exports are drawn by the renderers of the layer model; they are named here too, so that
# callers find every export in one module.
__all__ = [
    "caption_html",
    "data_bounds",
    "events_geojson",
    "events_geojson_dict",
    "map_html",
    "map_png",
    "map_svg",
    "map_view",
]

DEFAULT_CHART_WIDTH = 560
# Chart export shapes in CSS pixels (PNG at scale 2 doubles them): today's, and two slide shapes.
CAPTION_FILE = "caption.txt"
DATAPACKAGE_FILE = "datapackage.json"
CHART_SIZES = {"default": None, "16:9": (960, 540), "4:3": (800, 600)}

# Altair and vl-convert are large and only chart exports need them: imported on first use (for
# speed only), one thread at a time, as Streamlit serves sessions from threads and concurrent
# first imports can see a half-initialised module.
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


def _sized(chart, size: str, caption_lines_n: int):
    """The chart with its plot area set so the whole figure is about the slide size asked for."""
    if size not in CHART_SIZES:
        raise ValueError(f"size must be one of {', '.join(CHART_SIZES)}, got {size!r}")
    target = CHART_SIZES[size]
    if target is None:
        return chart
    width, height = target
    chart = chart.copy(deep=True)
    # room for the title, axes, legend and the caption block under the chart
    inner_h = height - 40 - 70 - (14 * caption_lines_n + 12 if caption_lines_n else 0)
    chart.width = max(200, width - 200)
    chart.height = max(120, inner_h)
    return chart


def captioned_chart(chart, caption: Caption, size: str = "default", with_caption: bool = True) -> altair.VConcatChart:
    """The chart with the caption as a block of text lines under it (or, with_caption=False, only
    its title: the caption then travels beside the image, see captions.caption_text).
    size: 'default', or a slide shape '16:9' / '4:3' (see CHART_SIZES)."""
    with _IMPORT_LOCK:
        import altair as alt  # imported when a chart is exported, not on every page

    chart = chart.copy(deep=True)
    config = chart.config if "config" in chart.to_dict(validate=False) else alt.Undefined
    chart.config = alt.Undefined  # configure_* is only allowed on the top level
    own = chart.title if isinstance(chart.title, str) else ""
    if own and own.casefold() in caption.title.casefold():
        chart.title = alt.Undefined  # said once, in the caption's title ("<view>: <chart title>")
    width = _chart_width(chart)
    wrap = max(40, int((width + 110) / 6.2))  # ~6 px per character at 11 px; text may run under the legend
    lines = []
    for n, line in enumerate(caption_lines(caption)[1:]):  # the title goes in the chart's title block
        lines += [(n == 0 and i == 0, part) for i, part in enumerate(textwrap.wrap(line, wrap) or [""])]
    if not with_caption:
        lines = []
    chart = _sized(chart, size, len(lines))
    width = _chart_width(chart)
    parts = [chart]
    if lines:
        rows = pd.DataFrame({"y": [14 * i for i in range(len(lines))], "text": [t for _, t in lines]})
        parts.append(
            alt.Chart(rows)
            .mark_text(align="left", baseline="top", fontSize=11, color="#333", limit=0)
            .encode(x=alt.value(0), y=alt.Y("y:Q", scale=None, axis=None), text="text:N")
            .properties(width=width, height=14 * len(lines), view=alt.ViewBackground(stroke=None))
        )
    out = alt.vconcat(
        *parts,
        title=alt.TitleParams(caption.title, anchor="start", fontSize=14),
        spacing=12,
        background="white",
        padding=10,
    )
    if config is not alt.Undefined:
        out.config = config
    return out


def chart_png(chart, caption: Caption, scale: float = 2, size: str = "default", with_caption: bool = True) -> bytes:
    """PNG of an Altair chart with its caption; scale=2 renders at twice the CSS pixel size. A slide
    size ('16:9', '4:3') gives exactly that shape: the figure is laid out for it, then padded white."""
    spec = captioned_chart(chart, caption, size, with_caption).to_dict()
    with _IMPORT_LOCK:
        import vl_convert as vlc  # imported on first use: it is large

    data = bytes(vlc.vegalite_to_png(spec, vl_version=_vl_version(), scale=scale))
    return _pad_png(data, CHART_SIZES[size], scale) if CHART_SIZES.get(size) else data


def chart_svg(chart, caption: Caption, size: str = "default", with_caption: bool = True) -> bytes:
    """SVG of an Altair chart with its caption (text kept as text, so it can be searched)."""
    spec = captioned_chart(chart, caption, size, with_caption).to_dict()
    with _IMPORT_LOCK:
        import vl_convert as vlc

    svg = vlc.vegalite_to_svg(spec, vl_version=_vl_version())
    return (_pad_svg(svg, CHART_SIZES[size]) if CHART_SIZES.get(size) else svg).encode("utf-8")


def _canvas(width: float, height: float, target: tuple[int, int]) -> tuple[float, float]:
    """The smallest canvas of the target's shape that holds width x height."""
    ratio = target[0] / target[1]
    return (width, width / ratio) if width / height >= ratio else (height * ratio, height)


def _pad_png(data: bytes, target: tuple[int, int], scale: float) -> bytes:
    with _IMPORT_LOCK:
        from PIL import Image

    image = Image.open(io.BytesIO(data)).convert("RGB")
    cw, ch = _canvas(*image.size, target)
    cw, ch = max(round(cw), round(target[0] * scale)), max(round(ch), round(target[1] * scale))
    cw, ch = _canvas(cw, ch, target)
    canvas = Image.new("RGB", (round(cw), round(ch)), "white")
    canvas.paste(image, (0, 0))
    out = io.BytesIO()
    canvas.save(out, format="PNG", optimize=True)
    return out.getvalue()


def _pad_svg(svg: str, target: tuple[int, int]) -> str:
    head = re.search(r"<svg\b[^>]*>", svg)
    if head is None:
        return svg
    tag = head.group(0)
    width = float(re.search(r'\bwidth="([\d.]+)"', tag).group(1))
    height = float(re.search(r'\bheight="([\d.]+)"', tag).group(1))
    cw, ch = _canvas(max(width, target[0]), max(height, target[1]), target)
    cw, ch = _canvas(cw, ch, target)
    new = re.sub(r'\bwidth="[\d.]+"', f'width="{cw:.0f}"', tag, count=1)
    new = re.sub(r'\bheight="[\d.]+"', f'height="{ch:.0f}"', new, count=1)
    new = re.sub(r'\bviewBox="[^"]*"', f'viewBox="0 0 {cw:.0f} {ch:.0f}"', new, count=1)
    if "viewBox" not in new:
        new = new.replace("<svg", f'<svg viewBox="0 0 {cw:.0f} {ch:.0f}"', 1)
    return svg.replace(tag, new + f'<rect width="{cw:.0f}" height="{ch:.0f}" fill="white"/>', 1)


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
        f"View: {caption.permalink or 'no public address is set for this app, so no link is printed'}",
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
        f"{CAPTION_FILE} holds the caption of every image, for images exported without one.",
        f"{DATAPACKAGE_FILE} describes the CSV and GeoJSON files (Frictionless Data Package): version,",
        "licence, citation and columns. events.yaml holds the shown records in data/FORMAT.md's shape:",
        "upload it to the app to get them back with nothing lost.",
        "",
        "CSV columns (lists ';'-joined; assets 'COUNTRY|type|count|role' and incidents",
        "'kind|actor|place|date' joined by '; '; a literal ';' or '|' in a value is '\\;' or '\\|'):",
        *textwrap.wrap(", ".join(CSV_COLUMNS), 78),
    ]
    return "\n".join(lines) + "\n"


def dataset_members(caption: Caption, meta: dict | None = None) -> dict:
    """What a data file says about the dataset it comes from: title, version, licence, citation."""
    meta = meta or {}
    licences = [
        {k: str(v) for k, v in lic.items() if k in ("name", "title", "path")}
        for lic in meta.get("licenses") or []
        if isinstance(lic, dict)
    ]
    return {
        "title": caption.dataset_title,
        "version": caption.data_version,
        "last_reviewed": caption.data_date,
        "licenses": licences,
        "citation": citation_text(caption),
        "filter": caption.filters_text,
        "view": caption.permalink,
        "generated": caption.generated.isoformat(),
    }


def events_geojson_with_provenance(events: list[Event], places: dict[str, Place], caption: Caption, meta=None) -> bytes:
    """events_geojson with the dataset's title, version, licence and citation as top-level foreign
    members (RFC 7946 section 6.1), so the file says where it came from when it travels alone."""
    collection = events_geojson_dict(events, places)
    collection = {"type": collection["type"], **dataset_members(caption, meta), "features": collection["features"]}
    return json.dumps(collection, ensure_ascii=False, indent=1).encode("utf-8")


def events_yaml(events: list[Event], places: dict[str, Place] | None = None, caption: Caption | None = None) -> bytes:
    """The shown records in data/FORMAT.md's shape, with nothing lost: uploading the file gives the
    same records back. Places the records use that are not in the curated gazetteer (an upload's
    own) travel with them (events: and places:)."""
    header = ["# Russia–China joint patrols: records in data/FORMAT.md's shape."]
    if caption is not None:
        header += [f"# {line}" for line in caption_lines(caption)]
    rows = [records.event_record(e) for e in events]
    own = sorted({p for e in events if e.origin != "curated" for p in _event_place_ids(e)})
    extra = [records.place_record(places[p]) for p in own if places and p in places and _uploaded(places[p])]
    content = {"events": rows, "places": extra} if extra else rows
    body = yaml.safe_dump(content, allow_unicode=True, sort_keys=False, width=100)
    return ("\n".join(header) + "\n" + body).encode("utf-8")


def _event_place_ids(event: Event) -> list[str]:
    ids = list(event.areas) + list(event.route.waypoints if event.route else ())
    return ids + [i.place for i in event.incidents if i.place]


def _uploaded(place: Place) -> bool:
    return not place.file or "upload" in place.note.casefold() or place.file.startswith(("upload", "your"))


def _resource_format(extension: str) -> dict:
    """How a Data Package describes one of the bundle's files, by its extension (csv or geojson)."""
    if extension == "csv":
        schema = {"fields": [{"name": c, "type": "string"} for c in CSV_COLUMNS]}
        return {"format": "csv", "mediatype": "text/csv", "encoding": "utf-8", "schema": schema}
    return {"format": "geojson", "mediatype": "application/geo+json"}


def datapackage_descriptor(files: dict[str, bytes], caption: Caption, meta: dict | None = None) -> dict:
    """A Frictionless Data Package descriptor for the bundle's CSV and GeoJSON files."""
    members = dataset_members(caption, meta)
    resources = []
    for name in files:
        stem, dot, extension = name.rpartition(".")
        if dot and extension in ("csv", "geojson"):
            resources.append({"name": _slug(stem).lower(), "path": name, **_resource_format(extension)})
    return {
        "name": "russia-china-joint-patrols-export",
        "title": caption.title,
        "version": members["version"],
        "licenses": members["licenses"],
        "description": f"{caption.dataset_title}, filter: {caption.filters_text}. {GEOMETRY_NOTE}",
        "citation": members["citation"],
        "created": members["generated"],
        "homepage": caption.permalink or None,
        "resources": resources,
    }


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
    meta: dict | None = None,
    size: str = "default",
    with_caption: bool = True,
) -> dict[str, bytes]:
    """Every export of the current view, named for the bundle; progress(step, i, n) after each step.

    The full dataset goes in too (all-events), so the bundle stands alone; beside the data files a
    datapackage.json says version, licence and citation; caption.txt carries every image's caption
    (with_caption=False leaves it off the images). size: the chart shape (CHART_SIZES).
    """
    name = lambda kind, ext: export_filename(kind, filters, today, ext)  # noqa: E731
    steps = [
        (name("map", "png"), lambda: map_png(events, places, caption)),
        (name("map", "svg"), lambda: map_svg(events, places, caption)),
        (name("map", "html"), lambda: map_html(events, places, caption)),
    ]
    chart_captions = []
    for key, chart in charts.items():
        chart_caption = _replace_title(caption, chart_title(caption.title, getattr(chart, "title", None) or key))
        chart_captions.append(chart_caption)
        steps.append(
            (
                name(f"chart-{key}", "png"),
                lambda c=chart, cc=chart_caption: chart_png(c, cc, size=size, with_caption=with_caption),
            )
        )
        steps.append(
            (
                name(f"chart-{key}", "svg"),
                lambda c=chart, cc=chart_caption: chart_svg(c, cc, size=size, with_caption=with_caption),
            )
        )
    full = _replace_title(caption, caption.dataset_title)
    steps += [
        (name("events", "csv"), lambda: events_csv(events, places)),
        (name("events", "geojson"), lambda: events_geojson_with_provenance(events, places, caption, meta)),
        (name("events", "yaml"), lambda: events_yaml(events, places, caption)),
        (export_filename("all-events", None, today, "csv"), lambda: events_csv(all_events, places)),
        (
            export_filename("all-events", None, today, "geojson"),
            lambda: events_geojson_with_provenance(all_events, places, full, meta),
        ),
    ]
    files = {}
    for i, (filename, build) in enumerate(steps, 1):
        files[filename] = build()
        if progress:
            progress(filename, i, len(steps))
    files[DATAPACKAGE_FILE] = json.dumps(datapackage_descriptor(files, caption, meta), indent=1).encode("utf-8")
    texts = [caption_text(caption), *(caption_text(c) for c in chart_captions)]
    files[CAPTION_FILE] = "\n".join(texts).encode("utf-8")
    return files


def chart_title(view_title: str, chart_title_value) -> str:
    """'<view title>: <chart title>' — the view in words, then what the chart shows."""
    text = chart_title_value if isinstance(chart_title_value, str) else getattr(chart_title_value, "text", "")
    text = str(text or "").strip()
    if not text or text.casefold() in view_title.casefold():
        return view_title
    return f"{view_title}: {text[:1].lower() + text[1:]}"


def _replace_title(caption: Caption, title) -> Caption:
    text = title if isinstance(title, str) else getattr(title, "text", None) or str(title)
    return dataclasses.replace(caption, title=text)
