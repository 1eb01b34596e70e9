"""The worker process: results and exceptions come back, a crash or a stall is one clear failure
and the next job still runs, and an upload parsed there is the upload parsed here."""

import os
import sys
import time
from pathlib import Path

import pytest

from patrolmap import workers
from patrolmap.load import load_dataset
from patrolmap.upload import parse_upload

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "benchmarks"))

from hostile_upload import huge_geojson, long_route_yaml  # noqa: E402

BROKEN_UPLOADS = ROOT / "tests" / "fixtures" / "broken" / "uploads"
HOSTILE_UPLOADS = ROOT / "tests" / "fixtures" / "hostile" / "uploads"


@pytest.fixture(scope="module", autouse=True)
def worker():
    yield
    workers.stop()


@pytest.fixture(scope="module")
def dataset():
    return load_dataset()


@pytest.mark.parametrize(
    "function, args, expected",
    [
        (len, ("abc",), 3),
        (sorted, ([3, 1, 2],), [1, 2, 3]),
        (divmod, (7, 2), (3, 1)),
    ],
)
def test_a_job_returns_its_result(function, args, expected):
    assert workers.run(function, *args) == expected


def test_a_job_raises_its_own_exception():
    with pytest.raises(ValueError, match="invalid literal"):
        workers.run(int, "not a number")


@pytest.mark.parametrize(
    "function, args, timeout, reason",
    [
        (os._exit, (3,), 30, "the worker process ended (exit code 3)"),
        (time.sleep, (30,), 1, "stopped after 1 s"),
    ],
    ids=["worker crashes", "job runs away"],
)
def test_a_crash_or_a_stall_fails_clearly_and_the_next_job_runs(function, args, timeout, reason):
    started = time.monotonic()
    with pytest.raises(workers.WorkerFailed) as failed:
        workers.run(function, *args, timeout=timeout)
    assert str(failed.value) == reason
    assert time.monotonic() - started < 25  # a stalled job is killed at its timeout, not waited for
    assert workers.run(len, "ok") == 2  # a new worker took over


def test_warm_returns_at_once():
    workers.stop()
    started = time.monotonic()
    workers.warm()
    assert time.monotonic() - started < 0.5  # the fork server's imports happen on another thread
    assert workers.run(len, "warm") == 4


def upload_files():
    files = [(p.name, p.read_bytes()) for d in (BROKEN_UPLOADS, HOSTILE_UPLOADS) for p in sorted(d.iterdir())]
    files = [(name, data) for name, data in files if not name.endswith((".py", ".txt"))]
    return [*files, ("vertices-196k.geojson", huge_geojson()), ("route-120k.yaml", long_route_yaml())]


@pytest.mark.parametrize("name, content", upload_files(), ids=[name for name, _ in upload_files()])
def test_an_upload_parsed_in_the_worker_is_the_upload_parsed_here(dataset, name, content):
    curated = frozenset(e.id for e in dataset.events)
    here = parse_upload(name, content, dataset.places, curated_ids=curated)
    there = workers.run(parse_upload, name, content, dataset.places, curated_ids=curated)
    assert repr(there) == repr(here)  # repr: a NaN the file holds is never equal to itself
    assert there.events or there.errors  # every file gives events or names its problems


def test_the_worker_runs_below_the_servers_priority():
    assert workers.run(os.nice, 0) == os.nice(0) + workers.WORKER_NICENESS


STALLED = workers.WorkerFailed("stopped after 60 s")


def _raise(error):
    def fail(*args, **kwargs):
        raise error

    return fail


@pytest.mark.parametrize(
    "size, where, error, value",
    [
        (10, "parse_upload", RuntimeError("parser bug"), "could not be read"),
        (300 * 1024, "workers.run", STALLED, f"could not be read: {STALLED}"),
    ],
    ids=["small file parsed here", "large file parsed in the worker"],
)
def test_an_upload_that_gives_no_result_is_one_problem_row(monkeypatch, dataset, size, where, error, value):
    from patrolmap import ui

    assert (size >= ui.WORKER_MIN_BYTES) == (where == "workers.run")
    monkeypatch.setattr(ui.workers, "warm", lambda: None)
    monkeypatch.setattr(ui, "parse_upload", _raise(error) if where == "parse_upload" else _raise(AssertionError))
    if where == "workers.run":
        monkeypatch.setattr(ui.workers, "run", _raise(error))
    result = ui._read_upload("mine<b>.yaml", b"x" * size, dataset)
    assert [(e.file, e.field, e.value) for e in result.errors] == [("mine<b>.yaml", "(file)", value)]
    assert result.events == []
