"""What the export tests per renderer share: the real data, a filtered subset, its caption,
the subset with markup in it, and readers for PNG and SVG (test_export.py reads them from here too)."""

from __future__ import annotations

import dataclasses
import struct
import xml.etree.ElementTree as ET
from datetime import date

from patrolmap import captions
from patrolmap.filters import Filters, filter_events
from patrolmap.load import events_frame, load_dataset

TODAY = date(2026, 11, 27)
PERMALINK = "https://patrolmap.example/Map?years=2019-2023&kinds=air_patrol"
HOSTILE = "<script>alert(1)</script>"
SUBSET_FILTERS = Filters(years=(2019, 2023), kinds=("air_patrol",))
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def dataset():
    return load_dataset()


def subset(dataset):
    """Air patrols 2019-2023: a small filtered view, as a page would export it."""
    ids = set(filter_events(events_frame(dataset.events), SUBSET_FILTERS)["id"])
    return [e for e in dataset.events if e.id in ids]


def caption(dataset, subset):
    return captions.caption_for("Air patrols 2019-2023", subset, SUBSET_FILTERS, dataset.meta, PERMALINK, TODAY)


def hostile_events(subset):
    """The subset with one event whose name and source producer are markup."""
    first = subset[0]
    source = dataclasses.replace(first.sources[0], producer=HOSTILE)
    return [dataclasses.replace(first, name=HOSTILE, sources=(source, *first.sources[1:])), *subset[1:]]


def png_size(data: bytes) -> tuple[int, int]:
    assert data[:8] == PNG_SIGNATURE
    return struct.unpack(">II", data[16:24])


def svg_text(data: bytes) -> str:
    """All text content of an SVG (parses it: a broken SVG fails here)."""
    root = ET.fromstring(data)
    return " ".join(t for el in root.iter() for t in (el.text, el.tail) if t and t.strip())
