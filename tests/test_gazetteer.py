import pytest

from conftest import PLACES
from patrolmap.gazetteer import (
    display_lon,
    find_place,
    line_length_km,
    route_coords,
    route_length_km,
    straits_on_route,
    unwrap_lons,
)


@pytest.mark.parametrize(
    "name, expected",
    [
        ("sea-of-japan", "sea-of-japan"),
        ("Sea of Japan", "sea-of-japan"),
        ("east sea", "sea-of-japan"),  # alias, case-insensitive
        ("Korea Strait", "tsushima-strait"),
        ("  Miyako Strait ", "miyako-strait"),
        ("Atlantis", None),
    ],
)
def test_find_place(name, expected):
    place = find_place(PLACES, name)
    assert (place.id if place else None) == expected


@pytest.mark.parametrize(
    "lons, expected",
    [
        ([130, 140, 150], [130, 140, 150]),
        ([160, -175], [160, 185]),  # Kamchatka -> Aleutians goes east over 180
        ([-175, 160], [-175, -200]),  # and back west
        ([170, -170, 170], [170, 190, 170]),
        ([58, 60], [58, 60]),
    ],
)
def test_unwrap_lons(lons, expected):
    assert unwrap_lons(lons) == expected


@pytest.mark.parametrize("waypoints", [["kamchatka", "aleutians"], ["aleutians", "kamchatka"]])
def test_route_across_180_is_short(waypoints):
    coords = route_coords(PLACES, waypoints)
    assert abs(coords[1][1] - coords[0][1]) < 180
    assert all(lon >= 0 for _, lon in coords)  # Pacific-centred, like the basemap
    # ~1,700 km, not the 38,000 km of the way round the world
    assert 1500 < route_length_km(coords) < 1900


@pytest.mark.parametrize("lon, expected", [(140.0, 140.0), (-170.0, 190.0), (0.0, 0.0), (58.5, 58.5)])
def test_display_lon(lon, expected):
    assert display_lon(lon) == expected


@pytest.mark.parametrize(
    "waypoints, km_low, km_high",
    [
        # Tsushima Strait (34.3N 129.4E) to Miyako Strait (25.3N 126.0E): about 1,050 km
        (["tsushima-strait", "miyako-strait"], 950, 1150),
        (["tsushima-strait", "tsushima-strait"], 0, 0.001),
    ],
)
def test_route_length_geodesic(waypoints, km_low, km_high):
    assert km_low <= route_length_km(route_coords(PLACES, waypoints)) <= km_high


def test_straits_on_route():
    assert straits_on_route(PLACES, ["sea-of-japan", "tsushima-strait", "east-china-sea", "miyako-strait"]) == [
        "Tsushima Strait",
        "Miyako Strait",
    ]


@pytest.mark.parametrize(
    "coords",
    [
        [(34.3, 129.4), (25.3, 126.0)],
        [(64.0, 178.0), (65.0, 190.0), (60.0, 200.0)],  # across 180 degrees, unwrapped
        [(10.0, 0.0), (-10.0, 0.5), (0.0, 170.0), (1.0, -170.0)],
        [(35.0, 135.0)] * 3,
    ],
)
def test_one_line_measured_in_c_agrees_with_geopy(coords):
    """An uploaded line's full length (pyproj) and the drawn routes' lengths (geopy) are the same figure."""
    lats, lons = zip(*coords, strict=True)
    assert line_length_km(lats, lons) == pytest.approx(route_length_km(coords), abs=1e-6)
