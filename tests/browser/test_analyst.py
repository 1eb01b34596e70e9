"""Issue 12 in headless Chromium with the internet blocked: Compare, responders, search everything,
zoom and centre from the address, the Timeline's click, worded exports, and crafted links."""

import re
from pathlib import Path

import pytest

from browser import MAP_FRAME, running_app, wait_for_app_idle, wait_for_map
from patrolmap.filters import Filters, analysis_frame, filter_events, responders
from patrolmap.load import load_dataset
from patrolmap.search import build_index

pytestmark = pytest.mark.browser
SCREENSHOTS = Path(__file__).parent / "screenshots"
RAW_CODES = re.compile(r"naval_patrol|air_patrol|aircraft_total|duration_hours|type_class|\bNone\b")


@pytest.fixture(scope="module")
def app_url():
    with running_app() as url:
        yield url


@pytest.fixture(scope="module")
def data():
    dataset = load_dataset()
    index = build_index(dataset.events, dataset.places, dataset.catalogue, None, dataset.aliases)
    return dataset, analysis_frame(dataset.events, index)


def shown_count(page) -> int:
    text = page.get_by_text(re.compile(r"of \d+ events shown")).inner_text()
    return int(re.search(r"(\d+) of", text).group(1))


def test_compare_shows_two_maps_and_the_differences(app_url, offline_browser):
    page = offline_browser.page()
    page.set_viewport_size({"width": 1400, "height": 2400})  # tall enough for the whole table in the screenshot
    page.goto(f"{app_url}/Compare?events=air-2019-07-23,air-2024-07-24")
    page.get_by_text("Differences").wait_for(timeout=60_000)
    maps = page.locator(MAP_FRAME)
    maps.nth(1).wait_for(timeout=30_000)
    assert maps.count() == 2
    for n in range(2):
        frame = maps.nth(n).content_frame
        frame.locator(".leaflet-container").wait_for(timeout=30_000)
        frame.locator("path.leaflet-interactive").first.wait_for(timeout=30_000)  # its route and areas
    table = page.locator("table.compare")
    text = table.inner_text()
    for row in ("Dates", "Duration", "Assets per side", "Areas", "Straits transited", "Responded or reported"):
        assert row in text
    assert "Canada, United States" in text and "4–5 ⚠" in text  # 2024's responders; 2019's disputed count
    assert not RAW_CODES.search(text)
    wait_for_app_idle(page, timeout=60_000)
    page.wait_for_timeout(1500)
    SCREENSHOTS.mkdir(exist_ok=True)
    page.screenshot(path=SCREENSHOTS / "compare.png")
    assert offline_browser.outside == [] and offline_browser.dialogs == []


def test_responders_keeps_only_events_japan_responded_to(app_url, offline_browser, data):
    dataset, frame = data
    expected = sum("JPN" in responders(e) for e in dataset.events)
    assert expected == len(filter_events(frame, Filters(responders=("JPN",)))) and 0 < expected < len(frame)
    page = offline_browser.page()
    page.goto(f"{app_url}/Map?responders=JPN")
    wait_for_map(page)
    page.get_by_text(re.compile(r"of \d+ events shown")).wait_for()
    assert shown_count(page) == expected
    wait_for_app_idle(page, timeout=60_000)
    page.locator("[data-testid='stSidebar']").get_by_text("Japan (JPN)").wait_for()
    assert "responders=JPN" in page.url
    assert offline_browser.outside == []


def test_search_for_norad_finds_the_events_that_name_it(app_url, offline_browser, data):
    _, frame = data
    expected = set(filter_events(frame, Filters(text="NORAD"))["id"])
    assert {"air-2024-07-24", "naval-2023-07-28"} <= expected
    page = offline_browser.page()
    page.goto(f"{app_url}/Events?q=NORAD")
    page.get_by_text(re.compile(rf"^{len(expected)} events")).wait_for(timeout=60_000)
    from playwright.sync_api import expect  # imported here: without Playwright the module still collects and skips

    wait_for_app_idle(page, timeout=60_000)
    box = page.locator("[data-testid='stSidebar'] input[aria-label='Search everything']")
    expect(box).to_have_value("NORAD", timeout=20_000)
    assert "q=NORAD" in page.url
    assert offline_browser.outside == []


def test_zoom_and_centre_from_the_address(app_url, offline_browser):
    page = offline_browser.page()
    page.goto(f"{app_url}/Map?zoom=6&center=35,135")
    wait_for_map(page)
    window = page.locator(MAP_FRAME).element_handle().content_frame()
    window.wait_for_function("() => window.map && window.map.getZoom() === 6", timeout=30_000)
    lat, lng = window.evaluate("() => [window.map.getCenter().lat, window.map.getCenter().lng]")
    assert abs(lat - 35) < 0.5 and abs(lng - 135) < 0.5
    assert "zoom=6" in page.url and "center=35,135" in page.url
    assert offline_browser.outside == []


def test_a_crafted_link_fetches_nothing_and_is_shown_as_text(app_url, offline_browser):
    page = offline_browser.page()
    page.goto(
        f"{app_url}/Map?years=![](https://evil.example/beacon.png)"
        "&dates=[Session expired - sign in again](https://evil.example/login)"
        "&basemap=OpenStreetMap&playback=yes&countries=USA&zoom=" + "9" * 100_000
    )
    wait_for_map(page)
    wait_for_app_idle(page, timeout=60_000)
    sidebar = page.locator("[data-testid='stSidebar']")
    sidebar.get_by_text("Switch to online tiles?").wait_for()
    text = sidebar.inner_text()
    assert "years=" in text and "dates=" in text and "playback=" in text and "100,000 characters" in text
    assert "countries=USA" in text  # well-formed, but no event has the United States taking part
    assert sidebar.locator("a[href*='evil'], img[src*='evil']").count() == 0
    assert page.frame_locator(MAP_FRAME).locator("img.leaflet-tile").count() == 0  # still offline
    assert offline_browser.outside == []


def test_a_click_on_a_timeline_bar_opens_its_card(app_url, offline_browser):
    page = offline_browser.page()
    page.set_viewport_size({"width": 1400, "height": 1000})
    page.goto(f"{app_url}/Timeline?kinds=air_patrol&years=2019-2019")
    chart = page.locator("[data-testid='stVegaLiteChart']").nth(2)
    chart.wait_for(timeout=60_000)
    wait_for_app_idle(page, timeout=60_000)
    bar = chart.locator("path[aria-roledescription='bar'], .mark-rect path").first
    bar.wait_for(timeout=30_000)
    bar.click(force=True)
    page.get_by_text("What each source claims").wait_for(timeout=30_000)
    assert offline_browser.outside == []


def test_naval_2023_chart_svg_has_a_title_in_words(app_url, offline_browser, tmp_path):
    page = offline_browser.page()
    page.goto(f"{app_url}/Timeline?kinds=naval_patrol&years=2023-2023")
    button = page.get_by_role("button", name="SVG").first
    button.wait_for(timeout=60_000)
    wait_for_app_idle(page, timeout=60_000)
    with page.expect_download(timeout=60_000) as download:
        button.click()
    svg = Path(download.value.path()).read_text(encoding="utf-8")
    assert "Russia–China joint naval patrols, 2023" in svg
    assert not RAW_CODES.search(re.sub(r"<[^>]+>", " ", svg))
    assert offline_browser.outside == []


def test_a_pan_survives_a_filter_change_and_the_copied_link_reopens_it(app_url, offline_browser):
    offline_browser.context.grant_permissions(["clipboard-read", "clipboard-write"], origin=app_url)
    page = offline_browser.page()
    page.goto(f"{app_url}/Map")
    wait_for_map(page)
    wait_for_app_idle(page, timeout=60_000)
    window = page.locator(MAP_FRAME).element_handle().content_frame()
    window.wait_for_function("() => window.map")
    window.evaluate("() => window.map.setView([40, 134], 6)")  # the analyst pans and zooms: no rerun
    page.wait_for_function("() => location.search.includes('zoom=6')", timeout=10_000)
    page.locator("[data-testid='stSidebar'] [data-testid='stMultiSelect']").first.click()
    page.get_by_role("option", name="Exercise").click()
    page.keyboard.press("Escape")
    page.wait_for_function("() => location.search.includes('kinds=exercise')", timeout=30_000)
    wait_for_app_idle(page, timeout=60_000)
    page.wait_for_timeout(1000)  # the server's write of the address has landed
    assert "zoom=6" in page.url and "center=40,134" in page.url, page.url
    window = page.locator(MAP_FRAME).element_handle().content_frame()
    assert window.evaluate("() => window.map.getZoom()") == 6

    share = next(f for f in page.frames if f.locator("#copy").count())
    share.locator("#copy").click()
    share.get_by_text("Link copied.").wait_for(timeout=10_000)
    copied = page.evaluate("() => navigator.clipboard.readText()")
    assert copied == page.url and share.locator("#link").input_value() == copied

    again = offline_browser.page()
    again.goto(copied)
    wait_for_map(again)
    wait_for_app_idle(again, timeout=60_000)
    window = again.locator(MAP_FRAME).element_handle().content_frame()
    window.wait_for_function("() => window.map && window.map.getZoom() === 6", timeout=30_000)
    lat, lng = window.evaluate("() => [window.map.getCenter().lat, window.map.getCenter().lng]")
    assert abs(lat - 40) < 0.5 and abs(lng - 134) < 0.5
    assert re.search(r"^\d+ of \d+ events shown", page.get_by_text(re.compile("events shown")).inner_text())
    assert shown_count(again) == shown_count(page)
    assert offline_browser.outside == []
