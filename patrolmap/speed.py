"""The map path's two tools for speed: values remembered by identity, and builds with the cyclic
garbage collector paused.

IdentityMemo: a frozen record's hash walks every field (~10 µs for an event), so functools.lru_cache
keyed by the record costs as much as the text it saves. The records of a server process are built
once (ui.load_dataset) and every rerun draws the same objects, so identity is the right key. Each
entry holds its object, so the object's id cannot be reused by another while the entry lives.
"""

from __future__ import annotations

import functools
import gc
import threading
from collections.abc import Callable
from typing import Generic, TypeVar

K = TypeVar("K")
V = TypeVar("V")


class IdentityMemo(Generic[K, V]):
    """compute(obj) once per object (by identity), for up to maxsize objects; then it starts over."""

    def __init__(self, compute: Callable[[K], V], maxsize: int):
        self._compute = compute
        self._maxsize = maxsize
        self._entries: dict[int, tuple[K, V]] = {}
        self._lock = threading.Lock()

    def __call__(self, obj: K) -> V:
        entry = self._entries.get(id(obj))
        if entry is not None and entry[0] is obj:
            return entry[1]
        value = self._compute(obj)
        with self._lock:
            if len(self._entries) >= self._maxsize:
                self._entries.clear()
            self._entries[id(obj)] = (obj, value)
        return value

    def __len__(self) -> int:
        return len(self._entries)


_gc_pauses = 0  # builds running with the collector paused, in any thread
_gc_resume = False  # whether the collector was on when the first of them began
_gc_lock = threading.Lock()


def without_cyclic_gc(build: Callable[..., V]) -> Callable[..., V]:
    """build, run with Python's cycle collector paused (reference counting still frees everything).

    A map build at 10,000 events allocates some 300,000 short-lived containers (features, rows,
    their lists). That triggers full collections over every object of the server, ~0.25 s each
    and up to three per build: a quarter of its time, spent finding no garbage, since the model
    holds no reference cycles. Nested and concurrent builds are counted; the last one out resumes
    the collector if it was on.
    """

    @functools.wraps(build)
    def paused(*args, **kwargs):
        global _gc_pauses, _gc_resume
        with _gc_lock:
            if _gc_pauses == 0:
                _gc_resume = gc.isenabled()
                gc.disable()
            _gc_pauses += 1
        try:
            return build(*args, **kwargs)
        finally:
            with _gc_lock:
                _gc_pauses -= 1
                if _gc_pauses == 0 and _gc_resume:
                    gc.enable()

    return paused
