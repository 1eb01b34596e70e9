"""Altair charts from the events frame."""

from __future__ import annotations

import altair as alt
import pandas as pd

from patrolmap.schema import COUNTRIES, KIND_LABELS

KIND_COLORS = {"Air patrol": "#b2182b", "Naval patrol": "#2166ac", "Exercise": "#1a7a4c"}


def _kind_scale() -> alt.Scale:
    return alt.Scale(domain=list(KIND_COLORS), range=list(KIND_COLORS.values()))


def events_per_year(frame: pd.DataFrame, title: str = "Joint events per year, by kind") -> alt.Chart:
    data = frame.assign(kind_label=frame["kind"].map(KIND_LABELS)).groupby(["year", "kind_label"]).size()
    data = data.rename("events").reset_index()
    return (
        alt.Chart(data, title=title)
        .mark_bar()
        .encode(
            x=alt.X("year:O", title="Year"),
            y=alt.Y("events:Q", title="Events", axis=alt.Axis(tickMinStep=1)),
            color=alt.Color("kind_label:N", title="Kind", scale=_kind_scale()),
            tooltip=["year:O", alt.Tooltip("kind_label:N", title="Kind"), "events:Q"],
        )
        .properties(width=560, height=260)
    )


def participation_per_year(frame: pd.DataFrame, title: str = "Events per year, by participating country") -> alt.Chart:
    data = frame[["year", "participants"]].explode("participants")
    data = data.assign(country=data["participants"].map(lambda c: COUNTRIES.get(c, c)))
    data = data.groupby(["year", "country"]).size().rename("events").reset_index()
    # Grouped bars, not lines: Russia and China take part in almost every event, and their
    # lines would lie on top of each other.
    return (
        alt.Chart(data, title=title)
        .mark_bar()
        .encode(
            x=alt.X("year:O", title="Year"),
            xOffset=alt.XOffset("country:N"),
            y=alt.Y("events:Q", title="Events", axis=alt.Axis(tickMinStep=1)),
            color=alt.Color("country:N", title="Country"),
            tooltip=["year:O", "country:N", "events:Q"],
        )
        .properties(width=560, height=260)
    )


def event_timeline(frame: pd.DataFrame, title: str = "Timeline of all events") -> alt.Chart:
    data = frame.assign(
        kind_label=frame["kind"].map(KIND_LABELS),
        start=frame["date_start"].dt.strftime("%Y-%m-%d"),
        end=(frame["date_end"] + pd.Timedelta(days=1)).dt.strftime("%Y-%m-%d"),
    )[["id", "name", "kind_label", "start", "end"]]
    return (
        alt.Chart(data, title=title)
        .mark_tick(thickness=3, size=24)
        .encode(
            x=alt.X("start:T", title="Date", axis=alt.Axis(format="%Y", tickCount="year")),
            y=alt.Y("kind_label:N", title=None, sort=list(KIND_COLORS), axis=alt.Axis(labelLimit=200)),
            color=alt.Color("kind_label:N", title="Kind", scale=_kind_scale(), legend=None),
            tooltip=[alt.Tooltip("name:N", title="Event"), alt.Tooltip("start:T", title="Start"), "id:N"],
        )
        .properties(width=560, height=alt.Step(40))
    )


def assets_per_year(assets: pd.DataFrame, title: str = "Aircraft and ships by type and year") -> alt.Chart:
    """A heatmap: rows are catalogue types, cells the number of events in which each took part."""
    data = assets.groupby(["type_class", "role", "year"]).agg(events=("event", "nunique")).reset_index()
    order = data.groupby("type_class")["events"].sum().sort_values(ascending=False).index.tolist()
    return (
        alt.Chart(data, title=title)
        .mark_rect()
        .encode(
            x=alt.X("year:O", title="Year"),
            y=alt.Y("type_class:N", title=None, sort=order, axis=alt.Axis(labelLimit=260, labelOverlap=False)),
            color=alt.Color("events:Q", title="Events", scale=alt.Scale(scheme="blues")),
            tooltip=[alt.Tooltip("type_class:N", title="Type"), "role:N", "year:O", "events:Q"],
        )
        .properties(width=420, height=alt.Step(20))
    )


def assets_frame(events, types: dict[str, str] | None = None) -> pd.DataFrame:
    """One row per reported asset entry: year, country, type as reported, catalogue type, role, count.

    types maps every catalogue alias to its type (load.type_index), so 'Hong-6K' counts as 'H-6K'.
    """
    types = types or {}
    rows = [
        {
            "event": e.id,
            "year": e.year,
            "country": a.country,
            "type": a.type,
            "type_class": types.get(a.type, a.type),
            "role": a.role,
            "count": a.count,
        }
        for e in events
        for a in e.assets
    ]
    return pd.DataFrame(rows, columns=["event", "year", "country", "type", "type_class", "role", "count"])
