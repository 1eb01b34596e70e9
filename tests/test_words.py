from datetime import date
from types import SimpleNamespace

import pytest

from patrolmap import words
from patrolmap.schema import INCIDENT_KINDS, KINDS, ROLES, Claim


@pytest.mark.parametrize(
    "say, code, expected",
    [
        (words.kind, "naval_patrol", "Naval patrol"),
        (words.kind, "submarine_patrol", "Submarine patrol"),  # v0.2 kinds before the schema has them
        (words.kind, "coast_guard_patrol", "Coast-guard patrol"),
        (words.kind_plural, "exercise", "exercises"),
        (words.role, "aew", "Airborne early warning"),
        (words.incident, "adiz_entry", "ADIZ entry"),
        (words.incident_plural, "scramble", "scrambles"),
        (words.country, "KOR", "South Korea"),
        (words.field, "aircraft_total", "Aircraft (total)"),
        (words.field, "duration_hours", "Duration (hours)"),
        (words.field, "type_class", "Type"),
        (words.field, "some_new_field", "Some new field"),  # an unknown code still reads as words
    ],
)
def test_words(say, code, expected):
    assert say(code) == expected


@pytest.mark.parametrize("say, codes", [(words.kind, KINDS), (words.role, ROLES), (words.incident, INCIDENT_KINDS)])
def test_every_code_has_words(say, codes):
    for code in codes:
        assert "_" not in say(code) and say(code)[0].isupper()


@pytest.mark.parametrize(
    "value, expected",
    [
        (None, "not reported"),  # never "None", never "0"
        (float("nan"), "not reported"),
        (0, "0"),  # a reported zero stays zero
        (17, "17"),
        (11.0, "11"),
        (1500, "1,500"),
    ],
)
def test_count(value, expected):
    assert words.count(value) == expected


@pytest.mark.parametrize(
    "value, expected",
    [
        (None, "not reported"),
        ([], "not reported"),
        (["sea-of-japan", "east-china-sea"], "sea-of-japan, east-china-sea"),
        (True, "yes"),
        (date(2024, 7, 24), "2024-07-24"),
        ("early July", "early July"),
    ],
)
def test_value(value, expected):
    assert words.value(value) == expected


@pytest.mark.parametrize(
    "values, expected",
    [
        ([6, 17], "6–17 ⚠"),
        ([17, 6, 6], "6–17 ⚠"),
        ([5], "5"),
        ([], "not reported"),
        (["many", 4, 9], "4–9 ⚠"),  # words in a claim do not make a range
    ],
)
def test_disputed_range(values, expected):
    assert words.disputed_range(values) == expected


@pytest.mark.parametrize(
    "own, claims, disputed, expected",
    [
        (6, [Claim("aircraft_total", 6, "a"), Claim("aircraft_total", 17, "b")], True, "6–17 ⚠"),  # Dec 2023
        (6, [Claim("aircraft_total", 6, "a")], False, "6"),
        (None, [], False, "not reported"),
        (None, [Claim("aircraft_total", 4, "a"), Claim("aircraft_total", 5, "b")], True, "4–5 ⚠"),
    ],
)
def test_claimed_count(own, claims, disputed, expected):
    assert words.claimed_count(own, claims, "aircraft_total", disputed) == expected


@pytest.mark.parametrize(
    "source, title, note",
    [
        (SimpleNamespace(producer="TASS", title="Bombers patrol", date_published=None), "Bombers patrol", ""),
        # v0.2: no headline in the stored copy -> producer and date; the note stays apart
        (
            SimpleNamespace(producer="NHK", title=None, note="page is a video", date_published=date(2024, 7, 25)),
            "NHK, 2024-07-25",
            "page is a video",
        ),
        # today's data: the description in brackets becomes the note
        (
            SimpleNamespace(
                producer="The Indian Express",
                title="[Headline not in stored copy; URL slug: south-korea-fires-warning-shots]",
                date_published=date(2019, 7, 23),
            ),
            "The Indian Express, 2019-07-23",
            "no headline in the stored copy: URL slug: south-korea-fires-warning-shots",
        ),
        (SimpleNamespace(producer="X", title="", date_published=None), "X, undated", ""),
    ],
)
def test_source_title(source, title, note):
    assert words.source_title(source) == (title, note)
