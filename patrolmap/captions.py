"""What an exported figure or file says about itself: title, filter, data version, sources, link.

A leaf: captions import only the record types and the about text, so every renderer can use them.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from datetime import date

from patrolmap import about
from patrolmap.filters import Filters
from patrolmap.schema import Event

DATASET_TITLE = "Russia–China joint military patrols"
GEOMETRY_NOTE = (
    "Approximate geometry: routes join gazetteer waypoints in the order the sources give; "
    "areas are rough outlines, not official boundaries."
)
SOURCES_SHOWN = 6  # producers named in a caption before "and N others"
SOURCES_LINE_MAX = 240  # characters; a caption is not a bibliography


@dataclass(frozen=True)
class Caption:
    """What an exported figure says about itself."""

    title: str
    filters_text: str
    data_version: str
    data_date: str  # the dataset's last_reviewed date
    sources_line: str
    permalink: str
    generated: date
    dataset_title: str = DATASET_TITLE


def sources_line(events: list[Event], limit: int = SOURCES_SHOWN) -> str:
    """'Sources: TASS, Jiji Press, ... and 12 others, as cited per event in the dataset'.

    Producers of the events in the view, most cited first (ties alphabetical); a producer's
    parenthetical ("TASS (quoting the Russian MoD)") is folded into its name.
    """
    counts = Counter(_short_producer(s.producer) for e in events for s in e.sources)
    if not counts:
        return "Sources: none (no events in the view)"
    ranked = [name for name, _ in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0].casefold()))]
    shown = []
    for name in ranked[:limit]:
        if len(", ".join([*shown, name])) > SOURCES_LINE_MAX - 60:
            break
        shown.append(name)
    rest = len(ranked) - len(shown)
    more = f" and {rest} other{'s' if rest != 1 else ''}" if rest else ""
    return f"Sources: {', '.join(shown)}{more}, as cited per event in the dataset"


def _short_producer(producer: str) -> str:
    short = re.sub(r"\s*\([^)]*\)\s*$", "", producer).strip()
    return short or producer


def caption_for(
    title: str,
    events: list[Event],
    filters: Filters | None,
    meta: dict,
    permalink: str = "",
    today: date | None = None,
) -> Caption:
    """The caption of an export of these events under this filter (meta: data/datapackage.yaml)."""
    meta = meta or {}
    return Caption(
        title=title,
        filters_text=(filters or Filters()).describe(),
        data_version=str(meta.get("version", "unversioned")),
        data_date=str(meta.get("last_reviewed", "unknown")),
        sources_line=sources_line(events),
        permalink=permalink,
        generated=today or date.today(),
        dataset_title=str(meta.get("title") or DATASET_TITLE),
    )


def caption_lines(caption: Caption) -> list[str]:
    """The caption as plain-text lines, title first (unescaped: escape for HTML/SVG yourself)."""
    lines = [
        caption.title,
        f"Filter: {caption.filters_text}",
        f"Data: {caption.dataset_title}, version {caption.data_version} (last reviewed {caption.data_date}); "
        f"generated {caption.generated.isoformat()}",
        caption.sources_line,
    ]
    if caption.permalink:
        lines.append(f"View: {caption.permalink}")
    return lines


def citation_text(caption: Caption) -> str:
    """The dataset citation as printed in an export's README."""
    cov = {"title": caption.dataset_title, "version": caption.data_version, "last_reviewed": caption.data_date}
    return about.citation(cov, caption.generated, caption.permalink)
