"""Place ids -> coordinates, polygons and distances; offline.

Coordinates come from data/places. Distances are geodesic on WGS84 (Karney's algorithm, pyproj's
Geod: the same figures as geopy's geodesic, computed in C for a whole path at once). geopy's
online geocoders are used only through `geocode_online`, which the user must turn on (see
patrolmap/geocode.py).
"""

from __future__ import annotations

import threading

from pyproj import Geod

from patrolmap.schema import Place

WGS84 = Geod(ellps="WGS84")

# Route lengths are kept per path: a route is measured once, not on every rerun (an uploaded
# route can have ~200,000 points). Bounded so that a session of uploads cannot grow it forever.
ROUTE_LENGTH_CACHE_SIZE = 20_000
_route_lengths: dict[tuple, float] = {}
_route_lengths_lock = threading.Lock()


def find_place(places: dict[str, Place], name: str) -> Place | None:
    """A place by id, name or alias, case-insensitive; None when the gazetteer has none."""
    key = name.strip().casefold()
    if key in places:
        return places[key]
    for place in places.values():
        if key == place.name.casefold() or key in (a.casefold() for a in place.aliases):
            return place
    return None


def unwrap_lons(lons: list[float]) -> list[float]:
    """Shift longitudes by 360 so that no step is longer than 180 degrees.

    A route from Kamchatka (160E) to the Aleutians (-170) then runs east across
    the 180th meridian (to 190) instead of west round the world.
    """
    out: list[float] = []
    for lon in lons:
        if out:
            while lon - out[-1] > 180:
                lon -= 360
            while lon - out[-1] < -180:
                lon += 360
        out.append(lon)
    return out


def display_lon(lon: float) -> float:
    """Longitude on the app's Pacific-centred map: west of 0 (Alaska, the eastern Aleutians)
    moves east by 360, as the basemap's land does."""
    return lon + 360 if lon < 0 else lon


def route_coords(places: dict[str, Place], waypoint_ids: tuple[str, ...] | list[str]) -> list[tuple[float, float]]:
    """(lat, lon) per waypoint, longitudes unwrapped so the line draws the short way."""
    points = [places[p] for p in waypoint_ids]
    lons = unwrap_lons([display_lon(p.lon) for p in points])
    return [(p.lat, lon) for p, lon in zip(points, lons, strict=True)]


def polygon_coords(place: Place) -> list[tuple[float, float]]:
    """(lon, lat) ring of an approximate area polygon, unwrapped across 180 degrees."""
    lons = unwrap_lons([display_lon(lon) for lon, _ in place.polygon])
    return [(lon, lat) for lon, (_, lat) in zip(lons, place.polygon, strict=True)]


def line_length_km(lats, lons) -> float:
    """Geodesic length (WGS84) of a path given as latitudes and longitudes, not cached: for a
    line measured once (an uploaded line of ~200,000 points before it is simplified)."""
    return WGS84.line_length(lons, lats) / 1000 if len(lats) > 1 else 0.0


def route_length_km(coords) -> float:
    """Geodesic length (WGS84) of a (lat, lon) path, summed leg by leg: the one distance
    function of the app (map, card, CSV, GeoJSON). Each path is measured once."""
    key = tuple(coords)
    length = _route_lengths.get(key)
    if length is None:
        length = line_length_km([lat for lat, _ in key], [lon for _, lon in key])
        with _route_lengths_lock:
            if len(_route_lengths) >= ROUTE_LENGTH_CACHE_SIZE:
                _route_lengths.clear()
            _route_lengths[key] = length
    return length


def straits_on_route(places: dict[str, Place], waypoint_ids: tuple[str, ...] | list[str]) -> list[str]:
    """Names of the straits a route passes through, in order."""
    return [places[p].name for p in waypoint_ids if places[p].kind == "strait"]
