"""The card says why an event has no route, from the record alone (kind, areas, unknown)."""

import dataclasses

import pytest

from patrolmap import cards, load


@pytest.fixture(scope="module")
def dataset():
    return load.load_dataset()


@pytest.mark.parametrize(
    "event_id, change, expected",
    [
        ("ex-2019-12-27", {}, "No route drawn: the sources give only the exercise area (Gulf of Oman"),
        # A patrol whose record lists its route as looked for and not found.
        (
            "air-2019-07-23",
            {"route": None, "unknown": ("aircraft_total", "route and order of waypoints")},
            "No route drawn: looked for and not found in the sources read (route and order of waypoints)",
        ),
        ("air-2019-07-23", {"route": None, "unknown": ()}, "No route drawn: the sources give only the areas covered"),
        ("air-2019-07-23", {}, ""),  # has a route: nothing to explain
    ],
)
def test_the_card_says_why_no_route_is_drawn(dataset, event_id, change, expected):
    event = dataclasses.replace(next(e for e in dataset.events if e.id == event_id), **change)
    reason = cards.event_card(event, dataset.places).no_route
    assert reason.startswith(expected) if expected else reason == ""


def test_every_event_without_a_route_gets_a_reason(dataset):
    missing = [e.id for e in dataset.events if not e.route and not cards.event_card(e, dataset.places).no_route]
    assert missing == []
