from datetime import date
from types import SimpleNamespace

import pandas as pd
import pytest

from patrolmap import words
from patrolmap.filters import Filters, analysis_frame, filter_events, filter_options, responders
from patrolmap.load import load_dataset

FRAME = pd.DataFrame(
    {
        "id": ["air-2019-07-23", "ex-2019-12-27", "air-2020-12-22", "naval-2021-10-17", "air-2024-07-24"],
        "kind": ["air_patrol", "exercise", "air_patrol", "naval_patrol", "air_patrol"],
        "name": ["First air patrol", "Maritime Security Belt", "Second air patrol", "Naval patrol", "Alaska"],
        "year": [2019, 2019, 2020, 2021, 2024],
        "date_start": pd.to_datetime(["2019-07-23", "2019-12-27", "2020-12-22", "2021-10-17", "2024-07-24"]),
        "date_end": pd.to_datetime(["2019-07-23", "2019-12-30", "2020-12-22", "2021-10-23", "2024-07-24"]),
        "participants": [["RUS", "CHN"], ["CHN", "RUS", "IRN"], ["RUS", "CHN"], ["RUS", "CHN"], ["RUS", "CHN"]],
        "responders": [["JPN"], [], ["JPN"], [], ["CAN", "USA"]],
        "incident_kinds": [["scramble"], [], ["scramble"], [], ["intercept"]],
        "search_text": [
            # as search.build_index makes it: case-folded, the id among the texts
            "first air patrol\nair-2019-07-23\nsea of japan\nяпонское море",
            "maritime security belt\nex-2019-12-27\ngulf of oman",
            "second air patrol\nair-2020-12-22",
            "naval patrol\nnaval-2021-10-17",
            "alaska\nair-2024-07-24\nnorad said it intercepted\nalaska adiz",
        ],
    }
)


def event(**changes) -> SimpleNamespace:
    """A stand-in event with the fields responders() reads (incidents, participants, sources)."""
    return SimpleNamespace(**{"participants": ("RUS", "CHN"), "incidents": (), "sources": (), **changes})


def incident(kind: str, actor: str, **extra) -> SimpleNamespace:
    return SimpleNamespace(kind=kind, actor=actor, place="", date=None, description="d", source="s1", **extra)


@pytest.mark.parametrize(
    "incidents, sources, expected",
    [
        ([], (), set()),
        ([incident("scramble", "JPN"), incident("protest", "KOR")], (), {"JPN", "KOR"}),
        ([incident("adiz_entry", "CHN")], (), set()),  # a participant's entry is no response
        ([incident("adiz_entry", "CHN", responder="KOR")], (), {"KOR"}),  # v0.2: the responder field
        ([incident("intercept", "USA"), incident("intercept", "CAN")], (), {"USA", "CAN"}),
        # v0.2: a source carrying a non-participant's statement counts; a participant's does not
        ([], (SimpleNamespace(statement_country="JPN"), SimpleNamespace(statement_country="RUS")), {"JPN"}),
    ],
)
def test_responders(incidents, sources, expected):
    assert responders(event(incidents=tuple(incidents), sources=tuple(sources))) == expected


def test_analysis_frame_has_what_filters_need():
    dataset = load_dataset()
    frame = analysis_frame(dataset.events)
    assert {"responders", "incident_kinds", "search_text"} <= set(frame.columns)
    assert len(frame) == len(dataset.events)
    # the real data: Japan responded to (scrambled, tracked, protested) most events
    japan = filter_events(frame, Filters(responders=("JPN",)))
    assert set(japan["id"]) == {e.id for e in dataset.events if "JPN" in responders(e)}
    assert "air-2024-07-24" in set(filter_events(frame, Filters(responders=("USA",)))["id"])


@pytest.mark.parametrize(
    "filters, expected",
    [
        (Filters(), 5),
        (Filters(years=(2019, 2019)), 2),
        (Filters(years=(2020, 2023)), 2),
        (Filters(kinds=("air_patrol",)), 3),
        (Filters(kinds=("air_patrol", "exercise")), 4),
        (Filters(countries=("IRN",)), 1),
        (Filters(countries=("IRN", "RUS")), 5),  # any participant matches
        (Filters(countries=("USA",)), 0),
        (Filters(years=(2019, 2019), countries=("IRN",), kinds=("air_patrol",)), 0),
        (Filters(dates=(date(2019, 12, 29), date(2020, 1, 5))), 1),  # overlaps a multi-day event
        (Filters(dates=(date(2021, 10, 20), date(2021, 10, 20))), 1),
        (Filters(text="security"), 1),
        (Filters(text="AIR"), 3),  # two names, plus the id air-2024-07-24
        (Filters(year_set=(2019, 2024)), 3),  # years need not be contiguous
        (Filters(year_set=(2019, 2024), kinds=("air_patrol",)), 2),
        (Filters(years=(2019, 2021), year_set=(2019, 2024)), 2),  # both: the span and the set
        (Filters(responders=("JPN",)), 2),
        (Filters(responders=("USA", "CAN")), 1),
        (Filters(responders=("KOR",)), 0),
        (Filters(incidents=("intercept",)), 1),
        (Filters(incidents=("scramble", "intercept")), 3),
        (Filters(text="norad"), 1),  # the search text, not only names
        (Filters(text="norad alaska"), 1),  # every word must match
        (Filters(text="norad gulf"), 0),
        (Filters(text="Японское"), 1),  # a place name in another script
    ],
)
def test_filter_events(filters, expected):
    assert len(filter_events(FRAME, filters)) == expected


@pytest.mark.parametrize(
    "filters, text",
    [
        (Filters(), "all events"),
        (Filters(years=(2019, 2021), kinds=("air_patrol",)), "air patrols; years 2019–2021"),
        (Filters(countries=("IRN",)), "with Iran"),
        (Filters(year_set=(2019, 2020, 2021, 2024)), "years 2019–2021 and 2024"),
        (Filters(responders=("JPN", "KOR")), "responded to or reported by Japan or South Korea"),
        (Filters(incidents=("scramble",), text="NORAD"), "with scrambles; matching “NORAD”"),
        (Filters(kinds=("naval_patrol", "exercise")), "naval patrols and exercises"),
    ],
)
def test_describe(filters, text):
    assert filters.describe() == text
    assert "_" not in filters.describe()  # words, never codes


@pytest.mark.parametrize(
    "years, runs",
    [
        ([], []),
        ([2024, 2019, 2020, 2021], [[2019, 2020, 2021], [2024]]),
        ([2019, 2019, 2020], [[2019, 2020]]),  # a year given twice counts once
        ([2019, 2021], [[2019], [2021]]),  # a gap of one year splits
    ],
)
def test_year_runs(years, runs):
    assert words.year_runs(years) == runs


@pytest.mark.parametrize(
    "rows, name, expected",
    [
        (slice(None), "kinds", ["air_patrol", "naval_patrol", "submarine_patrol", "coast_guard_patrol", "exercise"]),
        (slice(None), "year_set", [2019, 2020, 2021, 2024]),  # only years the data holds, once each
        (slice(None), "countries", ["CHN", "IRN", "RUS"]),
        (slice(None), "responders", ["CAN", "JPN", "USA"]),  # by name: Canada, Japan, United States
        (slice(None), "incidents", ["scramble", "intercept"]),  # the vocabulary's order, not the data's
        (slice(0, 0), "kinds", ["air_patrol", "naval_patrol", "submarine_patrol", "coast_guard_patrol", "exercise"]),
        (slice(0, 0), "countries", []),  # no events: nothing to offer but the kinds
        (slice(1, 2), "responders", []),
    ],
)
def test_filter_options(rows, name, expected):
    assert filter_options(FRAME.iloc[rows])[name] == expected
