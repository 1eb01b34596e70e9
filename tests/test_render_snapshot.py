"""PNG/SVG snapshots of the layer model: size, determinism, caption, view, legend, slide sizes,
incidents grouped where their markers would overlap."""

import dataclasses
import math
import re
import xml.etree.ElementTree as ET

import export_cases as cases
import pytest
from export_cases import PERMALINK, png_size, svg_text
from matplotlib.colors import to_rgb

from patrolmap import export, layers, render_snapshot

dataset = pytest.fixture(scope="module")(cases.dataset)
subset = pytest.fixture(scope="module")(cases.subset)
caption = pytest.fixture(scope="module")(cases.caption)
hostile_events = pytest.fixture(scope="module")(cases.hostile_events)

snapshot = render_snapshot
SVG_NS = "{http://www.w3.org/2000/svg}"

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


def drawn_map(events, places, caption, aspect=None):
    """(model, figure, renderer) of the snapshot of these events, drawn: text boxes are placed
    only when the figure is drawn."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    model = snapshot.snapshot_model(events, places)
    fig = snapshot._draw_map(model, snapshot.map_view(events, places), caption, aspect)
    canvas = FigureCanvasAgg(fig)
    canvas.draw()
    return model, fig, canvas.get_renderer()


@pytest.mark.parametrize("kind", ["air_patrol", "exercise", None])
@pytest.mark.parametrize("aspect", [None, "16:9", "4:3"])
def test_legend_and_badges_stay_inside_the_image(dataset, caption, kind, aspect):
    """A briefing slide: no legend column cut by the image edge, no badge cut by the map's frame."""
    events = [e for e in dataset.events if kind is None or e.kind == kind]
    _, fig, renderer = drawn_map(events, dataset.places, caption, aspect)
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


@pytest.mark.parametrize(
    "countries, expect",
    [
        # Iran's drills have no route: without a name, five badges over the Gulf of Oman would
        # not say which drill sent what.
        (("IRN",), "First China–Iran–Russia naval"),
        (("ZAF",), "First China–Russia–South Afri"),
    ],
)
def test_each_badge_in_a_still_image_names_its_event(dataset, caption, countries, expect):
    """A PNG or SVG has no tooltip: a badge reads 'short name · date' above what each side sent,
    and no two badges overlap, none cut by the frame."""
    events = [e for e in dataset.events if set(countries) & set(e.participants)]
    model, fig, renderer = drawn_map(events, dataset.places, caption)
    (ax,) = fig.axes
    frame = ax.get_window_extent(renderer)
    drawn = [t for t in ax.texts if (t.get_gid() or "").startswith("badge:")]
    by_id = {f.fid: f for f in model.badges}
    assert drawn
    for text in drawn:
        feature = by_id[text.get_gid()]
        title, sent = text.get_text().split("\n", 1)
        assert title == feature.text[0]
        # What each side sent, whole, in lines that fit (wrapped between sides or at commas).
        assert re.sub(r"[\s·]", "", sent) == re.sub(r"[\s·]", "", feature.label), (sent, feature.label)
        assert str(feature.text[0]).endswith(str(next(e.date_start for e in events if f"badge:{e.id}" == feature.fid)))
    assert any(expect in t.get_text() for t in drawn), [t.get_text() for t in drawn]
    # Every event's badge is drawn: stacked off the others, none left out for want of room.
    assert len(drawn) == len([f for f in model.badges if f.layer == "badge"]), [t.get_text() for t in drawn]
    boxes = [t.get_bbox_patch().get_window_extent(renderer) for t in drawn]
    for i, box in enumerate(boxes):
        assert frame.x0 - 1 <= box.x0 and box.x1 <= frame.x1 + 1, (drawn[i].get_text(), box, frame)
        assert not any(box.overlaps(other) for other in boxes[i + 1 :]), drawn[i].get_text()


@pytest.mark.parametrize(
    "countries, badges, counts",
    [
        ((), False, True),  # every event: a count per place; what each sent shows only zoomed in, live
        (("IRN",), True, False),  # seven drills: each its badge
    ],
)
def test_a_still_images_legend_lists_the_badges_it_draws(dataset, caption, countries, badges, counts):
    events = [e for e in dataset.events if not countries or set(countries) & set(e.participants)]
    model = snapshot.snapshot_model(events, dataset.places)
    fig = snapshot._draw_map(model, snapshot.map_view(events, dataset.places), caption, None)
    labels = [t.get_text() for t in fig.legends[0].get_texts()]
    assert ("Aircraft and ships sent (? = not reported)" in labels) is badges, labels
    assert (snapshot.STILL_COUNT_LABEL in labels) is counts, labels
    assert not any("zoom in" in label for label in labels), labels  # an image cannot be zoomed


# ------------------------------------------------------------------ incident groups

EXTENT_100 = (0.0, 100.0, 0.0, 100.0)  # with SIZE_100: one pixel per degree, y up


def point(fid: str, x: float, y: float, layer: str = "incident") -> layers.Feature:
    return layers.Feature(layer, fid, "Point", (x, y), 0, props={"kind": "scramble"})


@pytest.mark.parametrize(
    "points, radius, expected",
    [
        # three at one spot: one group
        ([("a", 50, 50), ("b", 50, 50), ("c", 50, 50)], 10, [["a", "b", "c"]]),
        # spread out: each on its own
        ([("a", 10, 10), ("b", 50, 50), ("c", 90, 90)], 10, [["a"], ["b"], ["c"]]),
        # exactly the radius apart is not overlapping
        ([("a", 10, 10), ("b", 20, 10)], 10, [["a"], ["b"]]),
        # diagonal neighbours: 9.9 px apart in a straight line, but square boxes 8 px wide would touch
        ([("a", 10, 10), ("b", 17, 17)], 8, [["a", "b"]]),
        ([("a", 10, 10), ("b", 18, 17)], 8, [["a"], ["b"]]),
        # a marker joins the nearest group within reach, not the first made
        ([("a", 10, 50), ("b", 30, 50), ("c", 22, 50)], 9, [["a"], ["b", "c"]]),
        # c pulls a's group towards b's: the two groups then merge
        ([("a", 10, 50), ("b", 30, 50), ("c", 20, 50)], 16, [["a", "b", "c"]]),
        # groups come in the order of their first feature, members in model order
        ([("a", 80, 80), ("b", 10, 10), ("c", 80, 81), ("d", 11, 10)], 5, [["a", "c"], ["b", "d"]]),
        # hotspots (aggregated view) and markers outside the extent are never grouped
        ([("h", 50, 50, "hotspot"), ("a", 50, 50), ("o", 150, 50), ("p", 150, 50)], 10, [["h"], ["a"], ["o"], ["p"]]),
        ([], 10, []),
    ],
)
def test_group_incidents(points, radius, expected):
    features = [point(*p) for p in points]
    groups = snapshot.group_incidents(features, EXTENT_100, (100, 100), radius)
    assert [[f.fid for f in g.features] for g in groups] == expected
    for group in groups:  # the marker sits at the centroid of what it holds
        assert group.lon == pytest.approx(sum(f.coords[0] for f in group.features) / len(group.features))
        assert group.lat == pytest.approx(sum(f.coords[1] for f in group.features) / len(group.features))


@pytest.mark.parametrize(
    "extent, size, expected",
    [
        ((0.0, 100.0, 0.0, 100.0), (100, 100), 2),  # 1 px per degree: 5 degrees apart overlap
        ((0.0, 10.0, 0.0, 10.0), (100, 100), 0),  # 10 px per degree: 50 px apart
        ((0.0, 100.0, 0.0, 10.0), (100, 100), 0),  # y is stretched, x is not: apart on the image
    ],
)
def test_group_incidents_at_the_images_scale(extent, size, expected):
    features = [point("a", 2, 2), point("b", 2, 7)]
    groups = snapshot.group_incidents(features, extent, size, 10)
    assert sum(len(g.features) for g in groups if len(g.features) > 1) == expected


def incident_view(dataset, places: list[str]):
    """The first air patrol with one ADIZ entry at each of `places` (several at one place fan out)."""
    event = next(e for e in dataset.events if e.id == "air-2019-07-23")
    incident = event.incidents[0]
    return [dataclasses.replace(event, incidents=tuple(dataclasses.replace(incident, place=p) for p in places))]


def svg_groups(svg: bytes) -> dict[str, tuple[str, list[str]]]:
    """Each incident group in an SVG: its id -> (its count as drawn, the incident ids it holds)."""
    out = {}
    for g in ET.fromstring(svg).iter(f"{SVG_NS}g"):
        if (g.get("id") or "").startswith("incident-group:"):
            count = "".join(t.text or "" for t in g.iter(f"{SVG_NS}text"))
            members = [c.get("id") for c in g if (c.get("id") or "").startswith("incident:")]
            out[g.get("id")] = (count, members)
    return out


WIDE = (60.0, 200.0, 0.0, 70.0)  # the whole theatre: one degree is ~10 px
TSUSHIMA = (127.0, 132.0, 32.0, 37.0)  # zoomed in: one degree is ~270 px
FAR_APART = ["tsushima-strait", "tsugaru-strait", "miyako-strait", "bering-strait"]


@pytest.mark.parametrize("aspect", [None, "16:9"])
@pytest.mark.parametrize(
    "places, view, expected",
    [
        (["tsushima-strait"] * 5, WIDE, {0: 5}),
        (["tsushima-strait"] * 5, TSUSHIMA, {}),  # fanned out round the strait, apart at this scale
        (FAR_APART, WIDE, {}),
        (["tsushima-strait"] * 3 + ["bering-strait"] * 2, WIDE, {0: 3, 3: 2}),
        # two places ~1.4 degrees apart: together on the theatre map, though not at one place
        (["tsushima-strait", "kadiz", "tsushima-strait"], WIDE, {0: 3}),
        (["tsushima-strait", "kadiz", "tsushima-strait"], TSUSHIMA, {}),
    ],
)
def test_incident_groups_in_the_svg(dataset, caption, places, view, expected, aspect):
    events = incident_view(dataset, places)
    svg = export.map_svg(events, dataset.places, caption, view=view, aspect=aspect)
    fid = f"incident:{events[0].id}"
    assert svg_groups(svg) == {
        f"incident-group:{fid}:{first}": (str(n), [f"{fid}:{i}" for i in range(first, first + n)])
        for first, n in expected.items()
    }
    grouped = {i for first, n in expected.items() for i in range(first, first + n)}
    ids = {g.get("id") for g in ET.fromstring(svg).iter(f"{SVG_NS}g")}
    for i in range(len(places)):  # every incident is in the SVG by its model id, grouped or on its own
        assert f"{fid}:{i}" in ids
        single = ET.fromstring(svg).find(f".//{SVG_NS}g[@id='{fid}:{i}']")
        assert (len(single) == 0) == (i in grouped)  # a singleton's marker is drawn inside its own id
    # the legend lists the group marker only when one is drawn
    assert (snapshot.GROUP_ENTRY.label in svg_text(svg)) == bool(expected)
    assert "ADIZ entry" in svg_text(svg)


@pytest.mark.parametrize("fmt", ["png", "svg"])
@pytest.mark.parametrize("aspect", [None, "4:3"])
def test_grouped_view_is_byte_identical(dataset, caption, fmt, aspect):
    events = incident_view(dataset, ["tsushima-strait"] * 4 + ["dokdo"] * 3 + ["bering-strait"])
    draw = export.map_png if fmt == "png" else export.map_svg
    first = draw(events, dataset.places, caption, view=WIDE, aspect=aspect)
    assert draw(events, dataset.places, caption, view=WIDE, aspect=aspect) == first


@pytest.mark.parametrize("aspect", [None, "16:9", "4:3"])
def test_group_legend_entry_drawn_as_a_group(dataset, caption, aspect):
    """In the legend, after the incident kinds, a small group marker and its meaning; the figure's
    legend matches what _layout_and_groups found, so the slide's map has the legend's room."""
    events = incident_view(dataset, ["tsushima-strait"] * 5)
    model = snapshot.snapshot_model(events, dataset.places)
    fig = snapshot._draw_map(model, WIDE, caption, aspect)
    (legend,) = fig.legends
    labels = [t.get_text() for t in legend.get_texts()]
    assert labels.index(snapshot.GROUP_ENTRY.label) == labels.index("ADIZ entry") + 1
    markers = [a for a in fig.axes[0].texts if isinstance(a, snapshot._GroupMarker)]
    assert [m.get_text() for m in markers] == ["5"]
    assert markers[0].get_bbox_patch().get_edgecolor()[:3] == pytest.approx(to_rgb(snapshot.GROUP_COLOR))


def test_aggregated_view_keeps_its_hotspots(dataset):
    # beyond the readable limit incidents are hotspots per place, already counted: never grouped
    model = layers.build_model(dataset.events, dataset.places, max_routes=1)
    assert model.aggregated and {f.layer for f in model.incidents} == {"hotspot"}
    svg = snapshot.render_model(model, WIDE, None, "svg")
    assert svg_groups(svg) == {}
    assert snapshot.GROUP_ENTRY.label not in svg_text(svg)


@pytest.mark.parametrize(
    "view",
    [
        # the strait on each edge; each view wider or taller than the slide on the other axis, so that
        # padding it to the slide's shape does not move that edge
        (129.3, 190.0, 28.0, 42.0),
        (70.0, 129.5, 28.0, 42.0),
        (120.0, 140.0, 34.25, 60.0),
        (120.0, 140.0, 10.0, 34.32),
    ],
)
def test_group_at_the_frame_stays_inside(dataset, view):
    """A group whose centroid is near the map's edge is moved in: its count is never cut by the frame."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    model = snapshot.snapshot_model(incident_view(dataset, ["tsushima-strait"] * 3), dataset.places)
    fig = snapshot._draw_map(model, view, None, "16:9")
    canvas = FigureCanvasAgg(fig)
    canvas.draw()
    (ax,) = fig.axes
    frame = ax.get_window_extent(canvas.get_renderer())
    (marker,) = [t for t in ax.texts if isinstance(t, snapshot._GroupMarker)]
    patch = marker.get_bbox_patch().get_window_extent(canvas.get_renderer())
    assert frame.x0 <= patch.x0 and patch.x1 <= frame.x1 and frame.y0 <= patch.y0 and patch.y1 <= frame.y1


@pytest.mark.parametrize("kind", ["air_patrol", None])
@pytest.mark.parametrize("aspect", [None, "16:9"])
def test_badges_step_off_incident_groups(dataset, caption, kind, aspect):
    """On the real data, no badge covers a group's count, and no two groups overlap."""
    events = [e for e in dataset.events if kind is None or e.kind == kind]
    _, fig, renderer = drawn_map(events, dataset.places, caption, aspect)
    (ax,) = fig.axes
    groups = [t.get_bbox_patch().get_window_extent(renderer) for t in ax.texts if isinstance(t, snapshot._GroupMarker)]
    badges = [
        t.get_bbox_patch().get_window_extent(renderer) for t in ax.texts if (t.get_gid() or "").startswith("badge")
    ]
    assert groups and badges  # the real data groups around Korea and Japan
    for i, group in enumerate(groups):
        assert not any(group.overlaps(other) for other in [*badges, *groups[i + 1 :]]), group
