"""Place names -> coordinates: the offline gazetteer first, OpenStreetMap Nominatim only when asked.

Online geocoding is opt-in (locate(..., online=True)): it sends the typed name to
nominatim.openstreetmap.org, at most one request per second (Nominatim's usage policy),
with an identifying User-Agent, and keeps every answer in an on-disk JSON cache so a
name is asked for once. Any network or service failure falls back to the gazetteer
and says so; nothing here raises on a bad answer.
"""

from __future__ import annotations

import json
import os
import re
import threading
from dataclasses import dataclass
from pathlib import Path

from geopy.exc import GeopyError
from geopy.extra.rate_limiter import RateLimiter

from patrolmap.gazetteer import find_place
from patrolmap.schema import Place

# Nominatim's usage policy asks for an identifying user agent with a contact: the deployment sets
# PATROLMAP_CONTACT (an e-mail or URL); the project publishes no address of its own.
USER_AGENT = f"patrolmap/0.1 ({os.environ.get('PATROLMAP_CONTACT') or 'offline analyst dashboard'})"
DEFAULT_CACHE = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "patrolmap" / "geocode.json"
MAX_NAME = 200  # characters; longer is not a place name and is not sent anywhere
MAX_DISPLAY_NAME = 300
SOURCES = ("gazetteer", "cache", "online", "none")


@dataclass(frozen=True)
class Located:
    place: Place | None
    source: str  # one of SOURCES
    message: str = ""


class GeocodeFailed(Exception):
    """The online service could not answer (timeout, refusal, unreachable)."""


class OnlineGeocoder:
    """Nominatim behind geopy's RateLimiter, with an on-disk cache of name -> lat/lon/display_name.

    backend replaces Nominatim (tests pass a fake with a geopy-style geocode(query, exactly_one=...));
    clock and sleep replace the rate limiter's timer, so tests can check the delay without waiting.
    """

    def __init__(
        self,
        user_agent: str = USER_AGENT,
        timeout: float = 5,
        min_delay_seconds: float = 1.0,
        cache_path: Path = DEFAULT_CACHE,
        backend=None,
        clock=None,
        sleep=None,
    ):
        if backend is None:
            from geopy.geocoders import Nominatim  # building it sends nothing

            backend = Nominatim(user_agent=user_agent, timeout=timeout)
        self.backend = backend
        self.timeout = timeout
        self.cache_path = Path(cache_path)
        # No retries and no swallowing: a failure must reach locate(), which tells the user.
        self._limited = RateLimiter(
            backend.geocode, min_delay_seconds=min_delay_seconds, max_retries=0, swallow_exceptions=False
        )
        if clock is not None:
            self._limited._clock = clock
        if sleep is not None:
            self._limited._sleep = sleep
        self._lock = threading.Lock()
        self._cache = self._read_cache()

    def _read_cache(self) -> dict:
        try:
            data = json.loads(self.cache_path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return {}  # no cache yet, or an unreadable one: start afresh rather than fail
        return data if isinstance(data, dict) else {}

    def _write_cache(self) -> None:
        try:
            self.cache_path.parent.mkdir(parents=True, exist_ok=True)
            tmp = self.cache_path.with_suffix(".tmp")
            tmp.write_text(json.dumps(self._cache, ensure_ascii=False, indent=1, sort_keys=True), encoding="utf-8")
            tmp.replace(self.cache_path)
        except OSError:
            pass  # a read-only disk costs repeat requests, not a crash

    def cached(self, name: str) -> tuple[bool, dict | None]:
        """(found in cache, answer); the answer is None when the service knew no such place."""
        key = cache_key(name)
        with self._lock:
            if key in self._cache:
                return True, self._cache[key]
        return False, None

    def lookup(self, name: str) -> dict | None:
        """{'lat', 'lon', 'display_name'} from the service (rate limited), cached; None if unknown.

        Raises GeocodeFailed when the service cannot be reached or refuses.
        """
        try:
            answer = self._limited(name, exactly_one=True, timeout=self.timeout)
        except (GeopyError, OSError, TimeoutError) as exc:
            raise GeocodeFailed(f"{type(exc).__name__}: {exc}") from exc
        entry = _entry(answer)
        with self._lock:
            self._cache[cache_key(name)] = entry  # unknown names are cached too, so they are asked once
            self._write_cache()
        return entry


def cache_key(name: str) -> str:
    return " ".join(name.split()).casefold()


def _entry(answer) -> dict | None:
    try:
        lat, lon = float(answer.latitude), float(answer.longitude)
    except (AttributeError, TypeError, ValueError):
        return None
    if not (-90 <= lat <= 90 and -180 <= lon <= 180):
        return None
    display = str(getattr(answer, "address", "") or "")[:MAX_DISPLAY_NAME]
    return {"lat": lat, "lon": lon, "display_name": display}


def geocoded_place(name: str, entry: dict) -> Place:
    """A point place for an online answer, labelled as such: not curated, approximate."""
    slug = re.sub(r"[^a-z0-9]+", "-", cache_key(name)).strip("-")[:60] or "place"
    return Place(
        id=f"geocoded-{slug}",
        name=entry.get("display_name") or name,
        kind="point",
        lat=entry["lat"],
        lon=entry["lon"],
        note="Located by OpenStreetMap Nominatim (online); approximate, not curated.",
        file="geocoded",
    )


_DEFAULT: OnlineGeocoder | None = None


def default_geocoder() -> OnlineGeocoder:
    """One shared geocoder per process, so its rate limit holds across calls."""
    global _DEFAULT
    if _DEFAULT is None:
        _DEFAULT = OnlineGeocoder()
    return _DEFAULT


def locate(
    name: str, places: dict[str, Place], online: bool = False, geocoder: OnlineGeocoder | None = None
) -> Located:
    """The place a name refers to: gazetteer, then (only when online=True) cache, then Nominatim."""
    if not isinstance(name, str) or not name.strip():
        return Located(None, "none", "Type a place name.")
    name = name.strip()
    place = find_place(places, name)
    if place is not None:
        return Located(place, "gazetteer", "")
    if len(name) > MAX_NAME:
        return Located(None, "none", f"Place names are at most {MAX_NAME} characters; nothing was looked up.")
    if not online:
        return Located(None, "none", f"No place named {name!r} in the offline gazetteer (online geocoding is off).")
    geocoder = geocoder or default_geocoder()
    hit, entry = geocoder.cached(name)
    if hit:
        if entry is None:
            return Located(None, "cache", f"OpenStreetMap Nominatim knew no place named {name!r} (cached answer).")
        return Located(geocoded_place(name, entry), "cache", "Located online earlier (cached); approximate.")
    try:
        entry = geocoder.lookup(name)
    except GeocodeFailed as exc:
        fallback = _loose_match(places, name)
        found = f" Closest gazetteer match: {fallback.name}." if fallback else " The gazetteer has no such place."
        return Located(
            fallback,
            "gazetteer" if fallback else "none",
            f"Online geocoding failed ({exc}); using the offline gazetteer only.{found}",
        )
    if entry is None:
        return Located(None, "online", f"OpenStreetMap Nominatim knows no place named {name!r}.")
    return Located(geocoded_place(name, entry), "online", "Located online by OpenStreetMap Nominatim; approximate.")


def _loose_match(places: dict[str, Place], name: str) -> Place | None:
    """A gazetteer place whose name or alias contains the typed name (or the reverse)."""
    key = cache_key(name)
    for place in places.values():
        for label in (place.name, *place.aliases):
            label = label.casefold()
            if key in label or (len(label) > 3 and label in key):
                return place
    return None
