"""Work that must not run on the server's own threads: one worker process per server (pebble).

A 2 MB upload holds the interpreter lock for most of a second while it is parsed (JSON, the
checks on 200,000 positions, their geodesic length); parsed on the server, every other analyst's
script run waits behind it (issue 16). In the worker the server's threads keep running; a crash
in a C parser (GEOS, libyaml) ends the worker, not the server; a parse that runs away is killed
after TIMEOUT_S. pebble restarts a worker that died or was killed. The worker runs at a lower
priority than the server, so a busy machine serves the other analysts first.

The worker is forked from a fork server that has the parsing modules imported (PRELOAD), never
from the server itself (its threads and locks must not be copied). `warm()` starts it without
waiting, so the first upload does not pay for the imports. Pure: no streamlit.
"""

from __future__ import annotations

import multiprocessing
import os
import threading
from collections.abc import Callable
from concurrent.futures import TimeoutError as FutureTimeout
from typing import TypeVar

from pebble import ProcessExpired, ProcessPool

PRELOAD = ["patrolmap.upload"]
TIMEOUT_S = 60.0
WORKER_NICENESS = 10  # added to the worker's scheduling niceness (Unix; 19 is the lowest priority)

T = TypeVar("T")

_pool: ProcessPool | None = None
_lock = threading.Lock()


class WorkerFailed(Exception):
    """The worker died or ran out of time: the work was not done (the reason is in the message)."""


def _worker_pool() -> ProcessPool:
    global _pool
    with _lock:
        if _pool is None:
            context = multiprocessing.get_context("forkserver")
            context.set_forkserver_preload(PRELOAD)
            _pool = ProcessPool(max_workers=1, context=context, initializer=_lower_priority)
        return _pool


def _lower_priority() -> None:
    """In the worker: below the server's threads, so that on a busy machine other analysts'
    runs go first and only the upload itself waits longer."""
    os.nice(WORKER_NICENESS)


def warm() -> None:
    """Start the worker now, on a thread of its own: starting the fork server (the imports) takes
    a second or more, which no page should wait for."""
    if _pool is None:
        threading.Thread(target=_start, name="patrolmap-worker-start", daemon=True).start()


def _start() -> None:
    _worker_pool().schedule(int)


def run(function: Callable[..., T], *args, timeout: float = TIMEOUT_S, **kwargs) -> T:
    """function(*args, **kwargs) in the worker, its result or its exception; WorkerFailed when the worker
    died on the way or took longer than timeout seconds (it is then killed and replaced)."""
    future = _worker_pool().schedule(function, args=args, kwargs=kwargs, timeout=timeout)
    try:
        return future.result()
    except FutureTimeout:
        raise WorkerFailed(f"stopped after {timeout:g} s") from None
    except ProcessExpired as exc:
        raise WorkerFailed(f"the worker process ended (exit code {exc.exitcode})") from None


def stop() -> None:
    """End the worker (tests; the server's own exit ends it too)."""
    global _pool
    with _lock:
        pool, _pool = _pool, None
    if pool is not None:
        pool.stop()
        pool.join()
