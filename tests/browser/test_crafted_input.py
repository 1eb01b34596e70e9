"""Crafted links and uploads in the running app, in headless Chromium that can reach only this
machine: nothing they hold makes the browser fetch from another host (issue 16), every problem
is said on the page, and injected markup in the map's document is refused by its CSP."""

import socket
import sys
import time
import urllib.request
from pathlib import Path
from urllib.parse import quote, urlparse

import pytest

from browser import LOOPBACK, MAP_FRAME, running_app, wait_for_app_idle, wait_for_map

pytestmark = pytest.mark.browser

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
PAGES = ["/Map", "/Timeline", "/Events", "/Aircraft_and_ships"]
# Issue 16, item 1, and our own: query values that are Markdown, HTML or autolinks.
CRAFTED_QUERIES = [
    {
        "years": "![](https://evil.example/beacon.png)",
        "dates": "[Session expired - sign in again](https://evil.example/login)",
    },
    {"basemap": "![](https://evil.example/basemap.png)", "kinds": "<img src=https://evil.example/kinds.png>"},
    {"countries": "https://evil.example/autolink", "event": "www.evil.example"},
    {"years": "spy@evil.example", "dates": "<https://evil.example/angle>", "playback": "[x](javascript:alert(1))"},
    {"years": "\u202ehttps://evil.example/rtl", "kinds": ":material/warning: $x^2$ :red[red]"},
]


@pytest.fixture(scope="module")
def app_url():
    with running_app() as url:
        yield url


def settle(page):
    page.wait_for_selector("[data-testid='stApp']", timeout=30_000)
    page.wait_for_timeout(1500)  # let Streamlit start its run before waiting for it to end
    wait_for_app_idle(page, timeout=60_000)


def query(params: dict) -> str:
    return "&".join(f"{k}={quote(v, safe='')}" for k, v in params.items())


def links_off_the_machine(page) -> list[str]:
    hrefs = page.eval_on_selector_all("a[href]", "els => els.map(e => e.href)")
    return [h for h in hrefs if (urlparse(h).hostname or "") not in LOOPBACK and not h.startswith("about:")]


def assert_no_trace_of_evil(page, browser):
    assert browser.outside == []
    assert [h for h in links_off_the_machine(page) if "evil" in h] == []
    assert page.locator("img[src*='evil']").count() == 0
    assert page.locator("[data-testid='stException']").count() == 0


# ---------------------------------------------------------------- the map document's CSP


def test_map_document_refuses_injected_markup(app_url, offline_browser):
    page = offline_browser.page()
    page.goto(f"{app_url}/Map")
    wait_for_map(page, timeout=90_000)
    frame = page.locator(MAP_FRAME).element_handle().content_frame()
    policy = frame.evaluate(
        "() => document.querySelector('meta[http-equiv=\"Content-Security-Policy\"]')?.content || ''"
    )
    assert "img-src 'self' data: blob:" in policy and "default-src 'self'" in policy
    # Markup that escaped every check: an image, a stylesheet, a fetch, a frame, all to another host.
    blocked = frame.evaluate(
        """async () => {
            const seen = [];
            document.addEventListener('securitypolicyviolation', e => seen.push(e.blockedURI));
            document.body.insertAdjacentHTML('beforeend',
                '<img src="https://evil.example/csp-img.png">' +
                '<link rel="stylesheet" href="https://evil.example/csp.css">' +
                '<iframe src="https://evil.example/csp-frame"></iframe>');
            try { await fetch('https://evil.example/csp-fetch'); } catch (e) {}
            await new Promise(r => setTimeout(r, 1500));
            return seen;
        }"""
    )
    assert {urlparse(u).path for u in blocked} >= {"/csp-img.png", "/csp.css", "/csp-fetch"}
    assert offline_browser.outside == []  # refused in the page, the frame too: no request was even attempted
    # and the map itself still works under the policy
    assert frame.locator("path.leaflet-interactive").count() > 0


# ---------------------------------------------------------------- crafted links (issue 16: 1, 3, 4, 12)


@pytest.mark.parametrize("path", PAGES)
@pytest.mark.parametrize("params", CRAFTED_QUERIES, ids=range(len(CRAFTED_QUERIES)))
def test_crafted_link_fetches_and_links_nothing(app_url, offline_browser, path, params):
    page = offline_browser.page()
    page.goto(f"{app_url}{path}?{query(params)}")
    settle(page)
    page.wait_for_timeout(500)
    assert_no_trace_of_evil(page, offline_browser)
    sidebar = page.locator("[data-testid='stSidebar']")
    assert sidebar.get_by_text("Ignored", exact=False).count() >= 1  # the analyst is told


def test_shared_link_does_not_switch_on_online_tiles(app_url, offline_browser):
    page = offline_browser.page()
    page.goto(f"{app_url}/Map?basemap=OpenStreetMap")
    wait_for_map(page, timeout=90_000)
    page.wait_for_timeout(2500)
    assert offline_browser.outside == []  # no tile request left the machine
    assert page.frame_locator(MAP_FRAME).locator("img.leaflet-tile").count() == 0


@pytest.mark.parametrize(
    "params, words",
    [
        ({"countries": "USA"}, "USA"),  # a real code, but no event in the data has it
        ({"playback": "yes"}, "playback"),
        ({"kinds": "air_patrol,submarine_patro"}, "submarine_patro"),
    ],
)
def test_unknown_well_formed_values_are_reported(app_url, offline_browser, params, words):
    page = offline_browser.page()
    page.goto(f"{app_url}/Map?{query(params)}")
    settle(page)
    assert page.locator("[data-testid='stSidebar']").get_by_text(words, exact=False).count() >= 1
    assert offline_browser.outside == []


@pytest.mark.parametrize("size", [10_000, 60_000])
def test_long_query_value_is_reported_and_ignored(app_url, offline_browser, size):
    # Up to one read of the socket (64 KiB on loopback) the server takes the request; beyond h11's
    # 16 KiB incomplete-request limit a request split across reads gets HTTP 400 (README, URL parameters).
    page = offline_browser.page()
    response = page.goto(f"{app_url}/Map?years={'9' * size}")
    assert response.status == 200
    settle(page)
    assert page.locator("[data-testid='stSidebar']").get_by_text("Ignored", exact=False).count() >= 1
    wait_for_map(page, timeout=90_000)
    assert offline_browser.outside == []


def test_100_kb_query_value_loads_the_page_or_gets_a_plain_400(app_url, offline_browser):
    # Issue 16, item 12: whether the server takes it depends on how the request arrives (one read
    # or several); either the page loads and says the value was ignored, or the server answers
    # 400 in plain text: never a traceback, never a hang.
    page = offline_browser.page()
    response = page.goto(f"{app_url}/Map?q={'x' * 100_000}", timeout=60_000)
    if response.status == 200:
        said = page.locator("[data-testid='stSidebar']").get_by_text("Ignored q= in the address", exact=False)
        said.first.wait_for(timeout=90_000)
        assert "100,000 characters long" in said.first.inner_text()
        assert page.locator("[data-testid='stException']").count() == 0
    else:
        assert (response.status, response.text()) == (400, SERVER_400)
    assert offline_browser.outside == []


SERVER_400 = "Invalid HTTP request received."  # uvicorn's whole answer (uvicorn/protocols/http/h11_impl.py)


def raw_request(url: str, target: str, headers: str = "", splits: tuple[int, ...] = ()) -> tuple[int, bytes]:
    """(status, body) of a GET sent in pieces cut at the byte offsets splits, with a pause after
    each so that each piece is a read of its own on the server."""
    host, port = urlparse(url).hostname, urlparse(url).port
    request = f"GET {target} HTTP/1.1\r\nHost: {host}:{port}\r\n{headers}Connection: close\r\n\r\n".encode()
    cuts = [0, *splits, len(request)]
    answer = b""
    with socket.create_connection((host, port), timeout=30) as sock:  # a hang fails here, in 30 s
        try:
            for start, end in zip(cuts, cuts[1:], strict=False):
                sock.sendall(request[start:end])
                time.sleep(0.3)
        except (BrokenPipeError, ConnectionResetError):  # the server answered and closed early
            pass
        while chunk := sock.recv(65536):
            answer += chunk
    head, _, body = answer.partition(b"\r\n\r\n")
    return int(head.split()[1]), body


@pytest.mark.parametrize(
    "target, headers, splits, status",
    [
        ("/Map?years=" + "9" * 20_000, "", (15_000,), 200),  # 15,000 bytes waiting: under 16 KiB
        ("/Map?years=" + "9" * 20_000, "", (17_000,), 400),  # 17,000 bytes waiting: over
        ("/Map?years=" + "9" * 100_000, "", tuple(range(10_000, 100_000, 10_000)), 400),  # issue 16's 100 KB
        ("/Map?q=" + "%41" * 6_000, "", (17_000,), 400),  # 6,000 characters, 18,000 bytes: bytes count
        ("/Map", "Cookie: a=" + "b" * 20_000 + "\r\n", (17_000,), 400),  # the headers count too
        ("/Map?years=" + "9" * 40_000, "", (), 200),  # in one read: taken, however long (up to ~64 KiB)
    ],
    ids=["15k-waiting", "17k-waiting", "100k-in-pieces", "percent-encoded", "big-cookie", "40k-at-once"],
)
def test_server_request_size_limit_is_a_plain_400(app_url, target, headers, splits, status):
    # Streamlit 1.67 serves with uvicorn's h11 parser, which refuses a request once more than
    # 16 KiB of its line and headers have arrived without their end (h11's max_incomplete_event_size);
    # Streamlit offers no option to raise it. The analyst gets a short plain-text 400, and the
    # server keeps serving.
    got, body = raw_request(app_url, target, headers, splits)
    assert got == status
    if status == 400:
        assert body.decode() == SERVER_400
    with urllib.request.urlopen(f"{app_url}/_stcore/health", timeout=10) as health:
        assert health.read() == b"ok"


# ---------------------------------------------------------------- uploads (issue 16: 5, 9, 13)


def upload(page, path: Path):
    page.locator("[data-testid='stSidebar'] summary", has_text="Your own events").first.click()
    page.locator("[data-testid='stFileUploaderDropzoneInput']").set_input_files(str(path))
    page.wait_for_timeout(1500)
    wait_for_app_idle(page, timeout=60_000)


@pytest.mark.parametrize(
    "name, loaded, problems",
    [
        ("broken/uploads/unclosed_quote.csv", 9, "1 problem(s)"),
        ("broken/uploads/garbage.csv", None, "1 problem(s)"),
        ("broken/uploads/header_only.csv", None, "1 problem(s)"),
        ("broken/uploads/huge_numbers.yaml", 1, "4 problem(s)"),
        ("broken/uploads/scheme_urls.yaml", 1, "3 problem(s)"),
        ("hostile/uploads/track_and_bad_coordinates.geojson", 1, "6 problem(s)"),  # true, NaN, 1e400, ...
    ],
)
def test_upload_says_what_it_loaded_and_what_not(app_url, offline_browser, name, loaded, problems):
    page = offline_browser.page()
    page.goto(f"{app_url}/Map")
    wait_for_map(page, timeout=90_000)
    upload(page, FIXTURES / name)
    page.get_by_text(problems, exact=False).first.wait_for(timeout=30_000)
    if loaded is not None:
        page.get_by_text(f"{loaded} event(s) from", exact=False).first.wait_for(timeout=30_000)
    assert page.locator("[data-testid='stException']").count() == 0
    assert offline_browser.outside == []


def test_simplified_track_is_drawn_and_says_so(app_url, offline_browser):
    # A 3,000-point track: drawn with at most 500 points, the sidebar says so with the length
    # measured on every point, and Leaflet holds the simplified line.
    page = offline_browser.page()
    page.goto(f"{app_url}/Map")
    wait_for_map(page, timeout=90_000)
    upload(page, FIXTURES / "hostile/uploads/track_and_bad_coordinates.geojson")
    note = page.locator("[data-testid='stSidebar']").get_by_text("route simplified from 3,000 to", exact=False)
    note.first.wait_for(timeout=60_000)
    assert "length computed on the full route: ~13,316 km" in note.first.inner_text()
    points = (
        page.frame_locator(MAP_FRAME)
        .locator("body")
        .evaluate(
            """() => { let n = -1; window.map.eachLayer(l => { const p = l.feature && l.feature.properties;
            if (p && p.layer === 'route' && p.event_id === 'upload-air-2021-01-01') {
                n = l.getLatLngs().flat(Infinity).length;
            } });
            return n; }"""
        )
    )
    assert 2 <= points <= 500
    assert page.locator("[data-testid='stException']").count() == 0
    assert offline_browser.outside == []


def test_a_two_megabyte_upload_is_parsed_off_the_server_and_drawn(app_url, offline_browser, tmp_path):
    # 196,000 vertices in 20 lines (issue 16): above ui.WORKER_MIN_BYTES, so the server parses
    # it in its worker process; the map draws the 20 simplified routes and the sidebar says so.
    sys.path.insert(0, str(FIXTURES.parent.parent / "benchmarks"))
    from hostile_upload import huge_geojson

    from patrolmap.ui import WORKER_MIN_BYTES

    path = tmp_path / "vertices-196k.geojson"
    path.write_bytes(huge_geojson())
    assert path.stat().st_size >= WORKER_MIN_BYTES
    page = offline_browser.page()
    page.goto(f"{app_url}/Map")
    wait_for_map(page, timeout=90_000)
    upload(page, path)
    page.get_by_text("20 event(s) from vertices-196k.geojson").wait_for(timeout=60_000)
    sidebar = page.locator("[data-testid='stSidebar']")
    sidebar.get_by_text("simplified from 9,800 to", exact=False).first.wait_for(timeout=30_000)
    page.wait_for_function(  # the map redraws after the sidebar has said what it loaded
        """(sel) => { const f = document.querySelector(sel); const w = f && f.contentWindow;
        if (!w || !w.map) return false;
        let n = 0; w.map.eachLayer(l => { const p = l.feature && l.feature.properties;
            if (p && p.layer === 'route' && String(p.event_id).startsWith('upload-')) { n++; } });
        return n === 20; }""",
        arg=MAP_FRAME,
        timeout=60_000,
    )
    assert page.locator("[data-testid='stException']").count() == 0
    assert offline_browser.outside == []
