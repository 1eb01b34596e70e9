"""Events per year by kind and participant, and a timeline of all events."""

from patrolmap import charts, ui

dataset = ui.page_setup("Timeline")
frame = ui.load_frame()
filters, view = ui.sidebar_filters(frame)
shown = ui.filtered(frame, filters)

ui.render_charts(
    "Timeline",
    shown,
    filters,
    [charts.events_per_year(shown), charts.participation_per_year(shown), charts.event_timeline(shown)],
)
