"""The catalogue of aircraft and ship types, with counts by type and year."""

from patrolmap import charts, load, ui

dataset = ui.page_setup("Aircraft and ships")
frame = ui.load_frame()
filters, view = ui.sidebar_filters(frame)
shown = ui.filtered(frame, filters)
assets = charts.assets_frame(ui.events_by_id(shown["id"]), load.type_index(dataset.catalogue))

ui.render_catalogue(dataset.catalogue, assets)
ui.render_charts(None, shown, filters, {"assets": charts.assets_per_year(assets)})
