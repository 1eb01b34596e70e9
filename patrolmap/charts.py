"""Altair charts from the events frame."""

from __future__ import annotations

import altair as alt
import pandas as pd

from patrolmap import words
from patrolmap.schema import COUNTRIES

KIND_COLORS = {
    "Air patrol": "#b2182b",
    "Naval patrol": "#2166ac",
    "Submarine patrol": "#053061",
    "Coast-guard patrol": "#4393c3",
    "Exercise": "#1a7a4c",
}


def _kind_scale() -> alt.Scale:
    return alt.Scale(domain=list(KIND_COLORS), range=list(KIND_COLORS.values()))


def events_per_year(frame: pd.DataFrame, title: str = "Joint events per year, by kind") -> alt.Chart:
    data = frame.assign(kind_label=frame["kind"].map(words.kind)).groupby(["year", "kind_label"]).size()
    data = data.rename("events").reset_index()
    return (
        alt.Chart(data, title=title)
        .mark_bar()
        .encode(
            x=alt.X("year:O", title="Year"),
            y=alt.Y("events:Q", title="Events", axis=alt.Axis(tickMinStep=1)),
            color=alt.Color("kind_label:N", title="Kind", scale=_kind_scale()),
            tooltip=[
                alt.Tooltip("year:O", title="Year"),
                alt.Tooltip("kind_label:N", title="Kind"),
                alt.Tooltip("events:Q", title="Events"),
            ],
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
            tooltip=[
                alt.Tooltip("year:O", title="Year"),
                alt.Tooltip("country:N", title="Country"),
                alt.Tooltip("events:Q", title="Events"),
            ],
        )
        .properties(width=560, height=260)
    )


TIMELINE_SELECTION = "event_pick"  # the selection's name: st.altair_chart(on_select=...) reports it


def event_timeline(frame: pd.DataFrame, title: str = "Timeline of all events") -> alt.Chart:
    """One row per event, a bar from its first to its last day, labelled with its name; hover names
    it, a click selects it (selection TIMELINE_SELECTION, field id) so the page can open its card."""
    data = frame.assign(
        kind_label=frame["kind"].map(words.kind),
        start=frame["date_start"].dt.strftime("%Y-%m-%d"),
        end=(frame["date_end"] + pd.Timedelta(days=1)).dt.strftime("%Y-%m-%d"),
        days=(frame["date_end"] - frame["date_start"]).dt.days + 1,
        label=frame["name"].astype(str) + "  (" + frame["date_start"].dt.strftime("%b %Y") + ")",
    )[["id", "name", "kind_label", "start", "end", "days", "label", "date_start"]].sort_values("date_start")
    data = data.drop(columns="date_start")
    pick = alt.selection_point(name=TIMELINE_SELECTION, fields=["id"], on="click", clear="dblclick")
    order = list(data["id"])
    base = alt.Chart(data).encode(
        y=alt.Y("id:N", sort=order, title=None, axis=None),
        tooltip=[
            alt.Tooltip("name:N", title="Event"),
            alt.Tooltip("kind_label:N", title="Kind"),
            alt.Tooltip("start:T", title="Start", format="%d %b %Y"),
            alt.Tooltip("days:Q", title="Days"),
        ],
    )
    # A one-day patrol would be a hairline at this scale: bars are at least a few pixels wide.
    bars = (
        base.mark_bar(height=12, cornerRadius=2, strokeWidth=3)
        .encode(
            x=alt.X("start:T", title="Date", axis=alt.Axis(format="%Y", tickCount="year")),
            x2="end:T",
            color=alt.Color("kind_label:N", title="Kind", scale=_kind_scale(), legend=alt.Legend(orient="top")),
            stroke=alt.Stroke("kind_label:N", scale=_kind_scale(), legend=alt.Legend(orient="top")),
            opacity=alt.condition(pick, alt.value(1.0), alt.value(0.35)),
        )
        .add_params(pick)
    )
    labels = base.mark_text(align="left", baseline="middle", dx=6, fontSize=10, color="#333").encode(
        x="end:T", text="label:N"
    )
    return alt.layer(bars, labels, title=title).properties(width=720, height=alt.Step(16))


def picked_event(selection_state) -> str:
    """The event id a click on the timeline selected (st.altair_chart's on_select state), or ''."""
    try:
        points = (selection_state or {}).get("selection", {}).get(TIMELINE_SELECTION) or []
    except AttributeError:
        return ""
    for point in points if isinstance(points, list) else []:
        if isinstance(point, dict) and isinstance(point.get("id"), str):
            return point["id"]
    return ""


def assets_per_year(assets: pd.DataFrame, title: str = "Aircraft and ships by type and year") -> alt.Chart:
    """A heatmap: rows are catalogue types, cells the number of events in which each took part."""
    data = assets.groupby(["type_class", "role", "year"]).agg(events=("event", "nunique")).reset_index()
    data = data.assign(role_label=data["role"].map(words.role))
    order = data.groupby("type_class")["events"].sum().sort_values(ascending=False).index.tolist()
    return (
        alt.Chart(data, title=title)
        .mark_rect()
        .encode(
            x=alt.X("year:O", title="Year"),
            y=alt.Y("type_class:N", title=None, sort=order, axis=alt.Axis(labelLimit=260, labelOverlap=False)),
            color=alt.Color("events:Q", title="Events", scale=alt.Scale(scheme="blues")),
            tooltip=[
                alt.Tooltip("type_class:N", title="Type"),
                alt.Tooltip("role_label:N", title="Role"),
                alt.Tooltip("year:O", title="Year"),
                alt.Tooltip("events:Q", title="Events"),
            ],
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
