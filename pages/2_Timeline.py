"""Events per year by kind and participant, and a timeline of all events."""

from patrolmap import charts, ui

dataset = ui.page_setup("Timeline")
frame = ui.load_frame()
filters, view = ui.sidebar_filters(frame)
shown = ui.filtered(frame, filters)

chart_set = {
    "per-year": charts.events_per_year(shown),
    "by-country": charts.participation_per_year(shown),
    "timeline": charts.event_timeline(shown),
}
ui.render_charts("Timeline", shown, filters, chart_set)
ui.render_exports(ui.events_by_id(shown["id"]), filters, view, chart_set)
