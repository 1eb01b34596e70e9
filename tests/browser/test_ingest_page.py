"""'Add from a release' in headless Chromium with the internet blocked: paste a release, see each value
marked in the escaped text, accept the values, download the draft YAML and load it with the loader."""

import inspect
import shutil
from pathlib import Path

import pytest

from browser import running_app, wait_for_app_idle
from patrolmap.load import DATA_DIR, load_dataset

pytestmark = pytest.mark.browser

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "ingest" / "en_air_2023_12_14.txt"
# A release of a patrol the data does not hold yet (the fixture moved to a new date and number), with
# hostile text at its end: markup and Markdown that must show as text, never render or fetch.
HOSTILE = ' <img src="https://evil.example/x.png" onerror="alert(1)"> [click](https://evil.example) **bold**'


@pytest.fixture(scope="module")
def app_url():
    with running_app() as url:
        yield url


def commit(locator) -> None:
    """Streamlit takes a text input's value on Enter (a text area's on Ctrl+Enter)."""
    locator.press("Control+Enter")


def test_paste_review_download_and_load(app_url, offline_browser, tmp_path):
    text = FIXTURE.read_text().replace("December 14", "March 3").replace("seventh", "twelfth") + HOSTILE
    page = offline_browser.page()
    page.goto(f"{app_url}/Add_from_a_release")
    area = page.get_by_label("Text of the release or article")
    area.wait_for(timeout=60_000)
    area.fill(text)
    commit(area)
    wait_for_app_idle(page)
    for label, value in (
        ("Publication date (YYYY-MM-DD)", "2027-03-03"),
        ("URL of the page", "https://example.org/release"),
        ("Published by", "Example Wire"),
    ):
        box = page.get_by_label(label, exact=True)
        box.fill(value)
        box.press("Enter")
        wait_for_app_idle(page)

    # Each value is marked where it was read; the hostile markup is text, not an element.
    page.locator("mark[data-field~='assets']").first.wait_for(timeout=30_000)
    marked = page.locator("mark[data-field]").evaluate_all("ms => ms.map(m => m.dataset.field)")
    fields = {name for label in marked for name in label.split()}
    assert {"kind", "date_start", "areas", "assets", "number"} <= fields
    assert page.locator(".release-text img").count() == 0
    assert page.locator(".release-text a").count() == 0
    assert "onerror" in page.locator(".release-text").inner_text()

    # Every value is accepted by default: the draft is shown and downloads.
    button = page.get_by_role("button", name="Download the draft (YAML)")
    button.wait_for(timeout=30_000)
    with page.expect_download() as download_info:
        button.click()
    download = download_info.value
    assert download.suggested_filename == "air-2027-03-03.yaml"
    data = tmp_path / "data"
    shutil.copytree(DATA_DIR, data)
    download.save_as(data / "events" / "drafts.yaml")
    options = {"show_drafts": True} if "show_drafts" in inspect.signature(load_dataset).parameters else {}
    loaded = load_dataset(data, **options)
    assert not loaded.errors, loaded.errors
    draft = next(e for e in loaded.events if e.id == "air-2027-03-03")
    assert draft.participants == ("RUS", "CHN")
    assert set(draft.areas) == {"sea-of-japan", "east-china-sea"}
    assert {a.type for a in draft.assets} == {"Tu-95MS", "H-6K"}
    assert offline_browser.outside == []
    assert offline_browser.dialogs == []
