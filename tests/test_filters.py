from datetime import date

import pandas as pd
import pytest

from patrolmap.filters import Filters, filter_events

FRAME = pd.DataFrame(
    {
        "id": ["air-2019-07-23", "ex-2019-12-27", "air-2020-12-22", "naval-2021-10-17", "air-2024-07-24"],
        "kind": ["air_patrol", "exercise", "air_patrol", "naval_patrol", "air_patrol"],
        "name": ["First air patrol", "Maritime Security Belt", "Second air patrol", "Naval patrol", "Alaska"],
        "year": [2019, 2019, 2020, 2021, 2024],
        "date_start": pd.to_datetime(["2019-07-23", "2019-12-27", "2020-12-22", "2021-10-17", "2024-07-24"]),
        "date_end": pd.to_datetime(["2019-07-23", "2019-12-30", "2020-12-22", "2021-10-23", "2024-07-24"]),
        "participants": [["RUS", "CHN"], ["CHN", "RUS", "IRN"], ["RUS", "CHN"], ["RUS", "CHN"], ["RUS", "CHN"]],
    }
)


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
    ],
)
def test_filter_events(filters, expected):
    assert len(filter_events(FRAME, filters)) == expected


@pytest.mark.parametrize(
    "filters, text",
    [
        (Filters(), "all events"),
        (Filters(years=(2019, 2021), kinds=("air_patrol",)), "years 2019–2021; kinds air_patrol"),
        (Filters(countries=("IRN",)), "countries IRN"),
    ],
)
def test_describe(filters, text):
    assert filters.describe() == text
