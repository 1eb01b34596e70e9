"""The pages' tables, from the real data."""

import pytest

from patrolmap import charts, load, tables
from patrolmap.load import events_frame, load_dataset


@pytest.fixture(scope="module")
def dataset():
    return load_dataset()


def test_catalogue_rows_cover_every_type_and_count_events(dataset):
    assets = charts.assets_frame(dataset.events, load.type_index(dataset.catalogue))
    rows = tables.catalogue_rows(dataset.catalogue, assets)
    assert len(rows) == len(dataset.catalogue)
    by_type = {row["type"]: row for row in rows}
    assert by_type["Tu-95MS"]["events in filter"] >= 11  # every joint air patrol so far flew Tu-95MS
    assert "ru " in by_type["Tu-95MS"]["names in other languages"]
    assert all(row["source"].startswith("http") for row in rows)


@pytest.mark.parametrize(
    "names, text",
    [
        ({}, ""),
        ({"zh": "图-95", "ru": "Ту-95"}, "ru Ту-95 · zh 图-95"),  # sorted by language code
    ],
)
def test_names_text(names, text):
    assert tables.names_text(names) == text


def test_review_rows_say_when_each_record_was_checked(dataset):
    rows = tables.review_rows(dataset.events)
    assert len(rows) == len(dataset.events)
    assert all(row["reviewed"] == "2026-12-01" and row["checked"] for row in rows)


def test_events_table_names_kinds_in_words(dataset):
    table = tables.events_table(events_frame(dataset.events))
    assert set(table["kind"]) >= {"Air patrol", "Coast-guard patrol", "Submarine patrol"}


def test_scope_sections_from_the_datapackage(dataset):
    included, excluded, not_found = tables.scope_sections(dataset.meta["scope"])
    assert included and excluded and not_found
    assert all(row["left out"] and row["why"] for row in excluded)
    assert tables.scope_sections(None) == ([], [], [])
