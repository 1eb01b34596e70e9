"""The map as text: layers, ids, styles, escaping, the 180th meridian."""

import dataclasses
import json

import pytest

from conftest import PLACES, VALID_EVENT
from patrolmap import layers, maps, render_geojson, render_html, style
from patrolmap.assets import MOMENT_JS, STATIC_URL, TIMELINE_JS, resource_links
from patrolmap.load import load_dataset, parse_event
from patrolmap.render_live import RowsLayer

dataset = pytest.fixture(scope="module")(load_dataset)
# The valid fixture event of conftest, parsed once; each test changes what it needs.
BASE_EVENT = parse_event(json.loads(json.dumps(VALID_EVENT)), "f", 0, PLACES, [])


def event(**changes):
    return dataclasses.replace(BASE_EVENT, **changes)


def test_full_map_has_every_layer(dataset):
    html = maps.build_map(dataset.events, dataset.places).get_root().render()
    for name in ("Patrol areas (approximate)", "Routes", "Incidents", "patrol-legend", "createPane('land')"):
        assert name in html
    routes = maps.routes_geojson(dataset.events, dataset.places)
    for feature in routes["features"]:
        assert feature["properties"]["event_id"] in html
    assert "https://" not in html.split("<body>")[0]  # no CDN script or stylesheet


def test_no_route_spans_more_than_180_degrees(dataset):
    for feature in maps.routes_geojson(dataset.events, dataset.places)["features"]:
        lons = [lon for lon, _ in feature["geometry"]["coordinates"]]
        assert max(lons) - min(lons) < 180, feature["properties"]["event_id"]


def test_alaska_route_stays_in_the_pacific(dataset):
    alaska = [e for e in dataset.events if e.id == "air-2024-07-24"]
    (feature,) = maps.routes_geojson(alaska, dataset.places)["features"]
    lons = [lon for lon, _ in feature["geometry"]["coordinates"]]
    assert min(lons) > 100 and max(lons) > 180  # east of 180 drawn as 180+, not -180


@pytest.mark.parametrize(
    "participants, origin, color",
    [
        (("RUS", "CHN"), "curated", maps.PARTICIPANT_COLORS["CHN+RUS"]),
        (("CHN", "RUS", "IRN"), "curated", maps.PARTICIPANT_COLORS["CHN+IRN+RUS"]),
        (("RUS", "IRN"), "curated", maps.OTHER_COLOR),
        (("RUS", "CHN"), "upload", maps.UPLOAD_COLOR),
    ],
)
def test_route_colour_says_who(participants, origin, color):
    assert maps.route_color(event(participants=participants, origin=origin)) == color


def test_selected_route_is_heavier():
    assert maps.route_style(event(), selected=True)["weight"] == 2 * maps.route_style(event())["weight"]


@pytest.mark.parametrize("kind, dash", [("air_patrol", None), ("naval_patrol", "10 6"), ("exercise", "2 6")])
def test_route_dash_says_what_kind(kind, dash):
    assert maps.route_style(event(kind=kind)).get("dashArray") == dash


def test_area_shading_follows_the_count():
    one = event()
    two = event(id="air-2019-07-24")
    only_japan = event(id="air-2019-07-25", areas=("sea-of-japan",))
    areas = maps.areas_geojson([one, two, only_japan], PLACES)["features"]
    by_id = {f["properties"]["area_id"]: f["properties"] for f in areas}
    assert by_id["sea-of-japan"]["count"] == 3 and by_id["east-china-sea"]["count"] == 2
    assert by_id["sea-of-japan"]["style"]["fillOpacity"] > by_id["east-china-sea"]["style"]["fillOpacity"]
    assert "3 events in the filter" in by_id["sea-of-japan"]["tooltip"]


@pytest.mark.parametrize(
    "field, value",
    [
        ("name", "<script>alert(1)</script>"),
        ("name", '"><img src=x onerror=alert(1)>'),
        ("participants", ("RUS", "CHN")),
    ],
)
def test_tooltips_are_escaped(field, value):
    feature = maps.routes_geojson([event(**{field: value})], PLACES)["features"][0]
    tooltip = feature["properties"]["tooltip"]
    assert "<script" not in tooltip and "<img" not in tooltip
    if field == "name":
        assert "&lt;" in tooltip


def test_incidents_at_one_place_are_fanned_out():
    e = event()
    incident = e.incidents[0]
    crowded = dataclasses.replace(e, incidents=(incident, incident, incident))
    points = [f["geometry"]["coordinates"] for f in maps.incidents_geojson([crowded], PLACES)["features"]]
    assert len({tuple(p) for p in points}) == 3


def test_online_tiles_only_when_chosen():
    offline = maps.base_map().get_root().render()
    assert "tile.openstreetmap.org" not in offline
    online = maps.base_map("OpenStreetMap").get_root().render()
    assert "tile.openstreetmap.org" in online and "OpenStreetMap\\u003c/a\\u003e contributors" in online


@pytest.mark.parametrize("playback", [False, True])
def test_live_map_loads_no_jquery(dataset, playback):
    """folium links jQuery for its popups; the live map has none, so it neither links jQuery nor
    calls it (a popup added later would fail this test before it failed in the browser)."""
    fmap, layers, _ = maps.live_map(dataset.events, dataset.places, playback=playback)
    for layer in layers:
        layer.add_to(fmap)
    html = fmap.get_root().render()
    assert "jquery" not in html.lower()
    for call in ("$(", "$.", "jQuery"):
        assert call not in html, call


@pytest.mark.parametrize(
    "playback, scripts",
    [
        (False, ["/app/static/js/map.bundle.js"]),
        # the time slider's plugin and moment come after the bundle, which holds Leaflet
        (True, ["/app/static/js/map.bundle.js", f"{STATIC_URL}/{TIMELINE_JS}", f"{STATIC_URL}/{MOMENT_JS}"]),
    ],
)
def test_live_map_loads_its_scripts_in_one_file(dataset, playback, scripts):
    """streamlit-folium loads a frame's scripts one after another: Leaflet, its two plugins and
    patrolmap.js come in one file, in the order they run."""
    fmap, layers, _ = maps.live_map(dataset.events, dataset.places, playback=playback)
    for layer in layers:
        layer.add_to(fmap)
    html = fmap.get_root().render()
    assert [url for tag, url in resource_links(html) if tag == "script"] == scripts


def test_only_the_apps_map_says_a_click_opens_the_card(dataset):
    """The exports have no event card: their routes' tooltips do not send the reader to one."""
    model = layers.build_model(dataset.events, dataset.places)
    app = [json.loads(child.options_json) for child in drawn_rows(maps.build_layers(dataset.events, dataset.places))]
    assert [o.get("hint") for o in app if o["kind"] == "routes"] == [style.CARD_HINT]
    assert style.CARD_HINT not in render_html.model_map(model).get_root().render()
    assert style.CARD_HINT not in json.dumps(render_geojson.model_geojson(model, dataset.events, dataset.places))
    assert all(style.CARD_HINT not in f.notes for f in model.features())


@pytest.mark.parametrize("playback", [False, True])
@pytest.mark.parametrize("open_fitted", [False, True])
def test_a_map_told_to_open_fitted_says_so_in_every_layer_it_draws(dataset, playback, open_fitted):
    """The frame reads the flag from whichever layer it draws first (in playback only names and
    badges are layers of their own); without it, the frame keeps its opening view."""
    _, groups, _ = maps.live_map(dataset.events, dataset.places, playback=playback, open_fitted=open_fitted)
    options = [json.loads(child.options_json) for child in drawn_rows(groups)]
    assert options and [o.get("open_fit", False) for o in options] == [open_fitted] * len(options)


def drawn_rows(groups):
    return [child for group in groups for child in group._children.values() if isinstance(child, RowsLayer)]
