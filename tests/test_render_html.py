"""The standalone HTML map: self-contained, captioned, and drawn offline in Chromium."""

import dataclasses
from html import escape

import export_cases as cases
import pytest
from export_cases import HOSTILE

from browser import OfflineBrowser, chromium_path
from patrolmap import assets, captions, export

dataset = pytest.fixture(scope="module")(cases.dataset)
subset = pytest.fixture(scope="module")(cases.subset)
caption = pytest.fixture(scope="module")(cases.caption)
hostile_events = pytest.fixture(scope="module")(cases.hostile_events)

# ------------------------------------------------------------------ HTML


def test_map_html_self_contained(dataset, subset, caption):
    html = export.map_html(subset, dataset.places, caption).decode("utf-8")
    assert html.startswith("<!DOCTYPE html>")
    assert assets.remote_urls(html) == []
    assert [url for _, url in assets.resource_links(html) if not url.startswith("data:")] == []
    assert 'class="patrol-caption"' in html
    for line in captions.caption_lines(caption):
        assert escape(line) in html
    assert "fitBounds" in html


# ------------------------------------------------------------------ real browser


class FileOnlyBrowser(OfflineBrowser):
    """OfflineBrowser that lets the page read its own file from disk and nothing else."""

    def _route(self, route):
        url = route.request.url
        if url.startswith(("file://", "data:", "blob:", "about:")):
            route.continue_()
        else:
            self.outside.append(url)
            route.abort()


@pytest.mark.browser
def test_exported_html_opens_offline(tmp_path, dataset, hostile_events, caption):
    exe = chromium_path()
    from playwright.sync_api import sync_playwright

    path = tmp_path / "map.html"
    path.write_bytes(export.map_html(hostile_events, dataset.places, dataclasses.replace(caption, title=HOSTILE)))
    errors = []
    with sync_playwright() as p:
        browser = FileOnlyBrowser(p, exe)
        try:
            page = browser.page()
            page.on("pageerror", lambda e: errors.append(str(e)))
            page.goto(path.as_uri())
            page.wait_for_selector(".leaflet-container")
            page.wait_for_function("document.querySelectorAll('path.leaflet-interactive').length > 0")
            page.wait_for_timeout(300)
            got = page.evaluate(
                """() => ({
                    paths: document.querySelectorAll('path.leaflet-interactive').length,
                    land: document.querySelectorAll('.leaflet-land-pane path').length,
                    caption: document.querySelector('.patrol-caption').innerText,
                    scripts: document.querySelectorAll('.patrol-caption script').length,
                    arrows: document.querySelectorAll('textPath').length,
                })"""
            )
        finally:
            browser.close()
    assert browser.outside == []
    assert browser.dialogs == []  # the hostile name never ran
    assert errors == []
    routes = sum(1 for e in hostile_events if e.route)
    assert got["paths"] >= routes  # every route (and area) drawn
    assert got["land"] > 50
    assert got["arrows"] >= routes
    assert HOSTILE in got["caption"] and got["scripts"] == 0
