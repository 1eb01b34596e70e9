"""What a session keeps: an upload across pages, filters that follow the data, the page names."""

from __future__ import annotations

import pytest

from browser import running_app, wait_for_app_idle, wait_for_map
from patrolmap.load import load_dataset

pytestmark = pytest.mark.browser

LATE_EVENT = """- id: upload-2027-01-10
  kind: air_patrol
  name: My late patrol
  date_start: "2027-01-10"
  date_end: "2027-01-11"
  participants: [RUS, CHN]
  areas: [sea-of-japan]
  route: {waypoints: [tsushima-strait, sea-of-japan], provenance: schematic, source: s1}
  sources:
    - {id: s1, producer: Me, title: My note, url: "https://example.org/x"}
"""


@pytest.fixture(scope="module")
def app_url():
    with running_app() as url:
        yield url


def test_an_upload_after_the_curated_span_is_shown_and_stays_across_pages(app_url, offline_browser, tmp_path):
    n_curated = len(load_dataset().events)
    upload = tmp_path / "mine.yaml"
    upload.write_text(LATE_EVENT, encoding="utf-8")
    page = offline_browser.page()
    page.set_viewport_size({"width": 1280, "height": 800})
    page.goto(f"{app_url}/Map")
    wait_for_map(page)
    wait_for_app_idle(page, timeout=60_000)
    page.get_by_text(f"{n_curated} of {n_curated} events shown").wait_for(timeout=30_000)
    page.get_by_text("Your own events (overlay)").click()
    page.locator("[data-testid='stFileUploader'] input[type=file]").set_input_files(str(upload))
    # Not hidden by a date or year filter the analyst never set.
    page.get_by_text(f"{n_curated + 1} of {n_curated + 1} events shown").wait_for(timeout=30_000)
    page.get_by_text("1 event(s) from mine.yaml").wait_for()
    # Another page: the upload is still there and counted.
    page.get_by_role("link", name="Timeline").click()
    page.get_by_role("heading", name="Timeline").wait_for(timeout=30_000)
    wait_for_app_idle(page, timeout=60_000)
    page.get_by_text(f"{n_curated + 1} events ·").wait_for(timeout=30_000)
    assert page.get_by_text("1 event(s) from mine.yaml").count() == 1
    # Back on the map it is still drawn, until the analyst removes it.
    page.get_by_role("link", name="Map").click()
    page.get_by_text(f"{n_curated + 1} of {n_curated + 1} events shown").wait_for(timeout=30_000)
    page.get_by_role("button", name="Remove my events").click()  # the overlay panel opens when an upload is held
    page.get_by_text(f"{n_curated} of {n_curated} events shown").wait_for(timeout=30_000)
    assert offline_browser.outside == []


def test_the_navigation_names_every_page_in_words(app_url, offline_browser):
    page = offline_browser.page()
    page.goto(app_url)
    page.get_by_role("heading", name="Russia–China joint military patrols").wait_for(timeout=30_000)
    page.get_by_role("link", name="About the data").wait_for(timeout=30_000)
    nav = page.locator("[data-testid=stSidebar] a")
    labels = [t.strip().splitlines()[-1].strip() for t in nav.all_inner_texts()]  # the icon, then the name
    assert labels[:6] == ["Home", "Map", "Timeline", "Events", "Aircraft and ships", "About the data"], labels
    assert "app" not in labels
    # Each icon is a Material Symbol in the font the app serves itself (emoji need a font the
    # analyst's machine may not have: they showed as empty boxes in this Chromium).
    assert nav.locator("[data-testid=stIconMaterial]").count() == nav.count() >= 8
    page.wait_for_function(
        "() => [...document.fonts].some(f => f.family.includes('Material Symbols') && f.status === 'loaded')",
        timeout=10_000,
    )
    assert offline_browser.outside == []
