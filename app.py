"""Home: what this is, what the data covers, how to cite it."""

from patrolmap import ui
from patrolmap.about import coverage

dataset = ui.page_setup("Home")
ui.render_home(coverage(dataset))
