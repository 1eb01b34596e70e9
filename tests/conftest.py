import copy

import pytest

from patrolmap.schema import Place

PLACES = {
    "sea-of-japan": Place(
        "sea-of-japan", "Sea of Japan", "sea", 40.0, 134.5, ("East Sea",), ((129.4, 35.2), (140.0, 40.5), (136.5, 44.5))
    ),
    "east-china-sea": Place(
        "east-china-sea", "East China Sea", "sea", 29.5, 125.5, (), ((121.9, 31.2), (127.0, 26.0), (129.9, 32.7))
    ),
    "tsushima-strait": Place("tsushima-strait", "Tsushima Strait", "strait", 34.3, 129.4, ("Korea Strait",)),
    "miyako-strait": Place("miyako-strait", "Miyako Strait", "strait", 25.3, 126.0),
    "dokdo": Place("dokdo", "Dokdo / Takeshima", "island", 37.24, 131.87),
    "kamchatka": Place("kamchatka", "Kamchatka", "region", 53.0, 160.0),
    "aleutians": Place("aleutians", "Aleutian Islands", "island", 52.0, -175.0),
    "gulf-of-oman": Place(
        "gulf-of-oman", "Gulf of Oman", "sea", 24.5, 58.5, (), ((56.4, 26.3), (61.6, 25.2), (58.6, 23.6))
    ),
}

VALID_EVENT = {
    "id": "air-2019-07-23",
    "kind": "air_patrol",
    "name": "First joint strategic air patrol",
    "date_start": "2019-07-23",
    "date_end": "2019-07-23",
    "participants": ["RUS", "CHN"],
    "areas": ["sea-of-japan", "east-china-sea"],
    "route": {
        "waypoints": ["sea-of-japan", "tsushima-strait", "east-china-sea"],
        "provenance": "text",
        "source": "a",
    },
    "assets": [
        {"country": "RUS", "type": "Tu-95MS", "count": 2, "role": "bomber", "source": "a"},
        {"country": "CHN", "type": "H-6K", "count": 2, "role": "bomber", "source": "b"},
    ],
    "incidents": [
        {
            "kind": "warning_shots",
            "actor": "KOR",
            "place": "dokdo",
            "date": "2019-07-23",
            "description": "Warning shots",
            "source": "b",
        },
    ],
    "claims": [
        {"field": "aircraft_total", "value": 4, "source": "a"},
        {"field": "aircraft_total", "value": 5, "source": "b"},
    ],
    "disputes": [{"field": "aircraft_total", "note": "counts differ"}],
    "summary": "Test event.",
    "sources": [
        {
            "id": "a",
            "producer": "Ministry A",
            "title": "Statement",
            "url": "https://example.org/a",
            "date_published": "2019-07-23",
            "date_accessed": "2026-11-27",
            "kind": "official",
        },
        {
            "id": "b",
            "producer": "News B",
            "title": "Report",
            "url": "http://example.org/b",
            "date_published": None,
            "date_accessed": "2026-11-27",
        },
    ],
}


@pytest.fixture
def places():
    return dict(PLACES)


@pytest.fixture
def valid_event():
    return copy.deepcopy(VALID_EVENT)


@pytest.fixture
def offline_browser():
    """Headless Chromium that can reach only this machine (see browser.OfflineBrowser)."""
    from playwright.sync_api import sync_playwright

    from browser import OfflineBrowser, chromium_path

    executable = chromium_path()
    with sync_playwright() as playwright:
        browser = OfflineBrowser(playwright, executable)
        yield browser
        browser.close()
