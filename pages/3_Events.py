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
    "matches": st.column_config.TextColumn("Matching words", width="large"),
    "aircraft": st.column_config.TextColumn(
        "Aircraft", help="Sum of reported aircraft counts; a range with ⚠ where sources dispute the total"
    ),
    "ships": st.column_config.TextColumn(
        "Ships", help="Sum of reported ship and submarine counts; a range with ⚠ where sources dispute the total"
    ),
    "n_sources": st.column_config.NumberColumn("Sources"),
    "disputed": st.column_config.TextColumn("Disputed", help="What sources disagree on"),
    "sources": st.column_config.TextColumn("Sources cited", help="Producers; the card links each source"),
    "id": "Id",
}

dataset = ui.page_setup("Events")
frame = ui.load_frame()
filters, view = ui.sidebar_filters(frame, show_search=True)
shown = ui.filtered(frame, filters)
events = {e.id: e for e in ui.events_by_id(shown["id"])}
table = tables.events_table(shown, events, ui.search_index(), filters.text)

st.title("Events")
st.markdown(
    f"**{len(shown)}** events · select a row to open its card, two or more to compare them; click a header to sort."
)
picked = st.dataframe(
    table,
    column_config=EVENT_COLUMNS,
    hide_index=True,
    width="stretch",
    on_select="rerun",
    selection_mode="multi-row",
    key="events_table",
)
rows = picked.selection.rows if picked else []
ids = [table.iloc[r]["id"] for r in rows]
if len(ids) >= 2:
    ui.render_compare_link(ids, label=f"Compare the {len(ids)} selected events side by side")
chosen = ids[0] if ids else (view.event if view.event in set(table["id"]) else "")
ui.remember_view(replace(view, event=chosen))
if chosen:
    with st.container(border=True):
        ui.render_card(cards.event_card(ui.events_by_id([chosen])[0], dataset.places), chosen)
