"""Search over everything an event says or touches, on the real data and on fixtures."""

import dataclasses

import pytest
import yaml

from patrolmap import search
from patrolmap.load import DATA_DIR, load_dataset
from patrolmap.schema import Place


@pytest.fixture(scope="module")
def dataset():
    return load_dataset()


@pytest.fixture(scope="module")
def index(dataset):
    return search.build_index(dataset.events, dataset.places, dataset.catalogue, None, dataset.aliases)


@pytest.fixture(scope="module")
def record_texts():
    """Each curated record as YAML text, case-folded: what a search must at least look through."""
    texts = {}
    for path in sorted((DATA_DIR / "events").glob("*.yaml")):
        for raw in yaml.safe_load(path.read_text(encoding="utf-8")):
            texts[raw["id"]] = yaml.safe_dump(raw, allow_unicode=True).casefold()
    return texts


@pytest.mark.parametrize(
    "query, must_find",
    [
        # issue 12: NORAD finds the July 2024 air patrol and the naval patrol it tracked off Alaska
        ("NORAD", {"air-2024-07-24", "naval-2023-07-28"}),
        # every event near Alaska: the Bering Sea patrols of 2022, 2023 and 2024
        ("Alaska", {"naval-2022-09-15", "naval-2023-07-28", "air-2024-07-24"}),
        ("intercept", {"air-2024-07-24"}),  # incident kinds in words
        ("Bear-H", {"air-2019-07-23"}),  # a catalogue alias of the Tu-95MS
        ("Aleutians", {"naval-2022-09-15", "naval-2023-07-28"}),  # a place alias
        ("Security Bond", {"ex-2019-12-27"}),  # a drill-name alias (data/aliases.yaml)
        ("tass", {"air-2019-07-23"}),  # a source producer, any case
    ],
)
def test_search_finds(index, query, must_find):
    assert must_find <= set(search.search(index, query))


@pytest.mark.parametrize("word", ["NORAD", "Alaska", "KADIZ", "Tsushima"])
def test_search_finds_every_record_that_names_the_word(record_texts, index, word):
    naming = {eid for eid, text in record_texts.items() if word.casefold() in text}
    assert naming and naming <= set(search.search(index, word))


@pytest.mark.parametrize(
    "query, expected",
    [
        ("", "all"),  # no query: everything
        ("zzzz-no-such-word", 0),
        ("NORAD Alaska", 2),  # every word must match
        ('"joint naval patrol" Alaska', 3),  # a quoted phrase is one term (2024-10-01 names Alaska in a claim)
        ('"naval patrol Alaska"', 0),  # ... and must occur as written
    ],
)
def test_search_counts(dataset, index, query, expected):
    expected = len(dataset.events) if expected == "all" else expected
    assert len(search.search(index, query)) == expected


def test_place_names_in_any_language(dataset):
    # v0.2 places carry names per language; the index reads them when present
    event = next(e for e in dataset.events if "sea-of-japan" in e.areas)
    place = dataset.places["sea-of-japan"]
    named = type("NamedPlace", (), {**{f.name: getattr(place, f.name) for f in dataclasses.fields(Place)}})()
    named.names = {"ru": "Японское море", "zh": "日本海", "ko": "동해"}
    index = search.build_index([event], {**dataset.places, "sea-of-japan": named})
    for query in ("японское", "日本海", "동해"):
        assert search.search(index, query) == [event.id]


def test_snippets_show_the_matching_words(index):
    snippets = search.snippets(index, "naval-2023-07-28", "NORAD")
    assert snippets and all("NORAD" in text for _, text in snippets)
    assert all(len(text) < 2 * search.SNIPPET_CONTEXT + 20 for _, text in snippets)
    assert "NORAD" in search.snippet_line(index, "air-2024-07-24", "norad")
    assert search.snippets(index, "air-2019-07-23", "NORAD") == []


def test_query_is_capped(index):
    assert search.query_terms("x" * 10_000) == ["x" * search.QUERY_MAX]


def test_every_text_a_snippet_can_show_is_searched(dataset, index):
    # texts are built on demand for snippets, the folded text up front for queries: they must agree
    for event in dataset.events:
        folded = index.folded[event.id]
        assert all(text.casefold() in folded for _, text in index.texts[event.id])


@pytest.mark.parametrize(
    "event_id, query, source",
    [
        ("air-2019-07-23", "tass", "curated"),  # only in the first index
        ("own-1", "uploaded words", "own"),  # only in the second
        ("air-2024-07-24", "NORAD", "own"),  # in both: the second wins (an upload's own copy)
    ],
)
def test_merged_index_reads_both_second_wins(dataset, index, event_id, query, source):
    curated = next(e for e in dataset.events if e.id == "air-2024-07-24")
    own_events = [
        dataclasses.replace(curated, id="own-1", summary="uploaded words"),
        dataclasses.replace(curated, summary="NORAD, as uploaded"),
    ]
    own = search.build_index(own_events, dataset.places)
    merged = search.merged(index, own)
    assert event_id in search.search(merged, query)
    expected = own if source == "own" else index
    assert merged.texts[event_id] == expected.texts[event_id]
    assert merged.folded[event_id] == expected.folded[event_id]


@pytest.mark.parametrize("event_id", ["no-such-event", ""])
def test_snippets_of_an_event_not_indexed_are_empty(index, event_id):
    assert search.snippets(index, event_id, "NORAD") == [] and search.snippet_line(index, event_id, "NORAD") == ""
