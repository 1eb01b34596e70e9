from datetime import date

import pandas as pd
import pytest

from patrolmap.viewstate import (
    BASEMAP_DEFAULT,
    MAX_VALUE,
    ViewState,
    parse_view,
    public_permalink,
    query_string,
    shown_value,
    unmatched_messages,
    view_to_params,
)

BASEMAPS = (BASEMAP_DEFAULT, "OpenStreetMap", "CartoDB Positron")


@pytest.mark.parametrize(
    "view",
    [
        ViewState(),
        ViewState(years=(2019, 2023)),
        ViewState(kinds=("air_patrol", "exercise"), countries=("IRN",)),
        ViewState(event="air-2019-07-23"),
        ViewState(dates=(date(2019, 7, 1), date(2020, 12, 31)), playback=True),
        ViewState(year_set=(2019, 2024)),
        ViewState(year_set=(2019, 2020, 2021, 2024)),
        ViewState(responders=("JPN", "KOR"), incidents=("scramble", "intercept"), q="NORAD"),
        ViewState(zoom=6, center=(35.0, 135.0)),
        ViewState(center=(52.5, 185.25)),  # the map is Pacific-centred: longitudes past 180
        ViewState(events=("air-2019-07-23", "air-2024-07-24")),
    ],
)
def test_round_trip(view):
    parsed, problems = parse_view(view_to_params(view), BASEMAPS)
    assert parsed == view
    assert problems == []


@pytest.mark.parametrize(
    "value, years, year_set",
    [
        ("2019-2023", (2019, 2023), ()),
        ("2019,2024", None, (2019, 2024)),
        ("2019-2021,2024", None, (2019, 2020, 2021, 2024)),  # ranges and years combined
        ("2024,2019,2019", None, (2019, 2024)),  # order and repeats do not matter
        ("2020", None, (2020,)),
    ],
)
def test_years(value, years, year_set):
    view, problems = parse_view({"years": value})
    assert (view.years, view.year_set, problems) == (years, year_set, [])


@pytest.mark.parametrize(
    "params, field",
    [
        ({"years": "2023-2019"}, "years"),  # reversed
        ({"years": "<script>"}, "years"),
        ({"years": "2019,20x4"}, "years"),
        ({"kinds": "air_patrol,bombing"}, "kinds"),
        ({"countries": "RUS,XX"}, "countries"),
        ({"responders": "JPN,Japan"}, "responders"),
        ({"incidents": "scramble,nuke"}, "incidents"),
        ({"basemap": "javascript:alert(1)"}, "basemap"),
        ({"event": "<img src=x onerror=alert(1)>"}, "event"),
        ({"dates": "2020-12-31..2019-01-01"}, "dates"),  # reversed
        ({"dates": "2019-02-30..2019-03-01"}, "dates"),  # no such day
        ({"zoom": "99"}, "zoom"),
        ({"zoom": "6.5"}, "zoom"),
        ({"center": "95,135"}, "center"),  # no such latitude
        ({"center": "35;135"}, "center"),
        ({"playback": "yes"}, "playback"),  # well-formed but not a value we know: said, not ignored silently
        ({"events": "air-2019-07-23,<b>"}, "events"),
        ({"foo": "1"}, "foo"),  # not a setting of the app
    ],
)
def test_bad_params_are_reported_and_dropped(params, field):
    view, problems = parse_view(params, BASEMAPS)
    assert len(problems) == 1 and field in problems[0]
    assert view.basemap == BASEMAP_DEFAULT
    assert "<" not in view.event and view.zoom is None and view.center is None and not view.playback


# Values from issue 16 and our own: a message names the value without Markdown, HTML or an autolink.
HOSTILE = [
    "![](https://evil.example/beacon.png)",
    "[Session expired - sign in again](https://evil.example/login)",
    "www.evil.example/x",
    "<img src=x onerror=alert(1)>",
    "mail@evil.example",
    "`code` **bold** _it_ # heading",
    "javascript:alert(1)",
    "\u202eevil\u0000\n\r",
]


@pytest.mark.parametrize("payload", HOSTILE)
@pytest.mark.parametrize("name", ["years", "dates", "basemap", "zoom", "center", "countries", "kinds"])
def test_messages_neutralise_the_value(name, payload):
    _, problems = parse_view({name: payload}, BASEMAPS)
    assert problems
    for problem in problems:
        for forbidden in ("](", "![", "<", ">", "://", "www.", "@", "`", "*", "\n", "\u202e", "\u0000"):
            assert forbidden not in problem


@pytest.mark.parametrize("name", ["years", "q", "events", "countries", "basemap", "center"])
def test_overlong_values_are_reported_and_ignored(name):
    view, problems = parse_view({name: "2019," * 20_000}, BASEMAPS)  # 100 KB
    assert view == ViewState()
    assert len(problems) == 1 and "100,000 characters" in problems[0] and len(problems[0]) < 200


def test_shown_value_is_short():
    assert len(shown_value("x" * 10_000)) < 80


def test_a_link_only_asks_for_online_tiles():
    view, problems = parse_view({"basemap": "OpenStreetMap"}, BASEMAPS)
    assert view.basemap == BASEMAP_DEFAULT  # offline until the analyst confirms
    assert view.requested_basemap == "OpenStreetMap"
    assert len(problems) == 1 and "online tiles" in problems[0] and "sidebar" in problems[0]


@pytest.mark.parametrize(
    "view, expected",
    [
        (ViewState(basemap="CartoDB Positron"), "basemap=CartoDB%20Positron"),  # no raw space
        (ViewState(q="NORAD & co"), "q=NORAD%20%26%20co"),
        (ViewState(kinds=("air_patrol", "exercise")), "kinds=air_patrol,exercise"),  # commas readable
        (ViewState(zoom=6, center=(35.0, 135.0)), "zoom=6&center=35,135"),
    ],
)
def test_query_string_is_encoded(view, expected):
    assert query_string(view) == expected


@pytest.mark.parametrize(
    "env, expected",
    [
        ({}, ""),  # no public address: no permalink, and the caption says so
        ({"PATROLMAP_PUBLIC_URL": "https://patrolmap.example/"}, "https://patrolmap.example/Map?years=2019-2023"),
        (
            {"PATROLMAP_PUBLIC_URL": "https://patrolmap.example/app?x=1"},
            "https://patrolmap.example/app/Map?years=2019-2023",
        ),
        ({"PATROLMAP_PUBLIC_URL": "javascript:alert(1)"}, ""),
        ({"PATROLMAP_PUBLIC_URL": "  "}, ""),
    ],
)
def test_public_permalink(env, expected):
    assert public_permalink(ViewState(years=(2019, 2023)), "Map", env) == expected


FRAME = pd.DataFrame(
    {
        "id": ["air-2019-07-23", "ex-2019-12-27"],
        "kind": ["air_patrol", "exercise"],
        "year": [2019, 2019],
        "participants": [["RUS", "CHN"], ["RUS", "CHN", "IRN"]],
        "responders": [["JPN", "KOR"], []],
        "incident_kinds": [["scramble"], []],
    }
)


@pytest.mark.parametrize(
    "view, needle",
    [
        (ViewState(countries=("USA",)), "countries=USA"),
        (ViewState(responders=("CAN",)), "responders=CAN"),
        (ViewState(incidents=("intercept",)), "incidents=intercept"),
        (ViewState(kinds=("naval_patrol",)), "naval patrols"),
        (ViewState(year_set=(2019, 2030)), "2030"),
        (ViewState(event="air-2099-01-01"), "air-2099-01-01"),
        (ViewState(events=("air-2019-07-23", "air-2099-01-01")), "air-2099-01-01"),
    ],
)
def test_well_formed_values_that_match_nothing_get_a_message(view, needle):
    messages = unmatched_messages(view, FRAME)
    assert len(messages) == 1 and needle in messages[0]


def test_values_that_match_get_no_message():
    view = ViewState(countries=("IRN",), responders=("JPN",), incidents=("scramble",), event="ex-2019-12-27")
    assert unmatched_messages(view, FRAME) == []


def test_max_value_is_generous_for_real_views():
    ids = ",".join(f"air-2019-07-{n:02d}" for n in range(1, 7))
    assert len(query_string(ViewState(events=tuple(ids.split(","))))) < MAX_VALUE
