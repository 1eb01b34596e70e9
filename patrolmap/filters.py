"""Filters over the events frame (see load.events_frame)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

import pandas as pd


@dataclass(frozen=True)
class Filters:
    """What the analyst chose; empty selections mean 'all'."""

    years: tuple[int, int] | None = None
    countries: tuple[str, ...] = ()
    kinds: tuple[str, ...] = ()
    dates: tuple[date, date] | None = None
    text: str = ""
    extra: dict = field(default_factory=dict, compare=False, hash=False)

    def describe(self) -> str:
        """One line saying what the filter keeps, for captions and exports."""
        parts = []
        if self.years:
            parts.append(f"years {self.years[0]}–{self.years[1]}")
        if self.dates:
            parts.append(f"dates {self.dates[0]}–{self.dates[1]}")
        if self.countries:
            parts.append("countries " + ", ".join(self.countries))
        if self.kinds:
            parts.append("kinds " + ", ".join(self.kinds))
        if self.text:
            parts.append(f"text '{self.text}'")
        return "; ".join(parts) if parts else "all events"


def filter_events(frame: pd.DataFrame, filters: Filters) -> pd.DataFrame:
    """Rows of frame that match every active filter.

    countries keeps an event when any participant is among them; dates keeps
    events that overlap the range.
    """
    keep = pd.Series(True, index=frame.index)
    if filters.years:
        low, high = filters.years
        keep &= frame["year"].between(low, high)
    if filters.dates:
        low, high = (pd.Timestamp(d) for d in filters.dates)
        keep &= (frame["date_end"] >= low) & (frame["date_start"] <= high)
    if filters.countries:
        wanted = set(filters.countries)
        keep &= frame["participants"].map(lambda codes: bool(wanted.intersection(codes)))
    if filters.kinds:
        keep &= frame["kind"].isin(filters.kinds)
    if filters.text:
        needle = filters.text.casefold()
        keep &= frame["name"].str.casefold().str.contains(needle, regex=False) | frame["id"].str.contains(
            needle, regex=False
        )
    return frame[keep]
