from datetime import date

import pytest

from patrolmap.viewstate import BASEMAP_DEFAULT, ViewState, parse_view, view_to_params

BASEMAPS = (BASEMAP_DEFAULT, "OpenStreetMap")


@pytest.mark.parametrize(
    "view",
    [
        ViewState(),
        ViewState(years=(2019, 2023)),
        ViewState(kinds=("air_patrol", "exercise"), countries=("IRN",)),
        ViewState(basemap="OpenStreetMap", event="air-2019-07-23"),
        ViewState(dates=(date(2019, 7, 1), date(2020, 12, 31)), playback=True),
    ],
)
def test_round_trip(view):
    parsed, problems = parse_view(view_to_params(view), BASEMAPS)
    assert parsed == view
    assert problems == []


@pytest.mark.parametrize(
    "params, field",
    [
        ({"years": "2023-2019"}, "years"),  # reversed
        ({"years": "<script>"}, "years"),
        ({"kinds": "air_patrol,bombing"}, "kinds"),
        ({"countries": "RUS,XX"}, "country"),
        ({"basemap": "javascript:alert(1)"}, "basemap"),
        ({"event": "<img src=x onerror=alert(1)>"}, "event"),
        ({"dates": "2020-12-31..2019-01-01"}, "dates"),  # reversed
        ({"dates": "2019-02-30..2019-03-01"}, "dates"),  # no such day
    ],
)
def test_bad_params_are_reported_and_dropped(params, field):
    view, problems = parse_view(params, BASEMAPS)
    assert len(problems) == 1 and field in problems[0]
    assert view.basemap in BASEMAPS
    assert "<" not in view.event
