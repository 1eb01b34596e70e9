"""The running app in headless Chromium with the internet blocked: the map draws, filters redraw it,
the URL keeps the view, and a click opens the event card."""

import re

import pytest

from browser import MAP_FRAME, OfflineBrowser, chromium_path, running_app, wait_for_map
from patrolmap import maps
from patrolmap.filters import Filters, filter_events
from patrolmap.load import events_frame, load_dataset

pytestmark = pytest.mark.browser

# Counts what Leaflet actually put on the map, by the layer each feature came from.
COUNT_LAYERS = """() => {
    const counts = {area: 0, route: 0, incident: 0, paths: 0, land: 0};
    window.map.eachLayer(l => {
        if (l.feature && l.feature.properties && l.feature.properties.layer) counts[l.feature.properties.layer]++;
        else if (l.feature) counts.land++;
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


def expected_counts(filters: Filters) -> dict:
    dataset = load_dataset()
    ids = set(filter_events(events_frame(dataset.events), filters)["id"])
    events = [e for e in dataset.events if e.id in ids]
    return {
        "events": len(events),
        "area": len(maps.areas_geojson(events, dataset.places)["features"]),
        "route": len(maps.routes_geojson(events, dataset.places)["features"]),
        "incident": len(maps.incidents_geojson(events, dataset.places)["features"]),
    }


@pytest.fixture(scope="module")
def app_url():
    with running_app() as url:
        yield url


@pytest.fixture
def browser():
    from playwright.sync_api import sync_playwright

    executable = chromium_path()
    with sync_playwright() as playwright:
        offline = OfflineBrowser(playwright, executable)
        yield offline
        offline.close()


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
            w.map.eachLayer(l => { if (l.feature && l.feature.properties && l.feature.properties.layer === 'route') routes++; });
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


def test_map_draws_offline_and_a_filter_redraws_it(app_url, browser):
    page = browser.page()
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
    assert browser.outside == [], "the page asked the internet for something"
    assert browser.dialogs == []


def test_url_restores_the_view(app_url, browser):
    page = browser.page()
    page.goto(f"{app_url}/Map?kinds=naval_patrol&years=2021-2023")
    map_frame(page)
    naval = expected_counts(Filters(kinds=("naval_patrol",), years=(2021, 2023)))
    counts = layer_counts(page, naval["route"])
    assert counts["route"] == naval["route"]
    assert shown_count(page) == naval["events"]
    assert "Naval patrol" in page.locator("[data-testid='stSidebar']").inner_text()
    assert browser.outside == []


def test_clicking_a_route_opens_its_card(app_url, browser):
    page = browser.page()
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
    event = next(e for e in load_dataset().events if e.id == "air-2019-07-23")
    for source in event.sources:  # every source is linked from the card
        assert page.locator(f"a[href='{source.url}']").count() >= 1, source.url
    assert browser.outside == []
