"""All events in the filter as a searchable, sortable table; each row opens its card."""

from patrolmap import ui

dataset = ui.page_setup("Events")
frame = ui.load_frame()
filters, view = ui.sidebar_filters(frame, show_search=True)
shown = ui.filtered(frame, filters)

ui.render_events_table(shown, view, dataset)
