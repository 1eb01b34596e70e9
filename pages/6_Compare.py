"""Chosen events side by side (/Compare?events=ID,ID): a small map each and a table of differences."""

from patrolmap import ui

dataset = ui.page_setup("Compare")
ui.render_compare(dataset)
ui.render_share_link()
