"""PNG/SVG snapshots of the layer model: size, determinism, caption, view, legend, slide sizes."""

import math

import export_cases as cases
import pytest
from export_cases import PERMALINK, png_size, svg_text

from patrolmap import export, render_snapshot

dataset = pytest.fixture(scope="module")(cases.dataset)
subset = pytest.fixture(scope="module")(cases.subset)
caption = pytest.fixture(scope="module")(cases.caption)
hostile_events = pytest.fixture(scope="module")(cases.hostile_events)

snapshot = render_snapshot

# ------------------------------------------------------------------ map snapshot


@pytest.mark.parametrize("which", ["all", "subset"])
def test_map_png(dataset, subset, caption, which):
    events = dataset.events if which == "all" else subset
    png = export.map_png(events, dataset.places, caption)
    width, height = png_size(png)
    assert width == snapshot.FIG_WIDTH_IN * snapshot.FIG_DPI
    assert 700 <= height <= 2000
    assert len(png) > 100_000  # land, areas and routes, not a blank frame
    assert export.map_png(events, dataset.places, caption) == png  # deterministic


def test_map_svg_deterministic_with_caption(dataset, subset, caption):
    svg = export.map_svg(subset, dataset.places, caption)
    assert export.map_svg(subset, dataset.places, caption) == svg
    text = svg_text(svg)
    version = f"version {caption.data_version}"
    for needle in (caption.title, caption.filters_text, version, PERMALINK, "Approximate geometry"):
        assert needle in text
    assert "Route: Russia + China" in text  # legend


@pytest.mark.parametrize(
    "view, expected",
    [
        # explicit view is kept as given (then padded to the figure's box)
        ((120.0, 150.0, 25.0, 45.0), (120.0, 150.0, 25.0, 45.0)),
        (None, None),  # data bounds with a margin
    ],
)
def test_map_view(dataset, subset, view, expected):
    got = export.map_view(subset, dataset.places, view)
    if expected:
        assert got == expected
    else:
        bounds = export.data_bounds(subset, dataset.places)
        assert got[0] < bounds[0] and got[1] > bounds[1] and got[2] < bounds[2] and got[3] > bounds[3]


@pytest.mark.parametrize("view", [(120, 150, 25, 45), (50, 200, 0, 70), (125, 127, 30, 31), (170, 200, 50, 66)])
def test_map_not_distorted(view):
    # on paper, a degree of longitude is cos(mid-latitude) of a degree of latitude
    (lon_min, lon_max, lat_min, lat_max), height = snapshot._fit_box(view, 9.0)
    assert lon_min <= view[0] and lon_max >= view[1] and lat_min <= view[2] and lat_max >= view[3]
    paper = (lat_max - lat_min) / (lon_max - lon_min) / math.cos(math.radians((lat_min + lat_max) / 2))
    assert height / 9.0 == pytest.approx(paper, rel=1e-6)


def test_map_of_nothing(dataset, caption):
    assert png_size(export.map_png([], dataset.places, caption))[0] > 0


@pytest.mark.parametrize("bad", [(150, 120, 25, 45), (120, 150, 45, 45)])
def test_map_bad_view(dataset, subset, caption, bad):
    with pytest.raises(ValueError, match="lon_min, lon_max"):
        export.map_png(subset, dataset.places, caption, view=bad)


@pytest.mark.parametrize("kind", ["air_patrol", "exercise", None])
@pytest.mark.parametrize("aspect", [None, "16:9", "4:3"])
def test_legend_and_badges_stay_inside_the_image(dataset, caption, kind, aspect):
    """A briefing slide: no legend column cut by the image edge, no badge cut by the map's frame."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    events = [e for e in dataset.events if kind is None or e.kind == kind]
    model = snapshot.snapshot_model(events, dataset.places)
    fig = snapshot._draw_map(model, snapshot.map_view(events, dataset.places), caption, aspect)
    canvas = FigureCanvasAgg(fig)
    canvas.draw()  # text boxes are placed when drawn
    renderer = canvas.get_renderer()
    width = fig.get_figwidth() * fig.dpi
    (legend,) = fig.legends
    box = legend.get_window_extent(renderer)
    assert 0 <= box.x0 and box.x1 <= width, (box, width)
    (ax,) = fig.axes
    frame = ax.get_window_extent(renderer)
    badges = [t for t in ax.texts if (t.get_gid() or "").startswith("badge")]
    assert badges or kind is None
    for text in badges:
        patch = text.get_bbox_patch().get_window_extent(renderer)
        assert frame.x0 - 1 <= patch.x0 and patch.x1 <= frame.x1 + 1, (text.get_text(), patch, frame)
