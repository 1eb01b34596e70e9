"""The map: patrol areas, routes and incidents for the events in the filter."""

from patrolmap import ui

dataset = ui.page_setup("Map")
frame = ui.load_frame()
filters, view = ui.sidebar_filters(frame, show_basemap=True)
shown = ui.filtered(frame, filters)
events = ui.events_by_id(shown["id"])

ui.render_map_header(len(shown), len(frame), filters)
result = ui.render_map(events, dataset.places, view)
ui.render_exports(events, filters, view)
ui.render_selection(result, view, dataset, events)
