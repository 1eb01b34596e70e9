"""The Compare page's table of differences, and the YAML records that round-trip through the upload."""

import dataclasses

import pytest

from patrolmap import compare, export, records
from patrolmap.load import load_dataset
from patrolmap.upload import UPLOAD_PREFIX, parse_upload


@pytest.fixture(scope="module")
def dataset():
    return load_dataset()


@pytest.fixture(scope="module")
def by_id(dataset):
    return {e.id: e for e in dataset.events}


def table(dataset, by_id, ids):
    columns, rows = compare.difference_rows([by_id[i] for i in ids], dataset.places)
    return columns, {row[compare.ROW_LABEL]: row for row in rows}


@pytest.mark.parametrize(
    "row, first, second, same",
    [
        ("Kind", "Air patrol", "Air patrol", "same"),
        ("Dates", "23 Jul 2019", "24 Jul 2024 to 25 Jul 2024 (2 days)", "differs"),
        ("Duration", "11 hours", "5 hours", "differs"),
        ("Aircraft (reported total)", "4–5 ⚠", "4", "differs"),  # the 2019 count is disputed
        ("Responded or reported", "Japan, South Korea", "Canada, United States", "differs"),
        ("Straits transited", "Tsushima Strait", "none named", "differs"),
    ],
)
def test_difference_rows(dataset, by_id, row, first, second, same):
    columns, rows = table(dataset, by_id, ["air-2019-07-23", "air-2024-07-24"])
    assert rows[row][columns[1]] == first and rows[row][columns[2]] == second
    assert rows[row]["Same or different"] == same


def test_every_row_is_in_words(dataset, by_id):
    columns, rows = table(dataset, by_id, ["air-2019-07-23", "air-2024-07-24", "naval-2023-07-28"])
    assert len(columns) == 5
    for needed in ("Assets per side (as reported)", "Areas", "Incidents", "Claims: Aircraft (total)"):
        assert needed in rows
    text = " ".join(str(v) for row in rows.values() for v in row.values())
    for code in ("air_patrol", "aircraft_total", "None", "adiz_entry", "sea-of-japan", "type_class"):
        assert code not in text
    assert "⚠ disputed" in rows["Claims: Aircraft (total)"][columns[1]]


def test_same_name_twice_gets_two_columns(dataset, by_id):
    event = by_id["air-2019-07-23"]
    twin = dataclasses.replace(event, id="air-2019-07-23-b")
    columns, rows = compare.difference_rows([event, twin], dataset.places)
    assert len(set(columns)) == 4 and all(r["Same or different"] == "same" for r in rows)


def test_difference_html_escapes_record_text(dataset, by_id):
    hostile = dataclasses.replace(by_id["air-2019-07-23"], name="<img src=x onerror=alert(1)>")
    html = compare.difference_html(*compare.difference_rows([hostile, by_id["air-2024-07-24"]], dataset.places))
    assert "<img" not in html and "&lt;img" in html


@pytest.mark.parametrize(
    "ids, expected",
    [
        (["air-2019-07-23", "air-2024-07-24"], "/Compare?events=air-2019-07-23,air-2024-07-24"),
        (["a", "a", "", "b"], "/Compare?events=a,b"),
    ],
)
def test_compare_url(ids, expected):
    assert compare.compare_url(ids) == expected


# ------------------------------------------------------------------ YAML records round trip


def test_yaml_export_round_trips_through_the_upload(dataset):
    """Every curated record, exported as YAML and uploaded again, is the same record."""
    data = export.events_yaml(dataset.events, dataset.places)
    result = parse_upload("events.yaml", data, dataset.places)
    assert result.errors == []
    back = {e.id.removeprefix(UPLOAD_PREFIX): e for e in result.events}
    assert set(back) == {e.id for e in dataset.events}
    for event in dataset.events:
        # what the upload itself changes: the id prefix, the file it came from, its origin
        restored = dataclasses.replace(back[event.id], id=event.id, file=event.file, origin=event.origin)
        assert restored == event, event.id


def test_yaml_export_of_an_upload_with_its_own_places(dataset):
    """An uploaded event on places the upload defined comes back with those places."""
    upload = b"""
places:
  - {id: my-point, name: My point, kind: point, lat: 40.0, lon: 140.0}
events:
  - id: my-event
    kind: air_patrol
    name: My own patrol
    date_start: "2027-01-02"
    date_end: "2027-01-02"
    participants: [RUS, CHN]
    areas: [my-point]
    sources: [{id: s1, producer: Me, title: Notes, url: "https://example.org/n", kind: analysis}]
"""
    first = parse_upload("mine.yaml", upload, dataset.places)
    assert first.errors == [] and len(first.events) == 1
    data = export.events_yaml(first.events, {**dataset.places, **first.places})
    second = parse_upload("again.yaml", data, dataset.places)
    assert second.errors == []
    assert dataclasses.replace(second.events[0], file=first.events[0].file) == first.events[0]
    assert set(second.places) == {"my-point"}


def test_event_record_leaves_empty_optional_fields_out(dataset, by_id):
    record = records.event_record(by_id["air-2019-07-23"])
    assert list(record)[:3] == ["id", "kind", "name"] and list(record)[-1] == "sources"
    minimal = records.event_record(dataclasses.replace(by_id["air-2019-07-23"], route=None, claims=(), disputes=()))
    assert "route" not in minimal and "claims" not in minimal


# ------------------------------------------------------------------ the page, in AppTest


def test_compare_page_draws_a_map_per_event_and_the_table():
    import json

    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file("../pages/6_Compare.py", default_timeout=60)
    at.query_params["events"] = "air-2019-07-23,air-2024-07-24,<b>"
    at.run()
    assert not at.exception
    maps = at.get("component_instance")
    assert len(maps) == 2
    for component in maps:
        assert not any(link.startswith("http") for link in json.loads(component.proto.json_args)["js_links"])
    html = " ".join(str(element.proto) for element in at.get("html"))
    assert "Straits transited" in html and "Canada, United States" in html
    assert any("malformed" in w.value for w in at.warning)  # the <b> id is reported, not shown
