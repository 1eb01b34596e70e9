"""The catalogue of aircraft and ship types, with counts by type and year."""

import streamlit as st

from patrolmap import charts, load, tables, ui
from patrolmap.cards import md_escape

dataset = ui.page_setup("Aircraft and ships")
frame = ui.load_frame()
filters, view = ui.sidebar_filters(frame)
shown = ui.filtered(frame, filters)
events = ui.events_by_id(shown["id"])
assets = charts.assets_frame(events, load.type_index(dataset.catalogue))

st.title("Aircraft and ships")
if not dataset.catalogue:
    st.info("The catalogue data/assets.yaml is empty.")
else:
    st.dataframe(
        tables.catalogue_rows(dataset.catalogue, assets),
        hide_index=True,
        width="stretch",
        column_config={"source": st.column_config.LinkColumn("Source")},
    )
if len(assets):
    st.subheader("Reported in the events in the filter")
    st.dataframe(tables.reported_types(assets), hide_index=True, width="stretch")
st.markdown(f"**{len(shown)}** events · {md_escape(filters.describe())}")
if shown.empty:
    st.info("No event matches the filters.")
else:
    ui.render_chart(charts.assets_per_year(assets), "assets", events, filters, view)
