"""The layer model: what the map shows, once, and every output drawing the same thing from it."""

import dataclasses
import json
import re
from datetime import date

import pytest

from conftest import PLACES, VALID_EVENT
from patrolmap import layers, maps, render_geojson, render_html, render_live, render_snapshot, style
from patrolmap.gazetteer import route_coords, route_length_km
from patrolmap.load import load_dataset, parse_event
from patrolmap.schema import Place, Route
from patrolmap.synthetic import synthetic_events


@pytest.fixture(scope="module")
def dataset():
    return load_dataset()


def event(**changes):
    base = parse_event(json.loads(json.dumps(VALID_EVENT)), "f", 0, PLACES, [])
    return dataclasses.replace(base, **changes)


def joined(strings, line):
    """A line as patrolmap.js reads it: a string's index, or the indexes of its parts, joined."""
    return "".join(strings[i] for i in line) if isinstance(line, list) else strings[line]


def decoded_prop(strings, key, value):
    """(name, value) of one prop as patrolmap.js reads it: a key written ~key has a text value."""
    return (strings[~key], strings[value]) if key < 0 else (strings[key], value)


def live_rows(model):
    """Every drawn feature as the browser gets it: (layer, props, geometry, coords, style, text, notes, label)."""
    out = []
    s = None
    for group in render_live.live_layers(model):
        for child in group._children.values():
            if isinstance(child, render_live.RowsLayer):
                data = json.loads(child.payload)
                # the map's first layer carries the string table the layers after it use
                assert ("strings" in data) == (s is None)
                s = data.get("strings", s)
                for r, coords in zip(data["rows"], data["coords"], strict=True):
                    r = [*r[:3], coords, *r[3:]]  # as patrolmap.js's feature() puts the column in place
                    out.append(
                        (
                            s[r[0]],
                            dict(decoded_prop(s, k, v) for k, v in zip(r[1][::2], r[1][1::2], strict=True)),
                            r[2],
                            r[3],
                            data["styles"][r[4]],
                            [joined(s, i) for i in r[5]],
                            [joined(s, i) for i in r[6]],
                            joined(s, r[7]),
                        )
                    )
    return out


@pytest.mark.parametrize("synthetic", [0, 1_500], ids=["real events, every one drawn", "aggregated legs and hotspots"])
def test_every_output_draws_the_same_model(dataset, synthetic):
    events = synthetic_events(synthetic, dataset.places) if synthetic else dataset.events
    model = layers.build_model(events, dataset.places, max_routes=None if not synthetic else layers.MAX_ROUTES)
    assert model.aggregated == bool(synthetic)
    features = list(model.features())
    # live map: the same ids, geometry, styles and text, in the same order
    rows = live_rows(model)
    assert len(rows) == len(features)
    for f, (layer, props, geometry, coords, st, text, notes, label) in zip(features, rows, strict=True):
        assert layer == f.layer and props.get("event_id") == f.props.get("event_id")
        assert props.get("area_id") == f.props.get("area_id")
        expected = list(f.coords) if f.geometry == "Point" else [list(c) for c in f.coords]
        assert coords == expected and geometry == ["Point", "LineString", "Polygon"].index(f.geometry)
        assert st == model.style_of(f) and text == list(f.text) and notes == list(f.notes) and label == f.label
    # HTML export: the very rows of the live map, inlined
    html = render_html.model_map(model).get_root().render()
    for group in render_live.live_layers(model):
        for child in group._children.values():
            if isinstance(child, render_live.RowsLayer):
                assert child.payload in html
    if model.aggregated:
        return  # the GeoJSON and the snapshot draw every route on its own (export_model): no legs there
    # GeoJSON export: ids, geometry (RFC 7946 longitudes), style and text of each route
    fc = render_geojson.model_geojson(model, events, dataset.places)
    routes = {g["properties"]["event_id"]: g for g in fc["features"] if g["properties"]["layer"] == "route"}
    assert set(routes) == {f.props["event_id"] for f in model.routes}
    for f in model.routes:
        got = routes[f.props["event_id"]]
        st = model.style_of(f)
        assert got["properties"]["stroke"] == st["color"] and got["properties"]["stroke-opacity"] == st["opacity"]
        assert got["properties"]["title"] == f.text[0]
        parts = (
            got["geometry"]["coordinates"]
            if got["geometry"]["type"] == "MultiLineString"
            else [got["geometry"]["coordinates"]]
        )
        flat = [tuple(p) for part in parts for p in part]
        for lon, lat in f.coords:  # every vertex of the drawn line is in the export, wrapped to -180..180
            assert (render_geojson.wrap_lon(lon), round(lat, 6)) in flat
    # PNG/SVG snapshot: the routes and incidents by their model ids, the legend of the same model
    view = layers.fitted_view(model.bounds())
    svg = render_snapshot.render_model(model, view, None, "svg").decode()
    for f in [*model.routes, *model.incidents]:
        assert f'id="{f.fid}"' in svg, f.fid
    # Every entry of the live legend, in the still image's words; badges that the live map shows
    # only zoomed in are not in a still image, and neither is their entry.
    still = {e.key: e.label for e in render_snapshot._legend_entries(model, None)}
    for entry in style.legend_entries(model.legend_keys()):
        badges = [f for f in model.badges if f.layer == entry.key]
        if entry.key in ("badge", "badge_count") and not any(render_snapshot.in_still(model, f) for f in badges):
            assert entry.key not in still and entry.label not in svg
            continue
        assert still[entry.key] in svg


@pytest.mark.parametrize(
    "n, aggregated",
    [
        (200, False),
        (layers.MAX_ROUTES, False),  # at the limit single routes are still drawn
        (layers.MAX_ROUTES + 1, True),
        (5000, True),
    ],
)
def test_aggregates_beyond_the_readable_limit(dataset, n, aggregated):
    events = synthetic_events(n, dataset.places, seed=1)
    routes = render_live.drawn_features(maps.build_layers(events, dataset.places))[1]
    if aggregated:
        # one line per pair of gazetteer places, whatever n is
        assert len(routes) < len(dataset.places) ** 2 / 2 and len(routes) < n
        assert {f.layer for f in routes} == {"leg"}
    else:
        assert len(routes) == n


def test_lean_layers_draw_what_the_geojson_builders_describe(dataset):
    drawn = render_live.drawn_features(maps.build_layers(dataset.events, dataset.places))
    areas, routes, incidents = drawn[:3]
    assert len([f for f in areas if f.layer == "area"]) == len(
        maps.areas_geojson(dataset.events, dataset.places)["features"]
    )
    assert sorted(f.props["event_id"] for f in routes) == sorted(
        f["properties"]["event_id"] for f in maps.routes_geojson(dataset.events, dataset.places)["features"]
    )
    assert len(incidents) == len(maps.incidents_geojson(dataset.events, dataset.places)["features"])


def test_row_script_cannot_close_the_script_tag(dataset):
    routed = next(e for e in dataset.events if e.route)  # its name is drawn, in the route's tooltip
    hostile = dataclasses.replace(routed, name="</script><script>alert(1)</script>")
    fmap = maps.base_map(embed_land=False)
    for layer in maps.build_layers([hostile], dataset.places):
        layer.add_to(fmap)
    html = fmap.get_root().render()
    assert "alert(1)" in html  # the name is there, as data
    assert "</script><script>alert(1)" not in html


def test_synthetic_events_are_deterministic(dataset):
    first = synthetic_events(50, dataset.places, seed=3)
    again = synthetic_events(50, dataset.places, seed=3)
    assert [e.id for e in first] == [e.id for e in again]
    assert len({e.id for e in first}) == 50


def test_an_event_with_only_strait_areas_and_no_route_is_drawn():
    strait_only = event(route=None, areas=("tsushima-strait", "miyako-strait"), incidents=())
    model = layers.build_model([strait_only], PLACES)
    points = [f for f in model.areas if f.layer == "point_area"]
    assert [f.props["area_id"] for f in points] == ["tsushima-strait", "miyako-strait"]
    assert all(f.props["event_id"] == strait_only.id for f in points)  # a click opens its card
    assert "point_area" in model.legend_keys()
    fc = render_geojson.events_geojson_dict([strait_only], PLACES)
    assert [g["geometry"]["type"] for g in fc["features"]] == ["Point", "Point"]


@pytest.mark.parametrize("end", [date(9999, 12, 30), date(9999, 12, 31), date(2024, 1, 1)])
def test_playback_to_the_end_of_the_calendar(end):
    late = event(date_end=end)
    timeline, slider = maps.playback_layers([late], PLACES)
    assert slider.options["end"] > slider.options["start"]


def test_a_huge_route_is_measured_once_and_simplified_for_the_browser():
    n = 20_000
    places = dict(PLACES)
    for i in range(n):
        places[f"up-{i}"] = Place(f"up-{i}", f"p{i}", "point", 30 + (i % 200) * 0.05, 125 + i * 0.001, file="upload")
    waypoints = tuple(f"up-{i}" for i in range(n))
    huge = event(route=Route(waypoints, "text", "s1"))
    model = layers.build_model([huge], places)
    (route,) = model.routes
    assert len(route.coords) <= layers.MAX_DRAWN_POINTS
    assert route.props["length_km"] == round(route_length_km(route_coords(places, waypoints)), 1)
    again = layers.build_model([huge], places)
    assert again.routes[0].coords is route.coords  # the cached geometry, not computed again
    moved = {**places, "up-5": dataclasses.replace(places["up-5"], lat=10.0)}
    assert layers.build_model([huge], moved).routes[0].props["length_km"] != route.props["length_km"]


def test_badges_say_what_each_side_sent(dataset):
    second = [e for e in dataset.events if e.id == "air-2020-12-22"]
    (badge,) = layers.build_model(second, dataset.places).badges
    assert "RUS" in badge.label and "2× Tu-95MS" in badge.label and "CHN" in badge.label and "4× H-6K" in badge.label


@pytest.mark.parametrize("count, shown", [(None, "?× "), (3, "3× ")])
def test_badge_counts_unknown_as_question_mark(count, shown):
    asset = dataclasses.replace(event().assets[0], count=count)
    assert shown in style.badge_text(event(assets=(asset,)))


def test_many_events_give_badges_way_to_counts(dataset):
    model = layers.build_model(dataset.events, dataset.places)
    kinds = {f.layer for f in model.badges}
    assert kinds == {"badge", "badge_count"}
    assert all(model.style_of(f).get("min_zoom", 0) > 0 for f in model.badges if f.layer == "badge")


@pytest.mark.parametrize(
    "selected, other_from, counts_until",
    [
        ("", *layers.BADGE_ZOOM),
        # One event open among all: the map opens on it at zoom <= 6, where only its badge shows.
        ("air-2019-07-23", *layers.BADGE_ZOOM_SELECTED),
    ],
)
def test_badges_come_back_on_zoom_in_later_when_one_event_is_open(dataset, selected, other_from, counts_until):
    model = layers.build_model(dataset.events, dataset.places, selected=selected)
    badges = {f.props["event_id"]: model.style_of(f) for f in model.badges if f.layer == "badge"}
    counts = [model.style_of(f) for f in model.badges if f.layer == "badge_count"]
    assert {s["min_zoom"] for i, s in badges.items() if i != selected} == {other_from}
    assert {s["max_zoom"] for s in counts} == {counts_until}
    assert counts_until < other_from  # at every zoom either the badge or its place's count shows
    if selected:
        assert badges[selected]["min_zoom"] == 0 and selected in badges


def test_place_names_cover_seas_straits_islands_countries(dataset):
    labels = layers.build_model([], dataset.places).labels
    kinds = {f.props["kind"] for f in labels}
    assert kinds == {"sea", "strait", "island", "country"}
    names = {f.label for f in labels}
    assert {"Sea of Japan", "Tsushima Strait", "Japan", "China"} <= names
    assert all(not re.search(r"^upload", f.fid.split(":", 1)[1]) for f in labels)


def test_legend_lists_only_what_is_drawn():
    model = layers.build_model([event(incidents=())], PLACES)
    labels = [e.label for e in style.legend_entries(model.legend_keys())]
    assert "Air patrol" in labels and "Exercise" not in labels
    assert not any(label in labels for label in style.INCIDENT_SHORT.values())
