"""The running app in headless Chromium with the internet blocked: the map draws, filters redraw it,
the URL keeps the view, and a click opens the event card."""

import re

import pytest

from browser import MAP_FRAME, expected_counts, running_app, wait_for_app_idle, wait_for_map
from patrolmap import maps, style
from patrolmap.filters import Filters
from patrolmap.load import load_dataset

pytestmark = pytest.mark.browser
PUBLIC_URL = "https://patrolmap.example"

# Counts what Leaflet actually put on the map, by the layer each feature came from.
COUNT_LAYERS = """() => {
    const counts = {area: 0, route: 0, incident: 0, paths: 0, land: 0};
    window.map.eachLayer(l => {
        if (l.feature && l.feature.properties && l.feature.properties.layer) counts[l.feature.properties.layer]++;
        else if (l.feature) counts.land++;
        // Incidents close together at this zoom are drawn as one group marker: each counts, once.
        else if (window.L.MarkerCluster && l instanceof window.L.MarkerCluster) counts.incident += l.getChildCount();
    });
    counts.paths = document.querySelectorAll('path.leaflet-interactive').length;
    counts.maxSpan = 0;
    window.map.eachLayer(l => {
        if (l.feature && l.feature.properties && l.feature.properties.layer === 'route') {
            const lngs = l.getLatLngs().map(p => p.lng);
            counts.maxSpan = Math.max(counts.maxSpan, Math.max(...lngs) - Math.min(...lngs));
        }
    });
    return counts;
}"""


@pytest.fixture(scope="module")
def app_url():
    # A deployer's public address, so exports print a permalink that is not 127.0.0.1 (issue 12).
    with running_app({"PATROLMAP_PUBLIC_URL": PUBLIC_URL}) as url:
        yield url


def map_frame(page):
    wait_for_map(page)
    return page.frame_locator(MAP_FRAME)


def layer_counts(page, expected_routes: int, timeout: float = 20_000) -> dict:
    """Layer counts once the map shows the expected number of routes (it updates asynchronously)."""
    handle = page.wait_for_function(
        """([frameSel, n]) => {
            const f = document.querySelector(frameSel);
            const w = f && f.contentWindow;
            if (!w || !w.map) return false;
            let routes = 0;
            w.map.eachLayer(l => {
                if (l.feature && l.feature.properties && l.feature.properties.layer === 'route') routes++;
            });
            return routes === n;
        }""",
        arg=[MAP_FRAME, expected_routes],
        timeout=timeout,
    )
    assert handle
    return map_window(page).evaluate(COUNT_LAYERS)


def map_window(page):
    """The map iframe as a Playwright Frame, to run code where Leaflet lives."""
    return page.locator(MAP_FRAME).element_handle().content_frame()


def shown_count(page) -> int:
    text = page.get_by_text(re.compile(r"of \d+ events shown")).inner_text()
    return int(re.search(r"(\d+) of", text).group(1))


def test_map_draws_offline_and_a_filter_redraws_it(app_url, offline_browser):
    page = offline_browser.page()
    page.goto(f"{app_url}/Map")
    map_frame(page)
    everything = expected_counts(Filters())
    counts = layer_counts(page, everything["route"])
    assert counts["area"] == everything["area"] > 0
    assert counts["route"] == everything["route"] > 0
    assert counts["incident"] == everything["incident"] > 0
    assert counts["land"] > 50  # Natural Earth outlines drawn from the app's own files
    assert counts["paths"] >= everything["area"] + everything["route"]
    assert counts["maxSpan"] < 180, "a route wraps round the world"
    assert shown_count(page) == everything["events"]

    page.frame_locator(MAP_FRAME).locator(".patrol-legend").wait_for()
    control = page.frame_locator(MAP_FRAME).locator(".leaflet-control-layers").text_content()
    for layer in ("Land outlines", "Patrol areas (approximate)", "Routes", "Incidents"):
        assert layer in control
    # Choose kind = Exercise in the sidebar.
    page.locator("[data-testid='stSidebar'] [data-testid='stMultiSelect']").first.click()
    page.get_by_role("option", name="Exercise").click()
    page.keyboard.press("Escape")
    exercises = expected_counts(Filters(kinds=("exercise",)))
    page.wait_for_function(
        f"() => document.body.innerText.includes('{exercises['events']} of {everything['events']} events shown')"
    )
    counts = layer_counts(page, exercises["route"])
    assert counts["area"] == exercises["area"]
    assert (counts["route"], counts["incident"]) == (exercises["route"], exercises["incident"])
    assert "kinds=exercise" in page.url
    assert offline_browser.outside == [], "the page asked the internet for something"
    assert offline_browser.dialogs == []


def test_url_restores_the_view(app_url, offline_browser):
    page = offline_browser.page()
    page.goto(f"{app_url}/Map?kinds=naval_patrol&years=2021-2023")
    map_frame(page)
    naval = expected_counts(Filters(kinds=("naval_patrol",), years=(2021, 2023)))
    counts = layer_counts(page, naval["route"])
    assert counts["route"] == naval["route"]
    assert shown_count(page) == naval["events"]
    assert "Naval patrol" in page.locator("[data-testid='stSidebar']").inner_text()
    assert offline_browser.outside == []


def test_clicking_a_route_opens_its_card(app_url, offline_browser):
    page = offline_browser.page()
    page.goto(f"{app_url}/Map?kinds=air_patrol&years=2019-2019")
    map_frame(page)
    first = expected_counts(Filters(kinds=("air_patrol",), years=(2019, 2019)))
    layer_counts(page, first["route"])
    frame = map_window(page)
    # Fire a click on the route's polyline through Leaflet, as a user's click would.
    frame.evaluate(
        """() => { window.map.eachLayer(l => {
            if (l.feature && l.feature.properties.layer === 'route') {
                l.fire('click', {latlng: l.getLatLngs()[1], sourceTarget: l, target: l, layer: l});
            }
        }); }"""
    )
    page.wait_for_function("() => window.location.search.includes('event=air-2019-07-23')", timeout=20_000)
    page.get_by_text("What each source claims").wait_for(timeout=20_000)
    page.wait_for_timeout(1500)  # the map's layers are replaced after the rerun
    weight = map_window(page).evaluate(
        """() => { let w = null; window.map.eachLayer(l => {
            if (l.feature && l.feature.properties.layer === 'route') w = l.options.weight; }); return w; }"""
    )
    assert weight == 2 * maps.KIND_WEIGHT["air_patrol"], "the selected route is drawn heavier"
    event = next(e for e in load_dataset().events if e.id == "air-2019-07-23")
    for source in event.sources:  # every source is linked from the card
        assert page.locator(f"a[href='{source.url}']").count() >= 1, source.url
    assert offline_browser.outside == []


def test_a_routes_tooltip_on_the_app_says_a_click_opens_its_card(app_url, offline_browser):
    page = offline_browser.page()
    page.goto(f"{app_url}/Map?kinds=air_patrol&years=2019-2019")
    map_frame(page)
    layer_counts(page, expected_counts(Filters(kinds=("air_patrol",), years=(2019, 2019)))["route"])
    text = map_window(page).evaluate(
        """() => { let text = null; window.map.eachLayer(l => {
            if (text === null && l.feature && l.feature.properties.layer === 'route') {
                l.openTooltip(l.getLatLngs()[1]);
                text = l.getTooltip().getElement().innerText;
            }
        }); return text; }"""
    )
    lines = text.splitlines()
    assert lines[0].startswith("2019-07-23 · Air patrol"), lines
    assert lines[-1] == style.CARD_HINT, lines


def test_a_filter_change_keeps_the_analysts_view(app_url, offline_browser):
    """The view survives in the same map: its layers are swapped in place, the frame is not loaded
    anew (which would flash the map and drop the keyboard focus), though the map has written the
    panned view into the address the rerun reads."""
    page = offline_browser.page()
    page.goto(f"{app_url}/Map")
    map_frame(page)
    everything = expected_counts(Filters())
    layer_counts(page, everything["route"])
    wait_for_app_idle(page, timeout=60_000)
    frame = map_window(page)
    frame.evaluate("() => { window.__sameMap = true; window.map.setView([45.5, 142.0], 6, {animate: false}); }")
    page.wait_for_function("() => location.search.includes('zoom=6')", timeout=10_000)
    page.locator("[data-testid='stSidebar'] [data-testid='stMultiSelect']").first.click()
    page.get_by_role("option", name="Naval patrol").click()
    page.keyboard.press("Escape")
    naval = expected_counts(Filters(kinds=("naval_patrol",)))
    layer_counts(page, naval["route"])
    wait_for_app_idle(page, timeout=60_000)
    view = map_window(page).evaluate(
        "() => [window.map.getCenter().lat, window.map.getCenter().lng, window.map.getZoom(), window.__sameMap]"
    )
    assert view[2] == 6 and abs(view[0] - 45.5) < 0.01 and abs(view[1] - 142.0) < 0.01, view
    assert view[3] is True, "the map frame was loaded anew"


def test_every_download_button_delivers_a_valid_file(app_url, offline_browser, tmp_path):
    import io
    import json as jsonlib
    import xml.etree.ElementTree as ET
    import zipfile

    import pandas as pd

    from patrolmap.export import CSV_COLUMNS

    page = offline_browser.page()
    page.goto(f"{app_url}/Map?kinds=air_patrol&years=2019-2021")
    map_frame(page)
    page.get_by_text("Export this view").click()
    checks = {
        "Map PNG": lambda b: b[:8] == b"\x89PNG\r\n\x1a\n" and len(b) > 20_000,
        "Map SVG": lambda b: ET.fromstring(b).tag.endswith("svg"),
        "Interactive map (HTML)": lambda b: b'<script src="http' not in b and b"leaflet" in b.lower(),
        "Events CSV": lambda b: list(pd.read_csv(io.BytesIO(b), dtype=str).columns) == CSV_COLUMNS,
        "Events GeoJSON": lambda b: jsonlib.loads(b)["type"] == "FeatureCollection",
        "Full dataset CSV (all events, no filter)": lambda b: len(pd.read_csv(io.BytesIO(b), dtype=str)) >= 30,
    }
    for label, valid in checks.items():
        with page.expect_download(timeout=60_000) as info:
            page.get_by_role("button", name=label).click()
        download = info.value
        path = tmp_path / download.suggested_filename
        download.save_as(path)
        content = path.read_bytes()
        assert valid(content), (label, content[:200])
        assert (
            "2019-2021" in download.suggested_filename
            and "air-patrol" in download.suggested_filename
            or (label.startswith("Full"))
        )
    page.get_by_role("button", name="Build report bundle").click()
    with page.expect_download(timeout=120_000) as info:
        page.get_by_role("button", name="Download report bundle (ZIP)").click(timeout=120_000)
    archive = zipfile.ZipFile(io.BytesIO(open(info.value.path(), "rb").read()))
    names = archive.namelist()
    assert names[0] == "README.txt" and any(n.endswith(".png") for n in names)
    assert "How to cite" in archive.read("README.txt").decode()
    assert offline_browser.outside == []


def test_a_hostile_upload_shows_as_text_and_the_map_still_draws(app_url, offline_browser, tmp_path):
    hostile = tmp_path / "mine.yaml"
    hostile.write_text(
        """- id: upload-2024-01-01
  kind: air_patrol
  name: "<img src=x onerror=\\"window.top.__pwned=1\\"><script>alert(1)</script>"
  date_start: "2024-01-01"
  date_end: "2024-01-01"
  participants: [RUS, CHN]
  areas: [sea-of-japan]
  route: {waypoints: [tsushima-strait, miyako-strait], provenance: schematic, source: s1}
  summary: "[click](javascript:alert(1)) **bold**"
  sources:
    - {id: s1, producer: "<b onmouseover=alert(1)>me</b>", title: t, url: "https://example.org/x"}
- id: upload-bad
  kind: bombing
""",
        encoding="utf-8",
    )
    page = offline_browser.page()
    page.goto(f"{app_url}/Map")
    map_frame(page)
    everything = expected_counts(Filters())
    layer_counts(page, everything["route"])
    page.get_by_text("Your own events (overlay)").click()
    page.locator("[data-testid='stFileUploader'] input[type=file]").set_input_files(str(hostile))
    page.get_by_text("Your upload: ").wait_for(timeout=30_000)  # the bad record is listed
    counts = layer_counts(page, everything["route"] + 1)  # the good one is drawn
    assert counts["route"] == everything["route"] + 1
    assert page.evaluate("() => window.__pwned") is None
    assert offline_browser.dialogs == []
    # Open its card: the name shows as text.
    page.locator("[data-testid='stSelectbox']").last.click()
    page.keyboard.type("onerror")  # the list is long; typing filters it to the uploaded event
    page.get_by_role("option", name=re.compile("onerror")).first.wait_for()
    page.keyboard.press("Enter")
    page.get_by_text("<script>alert(1)</script>", exact=False).first.wait_for(timeout=20_000)
    assert page.evaluate("() => window.__pwned") is None and offline_browser.dialogs == []
    assert offline_browser.outside == []


def test_playback_steps_through_time(app_url, offline_browser):
    page = offline_browser.page()
    page.goto(f"{app_url}/Map?playback=1&kinds=air_patrol")
    frame = map_frame(page)
    slider = frame.locator(".leaflet-timeline-control input[type=range]")
    slider.wait_for(timeout=20_000)
    window = map_window(page)
    count = """() => { let n = 0; window.map.eachLayer(l => {
        if (l.feature && l.feature.properties.layer === 'route') n++; }); return n; }"""
    at_start = window.evaluate(count)
    slider.evaluate("(el) => { el.value = el.max; el.dispatchEvent(new Event('input', {bubbles: true})); }")
    page.wait_for_timeout(500)
    at_end = window.evaluate(count)
    air = expected_counts(Filters(kinds=("air_patrol",)))
    assert at_start < at_end == air["route"], (at_start, at_end)
    assert not frame.locator(".patrol-legend[open]").count()  # folded, clear of the slider
    assert offline_browser.outside == []


def test_chart_downloads_are_images_with_their_caption(app_url, offline_browser, tmp_path):
    import xml.etree.ElementTree as ET

    page = offline_browser.page()
    page.goto(f"{app_url}/Timeline?kinds=air_patrol")
    page.get_by_text("Joint events per year, by kind").first.wait_for(timeout=30_000)
    wait_for_app_idle(page, timeout=60_000)  # the first chart's title shows before the last chart's buttons
    pngs = page.get_by_role("button", name=re.compile(r"^(download\s*)?PNG$"))  # not "Map PNG"
    svgs = page.get_by_role("button", name=re.compile(r"^(download\s*)?SVG$"))
    assert pngs.count() == svgs.count() == 3  # one pair per chart
    for i in range(3):
        with page.expect_download(timeout=60_000) as info:
            pngs.nth(i).click()
        png = open(info.value.path(), "rb").read()
        assert png[:8] == b"\x89PNG\r\n\x1a\n" and len(png) > 10_000
        with page.expect_download(timeout=60_000) as info:
            svgs.nth(i).click()
        svg = open(info.value.path(), "rb").read().decode()
        ET.fromstring(svg)
        # the filter in words and the permalink on the public address
        assert "Filter: air patrols" in svg and f"{PUBLIC_URL}/Timeline?kinds=air_patrol" in svg
        assert "air_patrol " not in svg.replace("kinds=air_patrol", "")  # no raw code besides the link
    assert offline_browser.outside == []
