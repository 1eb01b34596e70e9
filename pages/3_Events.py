"""All events in the filter as a searchable, sortable table; each row opens its card."""

from dataclasses import replace

import streamlit as st

from patrolmap import cards, tables, ui

EVENT_COLUMNS = {
    "date_start": st.column_config.DateColumn("Start", format="YYYY-MM-DD"),
    "date_end": st.column_config.DateColumn("End", format="YYYY-MM-DD"),
    "kind": "Kind",
    "name": "Event",
    "participants": "Participants",
    "aircraft": st.column_config.NumberColumn("Aircraft", help="Sum of reported aircraft counts"),
    "ships": st.column_config.NumberColumn("Ships", help="Sum of reported ship and submarine counts"),
    "n_sources": st.column_config.NumberColumn("Sources"),
    "disputed": st.column_config.TextColumn("Disputed", help="Fields on which sources disagree"),
    "sources": st.column_config.TextColumn("Sources cited", help="Producers; the card links each source"),
    "id": "Id",
}

dataset = ui.page_setup("Events")
frame = ui.load_frame()
filters, view = ui.sidebar_filters(frame, show_search=True)
shown = ui.filtered(frame, filters)
table = tables.events_table(shown)

st.title("Events")
st.markdown(f"**{len(shown)}** events · select a row to open its card; click a header to sort.")
picked = st.dataframe(
    table,
    column_config=EVENT_COLUMNS,
    hide_index=True,
    width="stretch",
    on_select="rerun",
    selection_mode="single-row",
    key="events_table",
)
rows = picked.selection.rows if picked else []
chosen = table.iloc[rows[0]]["id"] if rows else (view.event if view.event in set(table["id"]) else "")
ui.remember_view(replace(view, event=chosen))
if chosen:
    with st.container(border=True):
        ui.render_card(cards.event_card(ui.events_by_id([chosen])[0], dataset.places))
