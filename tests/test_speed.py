"""patrolmap.speed: the identity memo and the paused cycle collector of the map path."""

from __future__ import annotations

import dataclasses
import gc
import threading

import pytest

from patrolmap import layers
from patrolmap.load import load_dataset
from patrolmap.speed import IdentityMemo, without_cyclic_gc


@dataclasses.dataclass(frozen=True)
class Record:
    name: str


def test_memo_computes_once_per_object_not_per_equal_value():
    calls = []
    memo = IdentityMemo(lambda r: calls.append(r) or r.name.upper(), maxsize=10)
    a, twin = Record("a"), Record("a")
    assert a == twin and a is not twin
    assert [memo(a), memo(a), memo(twin)] == ["A", "A", "A"]
    assert calls == [a, twin]  # an equal but distinct object is computed again, not trusted


def test_memo_holds_its_objects_so_an_id_is_never_reused_for_another():
    memo = IdentityMemo(lambda r: r.name, maxsize=10)
    seen = {id(r): memo(r) for r in (Record(str(i)) for i in range(5))}
    # the records are gone from the caller but alive in the memo: five distinct ids, five names
    assert sorted(seen.values()) == ["0", "1", "2", "3", "4"] and len(memo) == 5


def test_memo_starts_over_when_full():
    memo = IdentityMemo(lambda r: r.name, maxsize=3)
    kept = [Record(str(i)) for i in range(4)]
    for r in kept:
        memo(r)
    assert len(memo) == 1  # the fourth cleared the three before it


def test_an_edited_event_gets_its_own_text():
    dataset = load_dataset()
    event = next(e for e in dataset.events if e.route is not None)
    edited = dataclasses.replace(event, name="Renamed patrol")
    before = layers.build_model([event], dataset.places).routes[0]
    after = layers.build_model([edited], dataset.places).routes[0]
    assert event.name in before.text[0] and "Renamed patrol" in after.text[0]
    assert after.label.startswith("Renamed patrol")


@pytest.fixture
def collector_on():
    was = gc.isenabled()
    gc.enable()
    yield
    if not was:
        gc.disable()


@pytest.mark.parametrize(
    "enabled_before, raises",
    [
        (True, False),
        (True, True),  # an exception in the build still resumes the collector
        (False, False),  # a collector someone else turned off stays off
    ],
)
def test_the_collector_is_paused_during_a_build_and_restored_after(collector_on, enabled_before, raises):
    inside = []

    @without_cyclic_gc
    def build():
        inside.append(gc.isenabled())
        if raises:
            raise ValueError("bad")
        return "model"

    if not enabled_before:
        gc.disable()
    if raises:
        with pytest.raises(ValueError):
            build()
    else:
        assert build() == "model"
    assert inside == [False] and gc.isenabled() == enabled_before


def test_nested_and_concurrent_builds_resume_the_collector_only_when_the_last_ends(collector_on):
    started, release = threading.Event(), threading.Event()
    states = []

    @without_cyclic_gc
    def slow():
        started.set()
        release.wait(5)

    @without_cyclic_gc
    def outer():
        inner()
        states.append(("after inner", gc.isenabled()))

    @without_cyclic_gc
    def inner():
        states.append(("inner", gc.isenabled()))

    other = threading.Thread(target=slow)
    other.start()
    started.wait(5)
    outer()  # ends while the other thread's build still runs
    states.append(("outer done, other running", gc.isenabled()))
    release.set()
    other.join(5)
    states.append(("all done", gc.isenabled()))
    assert states == [
        ("inner", False),
        ("after inner", False),
        ("outer done, other running", False),
        ("all done", True),
    ]
