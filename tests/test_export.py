"""Exports: chart/map images with captions, CSV (and its upload round trip), GeoJSON, HTML, ZIP."""

from __future__ import annotations

import csv
import dataclasses
import io
import json
import subprocess
import sys
import xml.etree.ElementTree as ET
import zipfile
from datetime import date
from pathlib import Path
from types import SimpleNamespace

import export_cases as cases
import pandas as pd
import pytest
import yaml
from export_cases import HOSTILE, PERMALINK, SUBSET_FILTERS, TODAY, png_size, svg_text

from patrolmap import captions, charts, csvfile, export, records
from patrolmap import render_snapshot as snapshot
from patrolmap.filters import Filters
from patrolmap.load import events_frame, parse_event

FIXTURES = Path(__file__).parent / "fixtures" / "export"
# The exports must print the version that data/datapackage.yaml states, read here on its own.
DATA_VERSION = yaml.safe_load((Path(__file__).parent.parent / "data" / "datapackage.yaml").read_text())["version"]

dataset = pytest.fixture(scope="module")(cases.dataset)
subset = pytest.fixture(scope="module")(cases.subset)
caption = pytest.fixture(scope="module")(cases.caption)
hostile_events = pytest.fixture(scope="module")(cases.hostile_events)


def svg_width(data: bytes) -> float:
    return float(ET.fromstring(data).get("width").removesuffix("px").removesuffix("pt"))


# ------------------------------------------------------------------ caption


def test_caption_for(caption, subset):
    assert caption.filters_text == SUBSET_FILTERS.describe()
    assert caption.data_version == DATA_VERSION and caption.data_date == "2026-12-01"  # data/datapackage.yaml
    assert caption.generated == TODAY and caption.permalink == PERMALINK
    lines = captions.caption_lines(caption)
    assert lines[0] == "Air patrols 2019-2023"
    assert any(SUBSET_FILTERS.describe() in line for line in lines)
    assert lines[-1] == f"View: {PERMALINK}"
    assert caption.sources_line.startswith("Sources: ")
    assert caption.sources_line.endswith("as cited per event in the dataset")
    assert len(caption.sources_line) <= captions.SOURCES_LINE_MAX


OPEN = "air-2020-12-22"  # the second joint air patrol: 4 H-6K, 2 Tu-95MS


@pytest.mark.parametrize(
    "open_event, line",
    [
        (OPEN, "Open event: Second joint strategic air patrol, 2020-12-22 (drawn heavier, with what each side sent)"),
        ("", None),
        ("nav-2099-01-01", None),  # not among the shown events (or not an event at all): not named
        ("<script>", None),
    ],
)
def test_the_open_event_is_named_in_the_caption_and_drawn_in_the_map_exports(dataset, open_event, line):
    """An analyst who exports with an event's card open gets that event marked, as on the map: its
    route heavier, its badge drawn among all the others' counts, and its name in the caption."""
    cap = captions.caption_for("All", dataset.events, None, {}, "", TODAY, open_event=open_event)
    lines = captions.caption_lines(cap)
    assert [x for x in lines if x.startswith("Open event")] == ([line] if line else [])
    model = snapshot.snapshot_model(dataset.events, dataset.places, cap.open_event)
    shown = [f.fid for f in model.badges if f.layer == "badge" and model.style_of(f).get("min_zoom", 0) <= 0]
    assert shown == ([f"badge:{OPEN}"] if line else [])
    svg = svg_text(export.map_svg(dataset.events, dataset.places, cap))
    assert ("4× H-6K" in svg) is bool(line)
    assert (line in svg) if line else ("Open event" not in svg)
    html = export.map_html(dataset.events, dataset.places, cap).decode()
    assert (f'"focus": "{OPEN}"' in html) is bool(line)


@pytest.mark.parametrize(
    "producers, expected",
    [
        (["TASS", "TASS", "Xinhua"], "Sources: TASS, Xinhua, as cited per event in the dataset"),
        # a producer's parenthetical is folded into the producer
        (["Xinhua", "TASS (quoting the MoD)", "TASS"], "Sources: TASS, Xinhua, as cited per event in the dataset"),
        # ties are alphabetical, the rest counted
        (
            [f"P{i}" for i in range(9)],
            "Sources: P0, P1, P2, P3, P4, P5 and 3 others, as cited per event in the dataset",
        ),
        ([], "Sources: none (no events in the view)"),
    ],
)
def test_sources_line(subset, producers, expected):
    event = subset[0]
    sources = tuple(dataclasses.replace(event.sources[0], id=f"s{i}", producer=p) for i, p in enumerate(producers))
    events = [dataclasses.replace(event, sources=sources)] if producers else []
    assert captions.sources_line(events) == expected


def test_caption_without_permalink(dataset):
    cap = captions.caption_for("All", dataset.events, None, {}, "", TODAY)
    assert cap.filters_text == "all events" and cap.data_version == "unversioned"
    assert not any(line.startswith("View:") for line in captions.caption_lines(cap))


# ------------------------------------------------------------------ charts


CHARTS = [charts.events_per_year, charts.participation_per_year, charts.event_timeline]


@pytest.mark.parametrize("make_chart", CHARTS, ids=lambda f: f.__name__)
def test_chart_png_is_twice_the_svg(dataset, caption, make_chart):
    chart = make_chart(events_frame(dataset.events))
    png = export.chart_png(chart, caption)
    svg = export.chart_svg(chart, caption)
    width, height = png_size(png)
    assert width == pytest.approx(2 * svg_width(svg), abs=2)
    assert width >= 1200 and height >= 600
    assert len(png) > 20_000


@pytest.mark.parametrize("make_chart", CHARTS, ids=lambda f: f.__name__)
def test_chart_svg_carries_caption(dataset, caption, make_chart):
    text = svg_text(export.chart_svg(make_chart(events_frame(dataset.events)), caption))
    for needle in (caption.title, caption.filters_text, f"version {DATA_VERSION}", PERMALINK):
        assert needle in text


def test_chart_title_said_once(dataset, caption):
    chart = charts.events_per_year(events_frame(dataset.events), title=caption.title)
    assert svg_text(export.chart_svg(chart, caption)).count(caption.title) == 1


def test_chart_with_config_is_captioned(dataset, caption):
    # configure_* is only valid on the top level: it must move to the captioned chart
    chart = charts.events_per_year(events_frame(dataset.events)).configure_axis(labelFontSize=13)
    assert PERMALINK in svg_text(export.chart_svg(chart, caption))


# ------------------------------------------------------------------ hostile text


def test_hostile_text_svg(dataset, hostile_events, caption):
    cap = dataclasses.replace(caption, title=HOSTILE, filters_text=f"text '{HOSTILE}'")
    chart = charts.event_timeline(events_frame(hostile_events))  # event names are in its data/tooltips
    for svg in (export.map_svg(hostile_events, dataset.places, cap), export.chart_svg(chart, cap)):
        assert b"<script" not in svg
        assert HOSTILE in svg_text(svg)  # shown, as text
        assert b"&lt;script&gt;" in svg


def test_hostile_text_map_png_does_not_fail(dataset, hostile_events, caption):
    # "$...$" would be mathtext in matplotlib: record text must not be parsed
    cap = dataclasses.replace(caption, title="Cost $5 and $x^2$ _{a}")
    assert png_size(export.map_png(hostile_events, dataset.places, cap))[0] > 0


def test_hostile_text_html(dataset, hostile_events, caption):
    cap = dataclasses.replace(caption, title=HOSTILE)
    html = export.map_html(hostile_events, dataset.places, cap).decode("utf-8")
    assert HOSTILE not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html  # caption and route tooltip, escaped


def test_hostile_text_csv_and_geojson_kept_verbatim(dataset, hostile_events):
    # data formats keep the text as data; escaping is the reader's display concern
    frame = pd.read_csv(io.BytesIO(export.events_csv(hostile_events, dataset.places)), dtype=str)
    assert frame.loc[0, "name"] == HOSTILE
    fc = json.loads(export.events_geojson(hostile_events, dataset.places))
    assert any(f["properties"]["name"] == HOSTILE for f in fc["features"])


# ------------------------------------------------------------------ CSV


def test_csv_columns(dataset):
    data = export.events_csv(dataset.events, dataset.places)
    assert data.startswith(b"\xef\xbb\xbf")  # BOM: Excel reads UTF-8
    frame = pd.read_csv(io.BytesIO(data), dtype=str, keep_default_na=False)
    assert list(frame.columns) == export.CSV_COLUMNS
    assert len(frame) == len(dataset.events)
    row = frame.set_index("id").loc["air-2019-07-23"]
    assert row["participants"] == "RUS;CHN"
    assert float(row["route_length_km"]) > 500
    assert row["route_source_url"].startswith("http")
    assert "RUS|Tu-95MS|2|bomber" in row["assets"]


def core(event) -> tuple:
    """What survives the CSV: no claims, firsts, aliases, source kinds or incident descriptions."""
    route = event.route
    by_id = {s.id: s for s in event.sources}
    return (
        event.id,
        event.kind,
        event.name,
        event.date_start,
        event.date_end,
        event.participants,
        event.areas,
        event.summary,
        tuple(name for name, _ in event.disputes),
        route and (route.waypoints, route.provenance, by_id[route.source].url),
        tuple((a.country, a.type, a.count, a.role) for a in event.assets),
        tuple((i.kind, i.actor, i.place, i.date) for i in event.incidents),
        tuple((s.producer, s.title, s.url, s.date_published) for s in event.sources),
    )


@pytest.mark.parametrize(
    "read",
    [
        {"dtype": str, "keep_default_na": False},
        {},  # pandas' defaults: empty cells NaN, lengths float
    ],
    ids=["as-text", "pandas-defaults"],
)
def test_csv_round_trip(dataset, read):
    frame = pd.read_csv(io.BytesIO(export.events_csv(dataset.events, dataset.places)), **read)
    raws = csvfile.events_from_csv_rows(frame.to_dict("records"))
    errors = []
    parsed = [parse_event(raw, "upload.csv", i, dataset.places, errors, origin="upload") for i, raw in enumerate(raws)]
    assert errors == []
    assert [core(e) for e in parsed] == [core(e) for e in dataset.events]
    assert {e.origin for e in parsed} == {"upload"}


def test_csv_upload_fixture(places):
    with open(FIXTURES / "upload.csv", encoding="utf-8", newline="") as fh:
        raws = csvfile.events_from_csv_rows(list(csv.DictReader(fh)))
    errors = []
    first, second = (parse_event(raw, "upload.csv", i, places, errors, origin="upload") for i, raw in enumerate(raws))
    assert errors == []
    assert first.participants == ("RUS", "CHN")  # "RUS; CHN": spaces ignored
    assert [s.title for s in first.sources] == ["Statement ; annex", "Report | wire"]  # escaped separators
    assert first.route.source == "s2"  # the source whose url is route_source_url
    assert [(a.type, a.count) for a in first.assets] == [("Tu-95MS", 2), ("H-6K", None)]
    assert first.incidents[1].place == "" and first.incidents[1].date is None
    assert first.summary == 'Two sources; one of them a "wire" report.'
    assert first.sources[1].date_published is None
    assert second.route.source == "s1" and second.assets == ()


@pytest.mark.parametrize(
    "change, field",
    [
        ({"participants": "RUS;XX"}, "participants"),
        ({"assets": "RUS|Tu-95MS|two|bomber"}, "assets.count"),
        ({"source_urls": "ftp://example.org/a"}, "sources.url"),
        ({"route_waypoints": "sea-of-japan"}, "route.waypoints"),  # a route needs two waypoints
        ({"date_start": "23/07/2019"}, "date_start"),
    ],
)
def test_csv_upload_errors_name_the_field(places, change, field):
    with open(FIXTURES / "upload.csv", encoding="utf-8", newline="") as fh:
        row = next(csv.DictReader(fh))
    raw = csvfile.events_from_csv_rows([{**row, **change}])[0]
    errors = []
    assert parse_event(raw, "upload.csv", 0, places, errors) is None
    assert field in {e.field for e in errors}


@pytest.mark.parametrize(
    "text, sep, parts",
    [
        ("a;b", ";", ["a", "b"]),
        ("a\\;b;c", ";", ["a;b", "c"]),
        ("a\\\\;b", ";", ["a\\", "b"]),  # escaped backslash, then a real separator
        (" a | b ", "|", ["a", "b"]),
    ],
)
def test_split(text, sep, parts):
    assert csvfile.split_escaped(text, sep) == parts


# ------------------------------------------------------------------ names and bundle


@pytest.mark.parametrize(
    "kind, filters, ext, expected",
    [
        (
            "patrols",
            Filters(years=(2019, 2023), countries=("RUS", "CHN"), kinds=("air_patrol",)),
            "csv",
            "patrols_air-patrol_2019-2023_RUS-CHN_2026-11-27.csv",
        ),
        ("map", Filters(), ".PNG", "map_2026-11-27.png"),
        # typed text becomes a short slug: no slashes, quotes or spaces in a file name
        ("chart", Filters(text='../../etc "passwd" <b>'), "svg", "chart_etc-passwd-b_2026-11-27.svg"),
        ("map", Filters(dates=(date(2024, 7, 1), date(2024, 7, 31))), "html", "map_20240701-20240731_2026-11-27.html"),
    ],
)
def test_export_filename(kind, filters, ext, expected):
    assert export.export_filename(kind, filters, TODAY, ext) == expected


def test_report_bundle(dataset, subset, caption):
    files = {
        "map.png": export.map_png(subset, dataset.places, caption),
        "events.csv": export.events_csv(subset, dataset.places),
        "events.geojson": export.events_geojson(subset, dataset.places),
    }
    data = export.report_bundle(files, caption)
    assert export.report_bundle(files, caption) == data  # same input, same ZIP
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        assert zf.testzip() is None
        assert zf.namelist() == ["README.txt", *files]
        assert all(zf.read(name) == content for name, content in files.items())
        readme = zf.read("README.txt").decode("utf-8")
    for needle in (caption.filters_text, PERMALINK, f"data version {DATA_VERSION}", "How to cite", *files):
        assert needle in readme.replace("\n", " ")


@pytest.mark.parametrize(
    "names, expected",
    [
        (["../../evil.txt"], ["README.txt", "evil.txt"]),  # unpacks where it is opened, nowhere else
        (["/etc/x.csv", "a\\b.png"], ["README.txt", "etc/x.csv", "a/b.png"]),
        (["README.txt", "map.png", "./map.png"], ["README.txt", "README-2.txt", "map.png", "map-2.png"]),
    ],
)
def test_report_bundle_names(caption, names, expected):
    data = export.report_bundle({name: b"x" for name in names}, caption)
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        assert zf.namelist() == expected


def test_export_does_not_import_streamlit():
    code = "import sys, patrolmap.export; sys.exit('streamlit' in sys.modules)"
    assert subprocess.run([sys.executable, "-c", code], cwd=Path(__file__).parent.parent).returncode == 0


@pytest.mark.parametrize(
    "spec, item, expected",
    [
        ("a b", {"a": 1, "b": None}, {"a": 1, "b": None}),  # always written, null included
        ("a b?", {"a": 1, "b": ()}, {"a": 1}),  # optional and empty: left out
        ("a b?", {"a": (1, 2), "b": date(2024, 7, 24)}, {"a": [1, 2], "b": "2024-07-24"}),  # YAML shapes
        ("a~", {"a": ""}, {"a": None}),  # null when empty (a source without a headline)
        ("a=", {"a": date(2024, 7, 24)}, {"a": date(2024, 7, 24)}),  # as the record holds it (a claim's value)
        ("b a", {"a": 1, "b": 2}, {"b": 2, "a": 1}),  # the spec's order, not the record's
    ],
)
def test_record_fields_spec(spec, item, expected):
    record = records.record_of(SimpleNamespace(**item), records.fields(spec))
    assert record == expected and list(record) == list(expected)
