"""Charts in words and slide-ready chart exports: shapes, titles from the view, caption beside the image."""

import io
import json
import re
import struct
import xml.etree.ElementTree as ET
import zipfile
from datetime import date

import pytest

from patrolmap import captions, charts, export, load
from patrolmap.filters import Filters, analysis_frame, filter_events
from patrolmap.load import load_dataset

TODAY = date(2026, 11, 27)
NAVAL_2023 = Filters(kinds=("naval_patrol",), years=(2023, 2023))
# Codes and Python values that must never reach an image or a title (issue 12).
RAW_CODES = re.compile(r"naval_patrol|air_patrol|aircraft_total|duration_hours|type_class|kind_label|\bNone\b|\bnan\b")


@pytest.fixture(scope="module")
def dataset():
    return load_dataset()


@pytest.fixture(scope="module")
def frame(dataset):
    return analysis_frame(dataset.events)


@pytest.fixture(scope="module")
def naval_2023(dataset, frame):
    ids = set(filter_events(frame, NAVAL_2023)["id"])
    return [e for e in dataset.events if e.id in ids]


def caption_of(dataset, events, filters, subject=""):
    title = captions.view_title(filters, events, subject)
    return captions.caption_for(title, events, filters, dataset.meta, "", TODAY)


def svg_text(data: bytes) -> str:
    root = ET.fromstring(data)
    return " ".join(t for el in root.iter() for t in (el.text, el.tail) if t and t.strip())


def png_size(data: bytes) -> tuple[int, int]:
    return struct.unpack(">II", data[16:24])


@pytest.mark.parametrize(
    "filters, expected",
    [
        (NAVAL_2023, "Russia–China joint naval patrols, 2023"),
        (Filters(kinds=("air_patrol",), year_set=(2019, 2024)), "Russia–China joint air patrols, 2019 and 2024"),
        (Filters(years=(2019, 2023)), "Russia–China joint patrols and exercises, 2019–2023"),
        (
            Filters(countries=("IRN",), kinds=("exercise",), years=(2024, 2025)),
            "Russia–China joint exercises with Iran, 2024–2025",
        ),
        (
            Filters(responders=("JPN",), incidents=("scramble",), years=(2023, 2023)),
            "Russia–China joint patrols and exercises responded to or reported by Japan with scrambles, 2023",
        ),
        (
            Filters(dates=(date(2024, 7, 1), date(2024, 7, 31))),
            "Russia–China joint patrols and exercises, 1 Jul 2024 – 31 Jul 2024",
        ),
    ],
)
def test_view_title_in_words(filters, expected):
    assert captions.view_title(filters, []) == expected


def test_view_title_without_a_year_filter_uses_the_events(dataset):
    assert captions.view_title(Filters(), dataset.events).endswith("2019–2026")


@pytest.mark.parametrize(
    "make_chart",
    [charts.events_per_year, charts.participation_per_year, charts.event_timeline],
    ids=lambda f: f.__name__,
)
def test_svg_of_a_naval_2023_view_has_a_title_in_words_and_no_code(dataset, frame, naval_2023, make_chart):
    shown = filter_events(frame, NAVAL_2023)
    chart = make_chart(shown)
    caption = captions.caption_for(
        export.chart_title(captions.view_title(NAVAL_2023, naval_2023), chart.title),
        naval_2023,
        NAVAL_2023,
        dataset.meta,
        "",
        TODAY,
    )
    text = svg_text(export.chart_svg(chart, caption))
    assert "Russia–China joint naval patrols, 2023" in text
    assert not RAW_CODES.search(text), RAW_CODES.search(text)
    assert "Link to this view: none" in text  # no public address set: the caption says so


@pytest.mark.parametrize("size, ratio", [("16:9", 16 / 9), ("4:3", 4 / 3)])
@pytest.mark.parametrize("with_caption", [True, False])
def test_slide_shapes(dataset, frame, size, ratio, with_caption):
    chart = charts.events_per_year(frame)
    caption = caption_of(dataset, dataset.events, Filters(), "events per year")
    width, height = png_size(export.chart_png(chart, caption, size=size, with_caption=with_caption))
    assert width / height == pytest.approx(ratio, abs=0.01)
    assert width >= 2 * export.CHART_SIZES[size][0] - 2  # at least the slide size at 2x
    svg = ET.fromstring(export.chart_svg(chart, caption, size=size, with_caption=with_caption))
    assert float(svg.get("width")) / float(svg.get("height")) == pytest.approx(ratio, abs=0.01)


def test_caption_can_be_left_off_the_image(dataset, frame):
    chart = charts.events_per_year(frame)
    caption = caption_of(dataset, dataset.events, Filters(), "events per year")
    on = svg_text(export.chart_svg(chart, caption))
    off = svg_text(export.chart_svg(chart, caption, with_caption=False))
    assert caption.sources_line[:40] in on and caption.sources_line[:40] not in off
    assert caption.title in off  # the title stays on the image
    assert caption.sources_line in captions.caption_text(caption)


def test_unknown_size_is_an_error(dataset, frame):
    with pytest.raises(ValueError, match="16:9"):
        export.chart_svg(charts.events_per_year(frame), caption_of(dataset, [], Filters()), size="square")


def test_timeline_bars_labels_and_click(frame):
    spec = charts.event_timeline(frame).to_dict()
    bars, labels = spec["layer"]
    assert bars["mark"]["type"] == "bar" and bars["encoding"]["x2"]["field"] == "end"  # a bar per event's span
    assert labels["mark"]["type"] == "text" and labels["encoding"]["text"]["field"] == "label"
    params = spec.get("params") or bars.get("params")  # altair lifts a layer's params to the top
    assert params[0]["name"] == charts.TIMELINE_SELECTION and params[0]["select"]["on"] == "click"
    assert [t["title"] for t in bars["encoding"]["tooltip"]][0] == "Event"  # hover names the event
    data = next(iter(spec["datasets"].values()))
    assert len(data) == len(frame) and all(row["label"] for row in data)
    multi_day = [row for row in data if row["days"] > 1]
    assert multi_day and all(row["end"] > row["start"] for row in multi_day)


@pytest.mark.parametrize(
    "state, expected",
    [
        ({"selection": {charts.TIMELINE_SELECTION: [{"id": "air-2019-07-23"}]}}, "air-2019-07-23"),
        ({"selection": {charts.TIMELINE_SELECTION: []}}, ""),
        ({"selection": {}}, ""),
        (None, ""),
        ({"selection": {charts.TIMELINE_SELECTION: [{"id": 5}]}}, ""),  # not an id
    ],
)
def test_picked_event(state, expected):
    assert charts.picked_event(state) == expected


def test_asset_tooltips_in_words(dataset):
    assets = charts.assets_frame(dataset.events, load.type_index(dataset.catalogue))
    spec = json.dumps(charts.assets_per_year(assets).to_dict()["encoding"]["tooltip"])
    assert '"title": "Type"' in spec and '"title": "Role"' in spec


def test_report_files_carry_provenance(dataset, naval_2023):
    caption = caption_of(dataset, naval_2023, NAVAL_2023)
    files = export.report_files(
        naval_2023, dataset.events, dataset.places, caption, {}, NAVAL_2023, TODAY, meta=dataset.meta
    )
    descriptor = json.loads(files[export.DATAPACKAGE_FILE])
    assert descriptor["version"] == dataset.meta["version"] and descriptor["licenses"]
    assert {r["format"] for r in descriptor["resources"]} == {"csv", "geojson"}
    assert caption.title in files[export.CAPTION_FILE].decode()
    geojson = json.loads(next(v for k, v in files.items() if k.startswith("events_") and k.endswith(".geojson")))
    assert geojson["type"] == "FeatureCollection" and geojson["version"] == dataset.meta["version"]
    assert geojson["licenses"] and "Accessed" in geojson["citation"]
    assert any(name.endswith(".yaml") for name in files)
    bundle = export.report_bundle(files, caption)
    with zipfile.ZipFile(io.BytesIO(bundle)) as zf:
        readme = zf.read("README.txt").decode()
    assert "no public address is set" in readme and "caption.txt" in readme
