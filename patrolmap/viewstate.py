"""The analyst's view <-> URL query parameters, so a copied address reopens the same view.

?years=2019-2023&dates=2019-07-01..2019-12-31&kinds=air_patrol,exercise&countries=RUS,IRN
 &basemap=OpenStreetMap&playback=1&event=air-2019-07-23
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from patrolmap.schema import COUNTRIES, KINDS

BASEMAP_DEFAULT = "Offline (Natural Earth)"
YEARS_PATTERN = re.compile(r"^(\d{4})-(\d{4})$")
DATES_PATTERN = re.compile(r"^(\d{4}-\d{2}-\d{2})\.\.(\d{4}-\d{2}-\d{2})$")
EVENT_PATTERN = re.compile(r"^[a-z0-9][a-z0-9-]{1,80}$")


@dataclass(frozen=True)
class ViewState:
    years: tuple[int, int] | None = None
    kinds: tuple[str, ...] = ()
    countries: tuple[str, ...] = ()
    basemap: str = BASEMAP_DEFAULT
    event: str = ""
    dates: tuple[date, date] | None = None
    playback: bool = False


def _split(value: str) -> list[str]:
    return [v for v in (value or "").split(",") if v]


def parse_view(params: dict[str, str], basemaps: tuple[str, ...] | None = None) -> tuple[ViewState, list[str]]:
    """A view from query parameters, and a message for each one that was not understood.

    Unknown values are dropped from the view and reported, never trusted: the URL
    is typed or pasted by anyone.
    """
    problems = []
    years = None
    if params.get("years"):
        match = YEARS_PATTERN.match(params["years"])
        if match and int(match[1]) <= int(match[2]):
            years = (int(match[1]), int(match[2]))
        else:
            problems.append(f"Ignored years={params['years']!r} in the address: expected e.g. 2019-2024.")
    dates = None
    if params.get("dates"):
        dates = _parse_dates(params["dates"])
        if dates is None:
            problems.append(f"Ignored dates={params['dates']!r} in the address: expected e.g. 2019-07-01..2020-12-31.")
    kinds = tuple(k for k in _split(params.get("kinds", "")) if k in KINDS)
    if len(kinds) != len(_split(params.get("kinds", ""))):
        problems.append(f"Ignored unknown kinds in the address: expected some of {', '.join(KINDS)}.")
    countries = tuple(c for c in _split(params.get("countries", "")) if c in COUNTRIES)
    if len(countries) != len(_split(params.get("countries", ""))):
        problems.append("Ignored unknown country codes in the address: expected ISO alpha-3 codes such as RUS.")
    basemap = params.get("basemap", BASEMAP_DEFAULT)
    if basemaps is not None and basemap not in basemaps:
        problems.append(f"Ignored basemap={basemap!r} in the address.")
        basemap = BASEMAP_DEFAULT
    event = params.get("event", "")
    if event and not EVENT_PATTERN.match(event):
        problems.append("Ignored a malformed event id in the address.")
        event = ""
    playback = params.get("playback") == "1"
    return ViewState(years, kinds, countries, basemap, event, dates, playback), problems


def _parse_dates(value: str) -> tuple[date, date] | None:
    match = DATES_PATTERN.match(value)
    if not match:
        return None
    try:
        low, high = date.fromisoformat(match[1]), date.fromisoformat(match[2])
    except ValueError:
        return None
    return (low, high) if low <= high else None


def view_to_params(view: ViewState) -> dict[str, str]:
    """Only what differs from the default view goes into the URL."""
    params = {}
    if view.years:
        params["years"] = f"{view.years[0]}-{view.years[1]}"
    if view.dates:
        params["dates"] = f"{view.dates[0].isoformat()}..{view.dates[1].isoformat()}"
    if view.kinds:
        params["kinds"] = ",".join(view.kinds)
    if view.countries:
        params["countries"] = ",".join(view.countries)
    if view.basemap != BASEMAP_DEFAULT:
        params["basemap"] = view.basemap
    if view.playback:
        params["playback"] = "1"
    if view.event:
        params["event"] = view.event
    return params
