"""The live map's layers: the same features as the GeoJSON builders while readable, aggregates beyond."""

import pytest

from patrolmap import maps, scale
from patrolmap.load import load_dataset
from patrolmap.synthetic import synthetic_events


@pytest.fixture(scope="module")
def dataset():
    return load_dataset()


def drawn_ids(layers, key="event_id"):
    collections = scale.drawn_geojson(layers)
    return [sorted(f["properties"].get(key, "") for f in c["features"]) for c in collections]


def test_lean_layers_draw_what_the_geojson_builders_describe(dataset):
    layers = maps.build_layers(dataset.events, dataset.places)
    areas, routes, incidents = scale.drawn_geojson(layers)
    assert len(areas["features"]) == len(maps.areas_geojson(dataset.events, dataset.places)["features"])
    assert sorted(f["properties"]["event_id"] for f in routes["features"]) == sorted(
        f["properties"]["event_id"] for f in maps.routes_geojson(dataset.events, dataset.places)["features"]
    )
    assert len(incidents["features"]) == len(maps.incidents_geojson(dataset.events, dataset.places)["features"])


def test_row_script_cannot_close_the_script_tag(dataset):
    import dataclasses

    routed = next(e for e in dataset.events if e.route)  # its name is drawn, in the route's tooltip
    hostile = dataclasses.replace(routed, name="</script><script>alert(1)</script>")
    layers = maps.build_layers([hostile], dataset.places)
    fmap = maps.base_map(embed_land=False)
    for layer in layers:
        layer.add_to(fmap)
    html = fmap.get_root().render()
    assert "alert(1)" in html  # the name is there, as data
    assert "</script><script>alert(1)" not in html


@pytest.mark.parametrize(
    "n, aggregated",
    [
        (200, False),
        (scale.MAX_ROUTES, False),  # at the limit single routes are still drawn
        (scale.MAX_ROUTES + 1, True),
        (5000, True),
    ],
)
def test_aggregates_beyond_the_readable_limit(dataset, n, aggregated):
    events = synthetic_events(n, dataset.places, seed=1)
    layers = maps.build_layers(events, dataset.places)
    routes = scale.drawn_geojson(layers)[1]["features"]
    if aggregated:
        # one line per pair of gazetteer places, whatever n is
        assert len(routes) < len(dataset.places) ** 2 / 2 and len(routes) < n
    else:
        assert len(routes) == n


def test_synthetic_events_are_deterministic(dataset):
    first = synthetic_events(50, dataset.places, seed=3)
    again = synthetic_events(50, dataset.places, seed=3)
    assert [e.id for e in first] == [e.id for e in again]
    assert len({e.id for e in first}) == 50
