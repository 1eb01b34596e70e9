"""AppTest smoke tests: every page runs without an exception on the real data and shows what it should."""

import json
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from patrolmap.load import load_dataset

ROOT = Path(__file__).resolve().parent.parent


def app(page: str) -> AppTest:
    return AppTest.from_file(str(ROOT / page), default_timeout=60)


PAGES = [
    ("app.py", "Russia–China joint military patrols"),
    ("pages/1_Map.py", "Map of joint patrols"),
    ("pages/2_Timeline.py", "Timeline"),
    ("pages/3_Events.py", "Events"),
    ("pages/4_Aircraft_and_ships.py", "Aircraft and ships"),
    ("pages/5_About_the_data.py", "About the data"),
]


@pytest.mark.parametrize("page, title", PAGES)
def test_page_runs(page, title):
    at = app(page).run()
    assert not at.exception, [e.value for e in at.exception]
    assert at.title[0].value == title


def test_map_page_sends_only_local_assets():
    at = app("pages/1_Map.py").run()
    component = at.get("component_instance")[0]
    args = json.loads(component.proto.json_args)
    links = args["js_links"] + args["css_links"]
    assert links and all(link.startswith("/app/static/") for link in links), links
    assert "land-pacific.geojson" in args["script"]
    assert "http://" not in args["feature_group"] and "https://" not in args["script"]


@pytest.mark.parametrize(
    "query, shown",
    [
        ({}, None),  # None: all events
        ({"kinds": "exercise"}, "exercise"),
        ({"kinds": "air_patrol", "years": "2019-2020"}, "air_patrol"),
    ],
)
def test_map_page_follows_the_url(query, shown):
    at = app("pages/1_Map.py")
    for key, value in query.items():
        at.query_params[key] = value
    at.run()
    events = load_dataset().events
    if shown is None:
        expected = len(events)
    else:
        years = tuple(int(y) for y in query.get("years", "0-9999").split("-"))
        expected = sum(1 for e in events if e.kind == shown and years[0] <= e.year <= years[1])
    assert at.markdown[0].value.startswith(f"**{expected}** of {len(events)} events shown")


def test_changing_a_filter_writes_the_url():
    at = app("pages/1_Map.py").run()
    at.sidebar.multiselect(key="w_kinds").select("naval_patrol").run()
    assert at.query_params["kinds"] in ("naval_patrol", ["naval_patrol"])


def test_events_page_opens_the_card_named_in_the_url():
    at = app("pages/3_Events.py")
    at.query_params["event"] = "air-2023-12-14"
    at.run()
    assert not at.exception
    assert any("Seventh" in s.value for s in at.subheader), [s.value for s in at.subheader]


def test_bad_url_values_are_reported_not_trusted():
    at = app("pages/1_Map.py")
    at.query_params["years"] = "<script>"
    at.run()
    assert not at.exception
    assert any("Ignored years" in w.value for w in at.sidebar.warning)


@pytest.mark.parametrize(
    "page, labels",
    [
        ("pages/1_Map.py", ["Map PNG", "Map SVG", "Interactive map (HTML)", "Events CSV", "Events GeoJSON"]),
        ("pages/2_Timeline.py", ["PNG", "SVG", "Map PNG", "Events CSV"]),
    ],
)
def test_pages_offer_exports(page, labels):
    at = app(page).run()
    assert not at.exception
    offered = {b.proto.label for b in at.get("download_button")}
    assert set(labels) <= offered, offered


def test_report_bundle_is_built_with_progress():
    at = app("pages/1_Map.py")
    at.query_params["kinds"] = "air_patrol"
    at.query_params["years"] = "2019-2020"
    at.run()
    at.button(key="bundle").click().run(timeout=120)
    assert not at.exception
    assert not at.error, [e.value for e in at.error]
    assert at.session_state["bundle_zip"][1][:2] == b"PK"
    assert any(b.proto.label == "Download report bundle (ZIP)" for b in at.get("download_button"))


@pytest.mark.parametrize(
    "name, center, message",
    [
        ("Miyako Strait", [25.3, 126.0], None),
        ("korea strait", [34.3, 129.4], None),  # an alias, any case
        ("Atlantis", None, "online geocoding is off"),  # offline by default: nothing is looked up online
    ],
)
def test_go_to_a_place_uses_the_offline_gazetteer(name, center, message):
    at = app("pages/1_Map.py").run()
    at.sidebar.text_input(key="w_place").input(name).run()
    assert not at.exception
    args = json.loads(at.get("component_instance")[0].proto.json_args)
    assert args["center"] == center
    if message:
        assert any(message in w.value for w in at.sidebar.warning), [w.value for w in at.sidebar.warning]
