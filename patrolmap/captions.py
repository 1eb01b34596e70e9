"""What an exported figure or file says about itself: title, filter, data version, sources, link.

A leaf: captions import only the record types and the about text, so every renderer can use them.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from datetime import date

from patrolmap import about, words
from patrolmap.filters import Filters, years_text
from patrolmap.schema import Event

DATASET_TITLE = "Russia–China joint military patrols"
GEOMETRY_NOTE = (
    "Approximate geometry: routes join gazetteer waypoints in the order the sources give; "
    "areas are rough outlines, not official boundaries."
)
SOURCES_SHOWN = 6  # producers named in a caption before "and N others"
SOURCES_LINE_MAX = 240  # characters; a caption is not a bibliography
NO_PERMALINK = "Link to this view: none (no public address is set for this app)"
PAIR = ("RUS", "CHN")  # the two countries every title is about


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
    open_event: str = ""  # the event open in the view (its card), drawn heavier with its badge
    open_event_text: str = ""  # its name and date, for the caption


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
    open_event: str = "",
) -> Caption:
    """The caption of an export of these events under this filter (meta: data/datapackage.yaml).
    open_event: the id of the event open in the view, named in the caption when it is shown."""
    meta = meta or {}
    opened = next((e for e in events if e.id == open_event), None) if open_event else None
    return Caption(
        title=title,
        filters_text=(filters or Filters()).describe(),
        data_version=str(meta.get("version", "unversioned")),
        data_date=str(meta.get("last_reviewed", "unknown")),
        sources_line=sources_line(events),
        permalink=permalink,
        generated=today or date.today(),
        dataset_title=str(meta.get("title") or DATASET_TITLE),
        open_event=opened.id if opened else "",
        open_event_text=f"{opened.name}, {opened.date_start.isoformat()}" if opened else "",
    )


def caption_lines(caption: Caption) -> list[str]:
    """The caption as plain-text lines, title first (unescaped: escape for HTML/SVG yourself)."""
    lines = [caption.title, f"Filter: {caption.filters_text}"]
    if caption.open_event:
        lines.append(f"Open event: {caption.open_event_text} (drawn heavier, with what each side sent)")
    lines += [
        f"Data: {caption.dataset_title}, version {caption.data_version} (last reviewed {caption.data_date}); "
        f"generated {caption.generated.isoformat()}",
        caption.sources_line,
    ]
    lines.append(f"View: {caption.permalink}" if caption.permalink else NO_PERMALINK)
    return lines


def caption_text(caption: Caption) -> str:
    """The caption as a text file, for delivery beside an image exported without it."""
    return "\n".join([*caption_lines(caption), GEOMETRY_NOTE]) + "\n"


def view_title(filters: Filters | None, events: list[Event], subject: str = "") -> str:
    """The title of an export, in words, from the view: 'Russia–China joint naval patrols, 2023'.

    subject names what a chart shows ("events per year, by kind"); the map has none. Years come
    from the filter, or else from the events shown.
    """
    filters = filters or Filters()
    kinds = [words.kind_plural(k) for k in filters.kinds]
    what = _join_words(kinds) if kinds else "patrols and exercises"
    others = [c for c in filters.countries if c not in PAIR]
    head = "Russia–China joint " + what
    if others:
        head += " with " + _join_words([words.country(c) for c in others], "or")
    if filters.responders:
        head += " responded to or reported by " + _join_words([words.country(c) for c in filters.responders], "or")
    if filters.incidents:
        head += " with " + _join_words([words.incident_plural(k) for k in filters.incidents], "or")
    if filters.text:
        head += f" matching “{filters.text}”"
    head += ", " + _period(filters, events)
    return f"{head}: {subject}" if subject else head


def _period(filters: Filters, events: list[Event]) -> str:
    if filters.dates:
        low, high = filters.dates
        return f"{low:%-d %b %Y} – {high:%-d %b %Y}"
    years = set(filters.year_set)
    if filters.years:
        span = set(range(filters.years[0], filters.years[1] + 1))
        years = years & span if years else span
    if not years:
        years = {e.date_start.year for e in events}
    if not years:
        return "no events"
    if len(years) > 2 and max(years) - min(years) + 1 == len(years):
        return f"{min(years)}–{max(years)}"
    return years_text(years)


def _join_words(items: list[str], last: str = "and") -> str:
    return items[0] if len(items) == 1 else f"{', '.join(items[:-1])} {last} {items[-1]}"


def citation_text(caption: Caption) -> str:
    """The dataset citation as printed in an export's README."""
    cov = {"title": caption.dataset_title, "version": caption.data_version, "last_reviewed": caption.data_date}
    return about.citation(cov, caption.generated, caption.permalink)
