"""Geocoding: gazetteer first, online only when asked, rate limited, cached, failures fall back."""

import json
import time
from types import SimpleNamespace

import pytest
from geopy.exc import GeocoderServiceError, GeocoderTimedOut

from conftest import PLACES
from patrolmap.geocode import USER_AGENT, Located, OnlineGeocoder, locate


class FakeBackend:
    """A geopy-style geocoder that never touches the network and records each call."""

    def __init__(self, answers=None, error=None):
        self.answers = answers or {}
        self.error = error
        self.calls: list[tuple[str, float]] = []

    def geocode(self, query, exactly_one=True, timeout=None):
        self.calls.append((query, time.monotonic()))
        if self.error:
            raise self.error
        found = self.answers.get(query)
        if found is None:
            return None
        return SimpleNamespace(latitude=found[0], longitude=found[1], address=found[2])


class NetworkForbidden:
    def geocode(self, *args, **kwargs):
        raise AssertionError("the network must not be called")


@pytest.fixture
def cache(tmp_path):
    return tmp_path / "geocode.json"


def test_gazetteer_first_never_online(cache):
    geocoder = OnlineGeocoder(cache_path=cache, backend=NetworkForbidden())
    found = locate("Korea Strait", PLACES, online=True, geocoder=geocoder)  # an alias
    assert found == Located(PLACES["tsushima-strait"], "gazetteer", "")


@pytest.mark.parametrize("name", ["Vladivostok", "", "   ", "x" * 500])
def test_default_never_calls_the_network(cache, name):
    geocoder = OnlineGeocoder(cache_path=cache, backend=NetworkForbidden())
    found = locate(name, PLACES, online=False, geocoder=geocoder)
    assert found.place is None and found.source == "none" and found.message
    assert not cache.exists()


def test_default_without_geocoder_builds_nothing(monkeypatch):
    import patrolmap.geocode as geocode

    monkeypatch.setattr(geocode, "default_geocoder", lambda: pytest.fail("no geocoder when offline"))
    assert locate("Vladivostok", PLACES).source == "none"


def test_online_then_cache(cache):
    backend = FakeBackend({"Vladivostok": (43.1, 131.9, "Vladivostok, Primorsky Krai, Russia")})
    geocoder = OnlineGeocoder(cache_path=cache, backend=backend, min_delay_seconds=0)
    first = locate("Vladivostok", PLACES, online=True, geocoder=geocoder)
    assert first.source == "online"
    assert (first.place.lat, first.place.lon) == (43.1, 131.9)
    assert first.place.id == "geocoded-vladivostok" and "not curated" in first.place.note
    second = locate("  vladivostok ", PLACES, online=True, geocoder=geocoder)
    assert second.source == "cache" and second.place == first.place
    assert len(backend.calls) == 1
    # The cache is on disk: a new geocoder (a new server process) reads it without asking.
    stored = json.loads(cache.read_text())
    assert stored["vladivostok"]["display_name"].startswith("Vladivostok")
    fresh = OnlineGeocoder(cache_path=cache, backend=NetworkForbidden())
    assert locate("Vladivostok", PLACES, online=True, geocoder=fresh).source == "cache"


def test_unknown_name_is_cached_too(cache):
    backend = FakeBackend()
    geocoder = OnlineGeocoder(cache_path=cache, backend=backend, min_delay_seconds=0)
    assert locate("Nowhereland", PLACES, online=True, geocoder=geocoder).place is None
    again = locate("Nowhereland", PLACES, online=True, geocoder=geocoder)
    assert again.place is None and again.source == "cache"
    assert len(backend.calls) == 1


def test_rate_limit_with_fake_clock(cache):
    """Three requests in a row: the limiter asks to sleep so they are >= 1 s apart."""
    now = [100.0]
    slept: list[float] = []

    def sleep(seconds):
        slept.append(seconds)
        now[0] += seconds

    backend = FakeBackend({n: (1.0, 2.0, n) for n in ("a-place", "b-place", "c-place")})
    geocoder = OnlineGeocoder(cache_path=cache, backend=backend, clock=lambda: now[0], sleep=sleep)
    for name in ("a-place", "b-place", "c-place"):
        assert locate(name, PLACES, online=True, geocoder=geocoder).source == "online"
    assert len(backend.calls) == 3
    assert slept == [pytest.approx(1.0), pytest.approx(1.0)]


def test_rate_limit_real_time(cache):
    backend = FakeBackend({"a-place": (1.0, 2.0, "A"), "b-place": (3.0, 4.0, "B")})
    geocoder = OnlineGeocoder(cache_path=cache, backend=backend)
    locate("a-place", PLACES, online=True, geocoder=geocoder)
    locate("b-place", PLACES, online=True, geocoder=geocoder)
    (_, t1), (_, t2) = backend.calls
    assert t2 - t1 >= 0.99


@pytest.mark.parametrize(
    "error",
    [
        GeocoderTimedOut("timed out"),
        GeocoderServiceError("HTTP Error 503"),
        OSError("network unreachable"),
    ],
)
def test_failure_falls_back_to_gazetteer(cache, error):
    geocoder = OnlineGeocoder(cache_path=cache, backend=FakeBackend(error=error), min_delay_seconds=0)
    found = locate("Vladivostok", PLACES, online=True, geocoder=geocoder)
    assert found.place is None and found.source == "none"
    assert "Online geocoding failed" in found.message and "gazetteer" in found.message
    # A failure is not cached: the next try asks again.
    assert not cache.exists()
    # A loose gazetteer match is offered when there is one.
    near = locate("Miyako", PLACES, online=True, geocoder=geocoder)
    assert near.place == PLACES["miyako-strait"] and near.source == "gazetteer"
    assert "Online geocoding failed" in near.message


def test_corrupt_cache_is_ignored(cache):
    cache.write_text("{not json")
    backend = FakeBackend({"Vladivostok": (43.1, 131.9, "Vladivostok")})
    geocoder = OnlineGeocoder(cache_path=cache, backend=backend, min_delay_seconds=0)
    assert locate("Vladivostok", PLACES, online=True, geocoder=geocoder).source == "online"
    assert json.loads(cache.read_text())["vladivostok"]["lat"] == 43.1


def test_nonsense_answer_is_not_a_place(cache):
    backend = FakeBackend({"Bad": (999.0, 2.0, "off the globe")})
    geocoder = OnlineGeocoder(cache_path=cache, backend=backend, min_delay_seconds=0)
    assert locate("Bad", PLACES, online=True, geocoder=geocoder).place is None


def test_real_nominatim_is_configured_politely(tmp_path):
    geocoder = OnlineGeocoder(cache_path=tmp_path / "c.json")  # constructing sends nothing
    assert geocoder.backend.headers["User-Agent"] == USER_AGENT
    assert geocoder.timeout == 5
    assert geocoder._limited.min_delay_seconds == 1.0
