"""The analyst's view <-> URL query parameters, so a copied address reopens the same view.

?years=2019-2021,2024&dates=2019-07-01..2019-12-31&kinds=air_patrol,exercise&countries=RUS,IRN
 &responders=JPN,KOR&incidents=scramble,intercept&q=NORAD&zoom=6&center=35,135
 &basemap=OpenStreetMap&playback=1&event=air-2019-07-23&events=air-2019-07-23,air-2024-07-24

Anyone can write a link, so every value is checked, and what is not understood is dropped and
reported in plain text, the value shortened and neutralised (no Markdown, no link can come of it).
A link never switches on online tiles by itself: it can only ask, and the analyst confirms.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from datetime import date
from urllib.parse import quote, urlencode

from patrolmap import words
from patrolmap.schema import COUNTRIES, INCIDENT_KINDS, KINDS

BASEMAP_DEFAULT = "Offline (Natural Earth)"
PUBLIC_URL_ENV = "PATROLMAP_PUBLIC_URL"
YEAR_RANGE = (1900, 2100)
YEARS_PART = re.compile(r"^(\d{4})(?:-(\d{4}))?$")
DATES_PATTERN = re.compile(r"^(\d{4}-\d{2}-\d{2})\.\.(\d{4}-\d{2}-\d{2})$")
EVENT_PATTERN = re.compile(r"^[a-z0-9][a-z0-9-]{1,80}$")
CENTER_PATTERN = re.compile(r"^\s*(-?\d{1,3}(?:\.\d{1,8})?)\s*,\s*(-?\d{1,3}(?:\.\d{1,8})?)\s*$")
ZOOM_RANGE = (1, 18)
LON_RANGE = (-180.0, 360.0)  # the map is Pacific-centred: display longitudes run past 180
MAX_VALUE = 2000  # characters; a longer value is no view anyone chose
SHOWN_CHARS = 40  # of a bad value, in a message
COMPARE_MAX = 6  # events side by side
QUERY_MAX = 200
KNOWN_PARAMS = {
    "years",
    "dates",
    "kinds",
    "countries",
    "responders",
    "incidents",
    "q",
    "zoom",
    "center",
    "basemap",
    "playback",
    "event",
    "events",
    "embed",  # Streamlit's own
    "embed_options",
}


@dataclass(frozen=True)
class ViewState:
    years: tuple[int, int] | None = None
    kinds: tuple[str, ...] = ()
    countries: tuple[str, ...] = ()
    basemap: str = BASEMAP_DEFAULT
    event: str = ""
    dates: tuple[date, date] | None = None
    playback: bool = False
    year_set: tuple[int, ...] = ()
    responders: tuple[str, ...] = ()
    incidents: tuple[str, ...] = ()
    q: str = ""
    zoom: int | None = None
    center: tuple[float, float] | None = None
    events: tuple[str, ...] = ()
    # An online basemap a link asked for: shown only once the analyst confirms (never by itself).
    requested_basemap: str = ""


def shown_value(value: object, limit: int = SHOWN_CHARS) -> str:
    """A value from the address as it may appear in a message: shortened, and neutralised so
    that neither Markdown nor an autolink can come of it (only letters, digits and - _ . , ; = +
    % ' and spaces survive; everything else reads '?')."""
    text = str(value)
    extra = f"… ({len(text):,} characters)" if len(text) > limit else ""
    kept = "".join(c if (c.isalnum() or c in " -_.,;=+%'") and c.isprintable() else "?" for c in text[:limit])
    kept = re.sub(r"(?i)www\.", "www?", kept)  # 'www.host' would be autolinked
    return f"“{kept}{extra}”"


def _split(value: str) -> list[str]:
    return [v.strip() for v in (value or "").split(",") if v.strip()]


def parse_view(params: dict[str, str], basemaps: tuple[str, ...] | None = None) -> tuple[ViewState, list[str]]:
    """A view from query parameters, and a plain-text message for each one that was not understood.

    Unknown values are dropped from the view and reported, never trusted: the URL is typed or
    pasted by anyone. basemaps: the offline one first, then online ones; an online basemap is
    only requested (requested_basemap), never switched on.
    """
    params, problems = _settings_only(params)
    fields: dict = {}
    for name, parse in PARAM_PARSERS:
        if params.get(name):
            found, messages = parse(params[name], basemaps)
            fields.update(found)
            problems += messages
    return ViewState(**fields), problems


def _settings_only(params: dict | None) -> tuple[dict[str, str], list[str]]:
    """The parameters that are settings of this app with a value of sensible length, as text; a
    message for each other one."""
    kept, problems = {}, []
    for name, value in (params or {}).items():
        value = value if isinstance(value, str) else str(value)
        if name not in KNOWN_PARAMS:
            problems.append(f"Ignored {shown_value(name)}= in the address: not a setting of this app.")
        elif len(value) > MAX_VALUE:
            problems.append(
                f"Ignored {name}= in the address: its value is {len(value):,} characters long (at most {MAX_VALUE:,})."
            )
        else:
            kept[name] = value
    return kept, problems


def _ignored(name: str, value: str, expected: str) -> str:
    return f"Ignored {name}={shown_value(value)} in the address: expected {expected}."


def _years_param(value: str, _basemaps) -> tuple[dict, list[str]]:
    """years=2019-2023 is a span (years); years=2019,2024 or 2019-2021,2024 a set (year_set)."""
    parsed = _parse_years(value)
    if parsed is None:
        return {}, [_ignored("years", value, "years such as 2019-2023 or 2019,2024")]
    if len(parsed) == 1 and isinstance(parsed[0], tuple):
        return {"years": parsed[0]}, []
    return {"year_set": tuple(sorted({y for part in parsed for y in _expand(part)}))}, []


def _dates_param(value: str, _basemaps) -> tuple[dict, list[str]]:
    dates = _parse_dates(value)
    if dates is None:
        return {}, [_ignored("dates", value, "a range such as 2019-07-01..2020-12-31")]
    return {"dates": dates}, []


def _codes_param(name: str, allowed, expected: str):
    """A parser for a list of codes: the known ones kept once each, the others named in a message."""

    def parse(value: str, _basemaps) -> tuple[dict, list[str]]:
        values = _split(value)
        wrong = [v for v in values if v not in allowed]
        good = tuple(dict.fromkeys(v for v in values if v in allowed))
        return {name: good}, [_ignored(name, ",".join(wrong), expected)] if wrong else []

    return parse


def _q_param(value: str, _basemaps) -> tuple[dict, list[str]]:
    return {"q": value.strip()[:QUERY_MAX]}, []


def _zoom_param(value: str, _basemaps) -> tuple[dict, list[str]]:
    digits = value.strip()
    if digits.isdigit() and ZOOM_RANGE[0] <= int(digits) <= ZOOM_RANGE[1]:
        return {"zoom": int(digits)}, []
    return {}, [_ignored("zoom", value, f"a whole number from {ZOOM_RANGE[0]} to {ZOOM_RANGE[1]}")]


def _center_param(value: str, _basemaps) -> tuple[dict, list[str]]:
    center = _parse_center(value)
    if center is None:
        return {}, [_ignored("center", value, "latitude,longitude such as 35,135")]
    return {"center": center}, []


def _basemap_param(value: str, basemaps: tuple[str, ...] | None) -> tuple[dict, list[str]]:
    """An online basemap is only requested: the analyst switches it on (the map stays offline)."""
    if value == BASEMAP_DEFAULT:
        return {}, []
    if basemaps is not None and value not in basemaps:
        return {}, [_ignored("basemap", value, "the name of one of the basemaps in the sidebar")]
    message = (
        f"This link asks for online tiles ({shown_value(value)}). The map stays offline until you "
        "switch them on in the sidebar: online tiles are fetched from their provider."
    )
    return {"requested_basemap": value}, [message]


def _event_param(value: str, _basemaps) -> tuple[dict, list[str]]:
    if not EVENT_PATTERN.match(value):
        return {}, [_ignored("event", value, "an event id such as air-2019-07-23")]
    return {"event": value}, []


def _events_param(value: str, _basemaps) -> tuple[dict, list[str]]:
    """events= for Compare: well-formed ids, once each, at most COMPARE_MAX."""
    ids = _split(value)
    good = [i for i in ids if EVENT_PATTERN.match(i)]
    problems = []
    if len(good) != len(ids):
        problems.append("Ignored malformed ids in events= in the address: expected ids such as air-2019-07-23.")
    if len(good) > COMPARE_MAX:
        problems.append(f"Compare shows at most {COMPARE_MAX} events; the first {COMPARE_MAX} are shown.")
    return {"events": tuple(dict.fromkeys(good))[:COMPARE_MAX]}, problems


def _playback_param(value: str, _basemaps) -> tuple[dict, list[str]]:
    if value not in ("1", "0"):
        return {}, [_ignored("playback", value, "1 (on) or 0 (off)")]
    return {"playback": value == "1"}, []


# One parser per parameter, in the order their messages are listed: (value, basemaps) -> (fields, messages).
PARAM_PARSERS = (
    ("years", _years_param),
    ("dates", _dates_param),
    ("kinds", _codes_param("kinds", KINDS, "kinds such as air_patrol, naval_patrol, exercise")),
    ("countries", _codes_param("countries", COUNTRIES, "ISO alpha-3 country codes such as RUS, CHN, IRN")),
    ("responders", _codes_param("responders", COUNTRIES, "ISO alpha-3 country codes such as JPN, KOR, USA")),
    ("incidents", _codes_param("incidents", INCIDENT_KINDS, "incident kinds such as scramble, intercept")),
    ("q", _q_param),
    ("zoom", _zoom_param),
    ("center", _center_param),
    ("basemap", _basemap_param),
    ("event", _event_param),
    ("events", _events_param),
    ("playback", _playback_param),
)


def _parse_years(value: str) -> list | None:
    """'2019-2021,2024' -> [(2019, 2021), 2024]; None when any part is not a year or a span."""
    parts = []
    for part in _split(value):
        match = YEARS_PART.match(part)
        if not match:
            return None
        low = int(match[1])
        high = int(match[2]) if match[2] else None
        if not YEAR_RANGE[0] <= low <= YEAR_RANGE[1] or (high is not None and not low <= high <= YEAR_RANGE[1]):
            return None
        parts.append((low, high) if high is not None else low)
    return parts or None


def _expand(part) -> range:
    return range(part[0], part[1] + 1) if isinstance(part, tuple) else range(part, part + 1)


def _parse_dates(value: str) -> tuple[date, date] | None:
    match = DATES_PATTERN.match(value)
    if not match:
        return None
    try:
        low, high = date.fromisoformat(match[1]), date.fromisoformat(match[2])
    except ValueError:
        return None
    return (low, high) if low <= high else None


def _parse_center(value: str) -> tuple[float, float] | None:
    match = CENTER_PATTERN.match(value)
    if not match:
        return None
    lat, lon = float(match[1]), float(match[2])
    if not -90 <= lat <= 90 or not LON_RANGE[0] <= lon <= LON_RANGE[1]:
        return None
    return lat, lon


def years_param(years: tuple[int, int] | None, year_set: tuple[int, ...]) -> str:
    """The span as '2019-2023', or the set as runs: (2019, 2020, 2021, 2024) -> '2019-2021,2024'."""
    if year_set:
        # one run reads back as a span (years), which keeps the same years
        return ",".join(f"{r[0]}-{r[-1]}" if len(r) > 1 else str(r[0]) for r in words.year_runs(year_set))
    return f"{years[0]}-{years[1]}" if years else ""


def view_to_params(view: ViewState) -> dict[str, str]:
    """Only what differs from the default view goes into the URL."""
    params = {}
    if view.years or view.year_set:
        params["years"] = years_param(view.years, view.year_set)
    if view.dates:
        params["dates"] = f"{view.dates[0].isoformat()}..{view.dates[1].isoformat()}"
    if view.kinds:
        params["kinds"] = ",".join(view.kinds)
    if view.countries:
        params["countries"] = ",".join(view.countries)
    if view.responders:
        params["responders"] = ",".join(view.responders)
    if view.incidents:
        params["incidents"] = ",".join(view.incidents)
    if view.q:
        params["q"] = view.q
    if view.zoom is not None:
        params["zoom"] = str(view.zoom)
    if view.center is not None:
        params["center"] = f"{round(view.center[0], 4):g},{round(view.center[1], 4):g}"
    if view.basemap != BASEMAP_DEFAULT:
        params["basemap"] = view.basemap
    if view.playback:
        params["playback"] = "1"
    if view.event:
        params["event"] = view.event
    if view.events:
        params["events"] = ",".join(view.events)
    return params


def query_string(view: ViewState) -> str:
    """The view as a percent-encoded query string ('basemap=CartoDB%20Positron'); commas kept."""
    return urlencode(view_to_params(view), quote_via=quote, safe=",")


def view_url(base: str, view: ViewState, page: str = "") -> str:
    """base (no trailing slash needed) + /page + ?query: the address that reopens the view."""
    url = base.rstrip("/") + (f"/{page.strip('/')}" if page else "")
    query = query_string(view)
    return f"{url}?{query}" if query else url


def public_permalink(view: ViewState, page: str = "", env: dict | None = None) -> str:
    """The view's address on the public base URL the deployer set (PATROLMAP_PUBLIC_URL), or ''
    when none is set: an export never prints the analyst's own 127.0.0.1 address."""
    base = public_base(env)
    return view_url(base, view, page) if base else ""


def public_base(env: dict | None = None) -> str:
    """PATROLMAP_PUBLIC_URL without its query and fragment, or '' when unset or not http(s)."""
    base = ((env if env is not None else os.environ).get(PUBLIC_URL_ENV) or "").strip()
    if not re.match(r"^https?://[^\s/?#]+", base):
        return ""
    return base.split("?")[0].split("#")[0].rstrip("/")


def unmatched_messages(view: ViewState, frame) -> list[str]:
    """Well-formed values that match no event in the data (countries=USA with no such event):
    a message each, so a link that shows nothing says why. frame: the events frame of the data."""
    if frame is None or len(frame) == 0:
        return []
    out = []

    def present(column: str) -> set:
        return {c for codes in frame[column] for c in codes} if column in frame else set()

    for code in view.countries:
        if code not in present("participants"):
            out.append(f"countries={code} in the address matches no event: {words.country(code)} took part in none.")
    for code in view.responders:
        if code not in present("responders"):
            out.append(
                f"responders={code} in the address matches no event: "
                f"{words.country(code)} responded to or reported none."
            )
    for code in view.incidents:
        if code not in present("incident_kinds"):
            out.append(
                f"incidents={code} in the address matches no event: the data records no {words.incident_plural(code)}."
            )
    for code in view.kinds:
        if code not in set(frame["kind"]):
            out.append(f"kinds={code} in the address matches no event: the data holds no {words.kind_plural(code)}.")
    years = set(frame["year"])
    missing = [y for y in view.year_set if y not in years]
    if missing:
        out.append(f"years= in the address names {', '.join(map(str, missing))}, with no event in the data.")
    ids = set(frame["id"])
    if view.event and view.event not in ids:
        out.append(f"event={view.event} in the address is not an event in the data.")
    for event_id in view.events:
        if event_id not in ids:
            out.append(f"events= in the address names {event_id}, which is not an event in the data.")
    return out
