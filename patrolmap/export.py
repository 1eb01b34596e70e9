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
import math
import re
import textwrap
import threading
import zipfile
from datetime import date
from typing import TYPE_CHECKING

import pandas as pd

from patrolmap.captions import GEOMETRY_NOTE, Caption, caption_lines, citation_text

if TYPE_CHECKING:
    import altair
from patrolmap.filters import Filters
from patrolmap.gazetteer import route_coords, route_length_km
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

DEFAULT_CHART_WIDTH = 560

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
