"""The RFC 7946 export of the layer model: valid, split at 180 degrees by antimeridian."""

import json

import export_cases as cases
import pytest

from patrolmap import export, render_geojson
from patrolmap.layers import Feature

dataset = pytest.fixture(scope="module")(cases.dataset)

# ------------------------------------------------------------------ GeoJSON


def coordinates(geometry):
    depth = {"Point": 0, "LineString": 1, "MultiLineString": 2, "Polygon": 2, "MultiPolygon": 3}[geometry["type"]]
    coords = [geometry["coordinates"]]
    for _ in range(depth):
        coords = [c for part in coords for c in part]
    return coords


def test_geojson_valid(dataset):
    fc = json.loads(export.events_geojson(dataset.events, dataset.places))
    assert fc["type"] == "FeatureCollection"
    assert {f["properties"]["layer"] for f in fc["features"]} == {"route", "area", "incident"}
    for feature in fc["features"]:
        assert feature["type"] == "Feature"
        geometry = feature["geometry"]
        for lon, lat in coordinates(geometry):
            assert -180 <= lon <= 180 and -90 <= lat <= 90
        if geometry["type"] in ("Polygon", "MultiPolygon"):
            rings = [geometry["coordinates"]] if geometry["type"] == "Polygon" else geometry["coordinates"]
            for ring in (r for poly in rings for r in poly):
                assert ring[0] == ring[-1] and len(ring) >= 4
        props = feature["properties"]
        assert props["event_id"] and props["kind"] and props["participants"]
        assert all(set(s) >= {"producer", "title", "url"} for s in props["sources"])
    routes = {f["properties"]["event_id"]: f for f in fc["features"] if f["properties"]["layer"] == "route"}
    assert len(routes) == sum(1 for e in dataset.events if e.route)
    # the 2022 naval patrol sailed into the Bering Sea and back: split at 180 degrees
    assert routes["naval-2022-09-15"]["geometry"]["type"] == "MultiLineString"


@pytest.mark.parametrize(
    "line, parts",
    [
        ([[130, 40], [140, 45]], [[[130, 40], [140, 45]]]),
        ([[170, 50], [190, 60]], [[[170, 50], [180, 55]], [[-180, 55], [-170, 60]]]),
        ([[190, 50], [200, 52]], [[[-170, 50], [-160, 52]]]),  # wholly east of 180: shifted, not split
        ([[190, 60], [170, 50]], [[[-170, 60], [-180, 55]], [[180, 55], [170, 50]]]),  # westwards
    ],
)
def test_split_line(line, parts):
    route = Feature("route", "route:x", "LineString", tuple(tuple(p) for p in line), 0)
    geometry = render_geojson.rfc7946_geometry(route)
    got = [geometry["coordinates"]] if geometry["type"] == "LineString" else geometry["coordinates"]
    assert got == parts


@pytest.mark.parametrize(
    "ring, n_parts",
    [
        (((130, 40), (140, 40), (140, 45), (130, 45), (130, 40)), 1),
        (((175, 50), (185, 50), (185, 55), (175, 55), (175, 50)), 2),  # across 180: split in two
        (((190, 50), (200, 50), (200, 55), (190, 55), (190, 50)), 1),  # wholly east of 180: shifted
    ],
)
def test_polygon_split_at_180(ring, n_parts):
    area = Feature("area", "area:x", "Polygon", ring, 0)
    geometry = render_geojson.rfc7946_geometry(area)
    polygons = [geometry["coordinates"]] if geometry["type"] == "Polygon" else geometry["coordinates"]
    assert len(polygons) == n_parts
    for polygon in polygons:
        exterior = polygon[0]
        assert exterior[0] == exterior[-1] and all(-180 <= x <= 180 for x, _ in exterior)
        # RFC 7946: exterior rings counterclockwise (positive shoelace area)
        assert sum(x0 * y1 - x1 * y0 for (x0, y0), (x1, y1) in zip(exterior, exterior[1:], strict=False)) > 0
