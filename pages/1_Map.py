"""The map: patrol areas, routes and incidents for the events in the filter."""

import streamlit as st

from patrolmap import ui
from patrolmap.cards import md_escape

dataset = ui.page_setup("Map")
frame = ui.load_frame()
filters, view = ui.sidebar_filters(frame, show_basemap=True)
shown = ui.filtered(frame, filters)
events = ui.events_by_id(shown["id"])

st.title("Map of joint patrols")
st.markdown(f"**{len(shown)}** of {len(frame)} events shown · {md_escape(filters.describe())}")
map_column, card_panel = ui.map_layout()
with map_column:
    result = ui.render_map(events, dataset.places, view, narrowed=len(shown) < len(frame))
with card_panel:
    ui.render_selection(result, view, dataset, events)
ui.render_exports(events, filters, view)
