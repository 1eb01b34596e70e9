"""Events per year by kind and participant, and a timeline of all events."""

import streamlit as st

from patrolmap import charts, ui
from patrolmap.cards import md_escape

dataset = ui.page_setup("Timeline")
frame = ui.load_frame()
filters, view = ui.sidebar_filters(frame)
shown = ui.filtered(frame, filters)
events = ui.events_by_id(shown["id"])

st.title("Timeline")
st.markdown(f"**{len(shown)}** events · {md_escape(filters.describe())}")
chart_set = {
    "per-year": charts.events_per_year(shown),
    "by-country": charts.participation_per_year(shown),
    "timeline": charts.event_timeline(shown),
}
if shown.empty:
    st.info("No event matches the filters.")
else:
    for key, chart in chart_set.items():
        ui.render_chart(chart, key, events, filters, view)
ui.render_exports(events, filters, view, chart_set)
