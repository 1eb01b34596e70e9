"""Coverage, method, licence, how to cite and the change log, rendered from data/."""

from patrolmap import ui
from patrolmap.about import coverage

dataset = ui.page_setup("About the data")
ui.render_about(coverage(dataset), dataset)
