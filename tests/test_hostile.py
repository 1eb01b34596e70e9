"""Hostile text in every field stays text: in the folium HTML, the tooltips, the cards, and the
running app in a real browser. Broken data files are rejected record by record, and said so."""

import copy
import dataclasses
import re
import tomllib
from collections import Counter
from datetime import date, timedelta
from html import escape
from html.parser import HTMLParser
from pathlib import Path

import pytest
import yaml

from conftest import PLACES, VALID_EVENT
from patrolmap import cards, csp, maps, upload, urls
from patrolmap.load import load_dataset, parse_event

FIXTURES = Path(__file__).parent / "fixtures"
# One payload a line; split on "\n" only, so U+2028/U+2029 inside a payload stay in it.
PAYLOADS = [p for p in (FIXTURES / "hostile" / "payloads.txt").read_text(encoding="utf-8").split("\n") if p]
BENIGN = "Plain benign text"
SAFE_TOOLTIP_TAGS = re.compile(r"</?(b|i)>|<br>")


def hostile_event(payload: str) -> dict:
    """VALID_EVENT with the payload in every free-text field."""
    raw = copy.deepcopy(VALID_EVENT)
    raw.update(name=payload, summary=payload, aliases=[payload], firsts=[payload], unknown=[payload])
    raw["route"]["note"] = payload
    for asset in raw["assets"]:
        asset["type"] = payload
    raw["incidents"][0]["description"] = payload
    for claim in raw["claims"]:
        claim["note"] = payload
    raw["disputes"][0]["note"] = payload
    for source in raw["sources"]:
        source["title"] = payload
        source["producer"] = payload
    return raw


def hostile_places(payload: str) -> dict:
    return {
        pid: p.__class__(**{**p.__dict__, "name": payload, "aliases": (payload,), "note": payload})
        for pid, p in PLACES.items()
    }


def parsed(payload: str):
    errors = []
    places = hostile_places(payload)
    event = parse_event(hostile_event(payload), "events/hostile.yaml", 0, places, errors)
    assert errors == [], [str(e) for e in errors]
    return event, places


class TagCollector(HTMLParser):
    """Every tag and attribute name the browser would build from the HTML."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.tags: Counter = Counter()

    def handle_starttag(self, tag, attrs):
        self.tags[(tag, tuple(sorted(name for name, _ in attrs)))] += 1


def tag_shape(html: str) -> Counter:
    collector = TagCollector()
    collector.feed(html)
    return collector.tags


@pytest.fixture(scope="module")
def benign_shape():
    event, places = parsed(BENIGN)
    return tag_shape(maps.build_map([event], places).get_root().render())


@pytest.mark.parametrize("payload", PAYLOADS, ids=range(len(PAYLOADS)))
def test_map_html_has_no_live_payload(payload, benign_shape):
    event, places = parsed(payload)
    html = maps.build_map([event], places).get_root().render()
    # Same elements and attributes as for plain text: nothing broke out of a string or a tag.
    assert tag_shape(html) == benign_shape
    assert "<script>alert" not in html and "<script>window" not in html
    if "<" in payload or '"' in payload:
        assert payload not in html
    assert not re.search(r"<[^>]*\son(error|load|mouseover|toggle)\s*=", html, re.I)


@pytest.mark.parametrize("payload", PAYLOADS, ids=range(len(PAYLOADS)))
def test_tooltips_are_escaped(payload):
    event, places = parsed(payload)
    layers = {
        "route": maps.routes_geojson([event], places),
        "area": maps.areas_geojson([event], places),
        "incident": maps.incidents_geojson([event], places),
    }
    for name, collection in layers.items():
        assert collection["features"], name
        for feature in collection["features"]:
            tooltip = feature["properties"]["tooltip"]
            assert escape(payload) in tooltip, (name, tooltip[:200])
            rest = SAFE_TOOLTIP_TAGS.sub("", tooltip)
            assert "<" not in rest and ">" not in rest and '"' not in rest, (name, rest[:200])


MARKDOWN_SPECIAL = set("\\`*_{}[]()#+-.!|<>~$&:")


def unescaped_markdown(text: str) -> list[str]:
    """Markdown-special characters not preceded by a backslash."""
    found, i = [], 0
    while i < len(text):
        if text[i] == "\\":
            i += 2
            continue
        if text[i] in MARKDOWN_SPECIAL:
            found.append(text[i])
        i += 1
    return found


@pytest.mark.parametrize("payload", PAYLOADS, ids=range(len(PAYLOADS)))
def test_card_text_through_md_escape_is_inert(payload):
    event, places = parsed(payload)
    card = cards.event_card(event, places)
    texts = [card.title, card.summary, *card.firsts, *card.unknown, card.route["note"], card.route["waypoints"]]
    texts += [d["note"] for d in card.disputes]
    texts += [s["title"] for s in card.sources] + [s["producer"] for s in card.sources]
    for text in texts:
        escaped = cards.md_escape(text)
        assert unescaped_markdown(escaped) == [], escaped[:200]
        assert "\n" not in escaped
    assert [s["url"] for s in card.sources] == ["https://example.org/a", "http://example.org/b"]


BAD_URLS = [
    "javascript:alert(1)",
    "JAVASCRIPT:alert(1)",
    " javascript:alert(1)",
    "java\tscript:alert(1)",
    "javascript://example.org/%0Aalert(1)",  # has a "host" but is not http
    "data:text/html,<script>alert(1)</script>",
    "vbscript:msgbox(1)",
    "//evil.example/x",  # scheme-relative
    'https://example.org/"><script>alert(1)</script>',
    "https://example.org/ onmouseover=alert(1)",
    "http:/example.org",  # no host
]


# http(s) URLs carrying quotes, angle brackets or spaces: safe_url withholds them and the loader refuses them.
QUOTED_URLS = BAD_URLS[8:]


def loader_rejects(url: str) -> bool:
    raw = copy.deepcopy(VALID_EVENT)
    raw["sources"][0]["url"] = url
    errors = []
    event = parse_event(raw, "events/hostile.yaml", 0, PLACES, errors)
    return event is None and any(e.field == "sources.url" and e.value == url for e in errors)


@pytest.mark.parametrize("url", BAD_URLS)
def test_bad_source_url_is_never_linked(url):
    assert cards.safe_url(url) is None


@pytest.mark.parametrize("url", [u for u in BAD_URLS if u not in QUOTED_URLS])
def test_bad_source_url_is_rejected_by_the_loader(url):
    assert loader_rejects(url)


@pytest.mark.parametrize("url", QUOTED_URLS)
def test_quoted_url_is_rejected_by_the_loader(url):
    assert loader_rejects(url)


# ---------------------------------------------------------------- a hostile data dir in the real app


def write_hostile_dir(root: Path) -> dict:
    """places + events + catalogue + datapackage, every text a payload. Returns what was written."""
    (root / "places").mkdir(parents=True)
    (root / "events").mkdir()
    seas = [("sea-a", 40.0, 134.5), ("sea-b", 29.5, 125.5), ("sea-c", 24.0, 130.0)]
    places = []
    for n, (pid, lat, lon) in enumerate(seas):
        ring = [[lon - 3, lat - 2], [lon + 3, lat - 2], [lon + 3, lat + 2], [lon - 3, lat + 2]]
        places.append(
            {
                "id": pid,
                "name": PAYLOADS[n],
                "aliases": [PAYLOADS[n + 3]],
                "kind": "sea",
                "lat": lat,
                "lon": lon,
                "polygon": ring,
                "note": PAYLOADS[n + 6],
            }
        )
    places.append({"id": "strait-x", "name": PAYLOADS[3], "kind": "strait", "lat": 34.3, "lon": 129.4})
    (root / "places" / "hostile.yaml").write_text(yaml.safe_dump(places, allow_unicode=True), encoding="utf-8")
    events = []
    start = date(2020, 1, 1)
    for n, payload in enumerate(PAYLOADS):
        day = (start + timedelta(days=n)).isoformat()
        raw = hostile_event(payload)
        raw.update(id=f"air-{day}", date_start=day, date_end=day, areas=[seas[n % 3][0]])
        raw["route"]["waypoints"] = [seas[n % 3][0], "strait-x", seas[(n + 1) % 3][0]]
        raw["incidents"][0]["place"] = "strait-x"
        raw["incidents"][0]["date"] = day
        events.append(raw)
    (root / "events" / "hostile.yaml").write_text(yaml.safe_dump(events, allow_unicode=True), encoding="utf-8")
    crafted = crafted_link_events()
    (root / "events" / "crafted.yaml").write_text(yaml.safe_dump(crafted, allow_unicode=True), encoding="utf-8")
    catalogue = [
        {
            "type": p,
            "name": p,
            "aliases": [p],
            "country": "RUS",
            "role": "bomber",
            "category": "aircraft",
            "note": p,
            "source": {"url": "javascript:window.top.__pwned=1", "title": p},
        }
        for p in PAYLOADS[:6]
    ]
    (root / "assets.yaml").write_text(yaml.safe_dump(catalogue, allow_unicode=True), encoding="utf-8")
    meta = {
        "title": PAYLOADS[0],
        "version": "![v](https://evil.example/version.png)",
        "last_reviewed": '<img src=x onerror="window.top.__pwned=1">',
        "description": PAYLOADS[17],
        "licenses": [{"name": "x", "title": "[licence](javascript:window.top.__pwned=1)"}],
        "method": PAYLOADS[:8],
        "resources": [
            {
                "path": "![r](https://evil.example/resource.png)",
                "title": PAYLOADS[3],
                "schema": {"fields": [{"name": PAYLOADS[2], "description": PAYLOADS[4]}]},
            }
        ],
        "changes": [{"date": "2026-11-27", "change": PAYLOADS[9]}],
    }
    (root / "datapackage.yaml").write_text(yaml.safe_dump(meta, allow_unicode=True), encoding="utf-8")
    return {"events": events + crafted, "places": places}


# Source URLs the loader accepts (http(s) with a host) that once broke out of the card's link or led
# elsewhere than they showed; each with record text that Markdown would autolink.
CRAFTED_LINKS = [
    "https://ok.example/a)![](https://evil.example/card-beacon.png",
    "https://ok.example/a](https://evil.example/bracket-beacon.png)",
    "http://127.0.0.1@evil.example/userinfo",
    "https://\u0440\u0430\u0443\u0440\u0430l.com/homoglyph",
    "https://ok.example/\u202etxt.exe",
    "https://ok.example/it's(1)",
]
AUTOLINK_TEXT = "Visit https://evil.example/autolink, www.evil.example/www or spy@evil.example"
LINKED_HOSTS = {"ok.example", "example.org", "xn--l-7sba6dbr.com"}  # where a crafted card may link


def crafted_link_events() -> list[dict]:
    events = []
    for n, url in enumerate(CRAFTED_LINKS):
        day = (date(2021, 6, 1) + timedelta(days=n)).isoformat()
        raw = copy.deepcopy(VALID_EVENT)
        raw.update(id=f"air-{day}", date_start=day, date_end=day, summary=AUTOLINK_TEXT, firsts=[AUTOLINK_TEXT])
        raw["areas"], raw["route"]["waypoints"] = ["sea-a"], ["sea-a", "strait-x", "sea-b"]
        raw["incidents"][0]["place"], raw["incidents"][0]["date"] = "strait-x", day
        raw["sources"][0]["url"] = url
        raw["sources"][1]["title"] = AUTOLINK_TEXT
        events.append(raw)
    return events


def test_hostile_dir_loads_every_record(tmp_path):
    written = write_hostile_dir(tmp_path)
    dataset = load_dataset(tmp_path)
    # A link with a user name before the host is refused by the loader too (named, not dropped);
    # every other payload loads, to be drawn as text.
    refused = [url for url in CRAFTED_LINKS if "@" in url.split("/")[2]]
    assert refused and [(e.field, e.value) for e in dataset.errors] == [("sources.url", url) for url in refused]
    assert len(written["events"]) == len(PAYLOADS) + len(CRAFTED_LINKS)
    assert len(dataset.events) == len(written["events"]) - len(refused)


PWNED = """() => {
    const hits = [];
    const visit = (w, path) => {
        try { if (w.__pwned) hits.push(path); } catch (e) { return; }
        for (let i = 0; i < w.frames.length; i++) visit(w.frames[i], path + '/' + i);
    };
    visit(window, 'top');
    return hits;
}"""

VISIBLE_PAYLOAD = "<b onmouseover=alert(1)>hover me</b>"


@pytest.fixture(scope="module")
def hostile_app(tmp_path_factory):
    from browser import running_app

    root = tmp_path_factory.mktemp("hostile-data")
    write_hostile_dir(root)
    with running_app(env={"PATROLMAP_DATA_DIR": str(root)}) as url:
        yield url


def settle(page):
    from browser import wait_for_app_idle

    page.wait_for_selector("[data-testid='stApp']", timeout=30_000)
    page.wait_for_timeout(1500)  # let Streamlit start its run before waiting for it to end
    wait_for_app_idle(page)


def assert_not_pwned(page, browser):
    assert page.evaluate(PWNED) == []
    assert browser.dialogs == []


@pytest.mark.browser
@pytest.mark.parametrize(
    "path",
    [
        "/",
        "/Events",
        "/Timeline",
        "/Aircraft_and_ships",
        "/About_the_data",
    ],
)
def test_hostile_pages_stay_inert(hostile_app, offline_browser, path):
    page = offline_browser.page()
    page.goto(hostile_app + path)
    settle(page)
    page.mouse.move(400, 400)
    page.mouse.move(600, 300)
    page.wait_for_timeout(500)
    assert_not_pwned(page, offline_browser)
    assert page.locator("[data-testid='stException']").count() == 0
    assert offline_browser.outside == []


def event_id_of(payload: str) -> str:
    return f"air-{(date(2020, 1, 1) + timedelta(days=PAYLOADS.index(payload))).isoformat()}"


CARD_PAYLOADS = [
    "![tracker](https://evil.example/md-image.png)",  # a Markdown image in a title would be fetched
    '<img src="https://evil.example/html-image.png">',
    "[click me](javascript:window.top.__pwned=1)",
    '<img src=x onerror="window.top.__pwned=1">',
    "**bold** _md_ `code` # heading > quote ~~strike~~ | table |",
]


@pytest.mark.browser
@pytest.mark.parametrize("payload", CARD_PAYLOADS, ids=range(len(CARD_PAYLOADS)))
def test_hostile_event_card(hostile_app, offline_browser, payload):
    """The card shows every field of the record; none of them may fetch, link or run anything."""
    page = offline_browser.page()
    page.goto(f"{hostile_app}/Map?event={event_id_of(payload)}")
    settle(page)
    page.get_by_text("Sources", exact=True).first.wait_for(timeout=30_000)
    for link in page.locator("a[href]").all():
        href = link.get_attribute("href") or ""
        assert not href.lower().startswith(("javascript:", "data:")), href
    for tag in ("img", "iframe", "svg[onload]", "details"):
        assert page.locator(f"[data-testid='stMarkdown'] {tag}").count() == 0, tag
    page.wait_for_timeout(500)
    assert_not_pwned(page, offline_browser)
    assert offline_browser.outside == []


# Links the loader refuses (a user name before the host) never reach a card: the loader test above
# names them, and the card's own link check is tested on them in test_md_link_is_the_one_way_out.
LOADED_LINKS = [url for url in CRAFTED_LINKS if "@" not in url.split("/")[2]]


@pytest.mark.browser
@pytest.mark.parametrize("url", LOADED_LINKS, ids=range(len(LOADED_LINKS)))
def test_crafted_source_link_and_autolinks_in_the_card(hostile_app, offline_browser, url):
    """Issue 16, 2 and 3: the card links only where the URL really leads, and text never becomes a link."""
    from urllib.parse import urlparse

    day = (date(2021, 6, 1) + timedelta(days=CRAFTED_LINKS.index(url))).isoformat()
    page = offline_browser.page()
    page.goto(f"{hostile_app}/Map?event=air-{day}")
    settle(page)
    page.get_by_text("Sources", exact=True).first.wait_for(timeout=30_000)
    card = page.locator("[data-testid='stMainBlockContainer']")
    card.get_by_text("spy", exact=False).first.wait_for(timeout=30_000)
    hosts = set()
    for link in card.locator("[data-testid='stMarkdown'] a[href]").all():
        href = link.get_attribute("href") or ""
        hosts.add(urlparse(href).hostname)
        assert not href.lower().startswith(("javascript:", "data:", "mailto:")), href
    assert hosts <= LINKED_HOSTS, hosts
    assert card.locator("[data-testid='stMarkdown'] img").count() == 0
    page.wait_for_timeout(500)
    assert_not_pwned(page, offline_browser)
    assert offline_browser.outside == []


@pytest.mark.browser
def test_hostile_map_tooltip_and_card(hostile_app, offline_browser):
    from browser import MAP_FRAME, wait_for_map

    page = offline_browser.page()
    page.goto(f"{hostile_app}/Map?event={event_id_of(VISIBLE_PAYLOAD)}")
    settle(page)
    frame = wait_for_map(page)
    paths = frame.locator("path.leaflet-interactive")
    paths.first.wait_for(timeout=30_000)
    assert paths.count() >= len(PAYLOADS)  # every route and area drew
    # Hover over every route in turn: each binds a tooltip built from a payload.
    routes = page.frame_locator(MAP_FRAME).locator("path.leaflet-interactive[stroke-linecap='round']")
    tooltips = []
    for i in range(min(routes.count(), 40)):
        try:
            routes.nth(i).hover(timeout=2000, force=True)
        except Exception:  # a route under another one cannot always be hovered; the others are enough
            continue
        tip = frame.locator(".leaflet-tooltip")
        try:  # a tooltip can close before it is read (seen since the map writes its view to the URL)
            tooltips.append(tip.first.inner_text(timeout=2000))
        except Exception:
            continue
    assert tooltips, "no tooltip appeared"
    assert any(p in t for t in tooltips for p in PAYLOADS), tooltips[:3]
    # The event card for the visible payload: its text shows as text.
    page.wait_for_timeout(500)
    body = page.inner_text("body")
    assert VISIBLE_PAYLOAD in body
    assert_not_pwned(page, offline_browser)
    assert page.locator("[data-testid='stException']").count() == 0
    assert offline_browser.outside == []


# ---------------------------------------------------------------- broken data files

BROKEN = FIXTURES / "broken"
BROKEN_VALID = {"air-2019-07-23", "naval-2021-10-17", "ex-2022-12-21"}


def expected_rejections() -> set[tuple[str, str, str]]:
    """(file, record, field) of every error the broken dir must produce, from its expected.txt."""
    lines = (BROKEN / "expected.txt").read_text(encoding="utf-8").splitlines()
    return {tuple(part.strip() for part in line.split("|")) for line in lines if line and not line.startswith("#")}


def test_broken_dir_rejects_exactly_the_bad_records():
    dataset = load_dataset(BROKEN)
    assert {e.id for e in dataset.events} == BROKEN_VALID
    got = {(e.file, e.record, e.field) for e in dataset.errors}
    expected = expected_rejections()
    assert len({(f, r) for f, r, _ in expected}) >= 30  # records (and whole files) rejected
    assert got == expected, {"missing": sorted(expected - got), "unexpected": sorted(got - expected)}
    for error in dataset.errors:
        assert error.file and error.record and error.field and error.expected
        assert "must be" in str(error) and "got" in str(error)


@pytest.mark.browser
def test_broken_dir_in_the_app_shows_the_banner_and_the_valid_events(offline_browser):
    from browser import running_app, wait_for_map

    n_errors = len(load_dataset(BROKEN).errors)
    with running_app(env={"PATROLMAP_DATA_DIR": str(BROKEN)}) as url:
        page = offline_browser.page()
        page.goto(url + "/Map")
        settle(page)
        banner = page.get_by_text(f"{n_errors} problem(s) in the data")
        banner.wait_for(timeout=30_000)
        expander = page.locator("[data-testid='stExpander']", has_text="problem(s) in the data").first
        expander.locator("[data-testid='stDataFrame']").first.wait_for(timeout=30_000)
        # The grid draws on a canvas; its accessible table carries the first rows' text.
        page.wait_for_function(
            """() => Array.from(document.querySelectorAll("[data-testid='stExpander']")).some(
                e => e.textContent.includes('problem(s) in the data') && e.textContent.includes('broken/'))""",
            timeout=30_000,
        )
        frame = wait_for_map(page)
        counts = page.wait_for_function(
            """(sel) => {
                const w = document.querySelector(sel).contentWindow;
                if (!w || !w.map) return null;
                const ids = new Set();
                w.map.eachLayer(l => { if (l.feature && l.feature.properties && l.feature.properties.event_id)
                    ids.add(l.feature.properties.event_id); });
                return ids.size ? Array.from(ids).sort() : null;
            }""",
            arg="iframe[title='streamlit_folium.st_folium']",
            timeout=30_000,
        ).json_value()
        assert set(counts) <= BROKEN_VALID and "air-2019-07-23" in counts
        assert frame.locator("path.leaflet-interactive").count() >= 1
        assert offline_browser.outside == []


# ---------------------------------------------------------------- URLs, links and autolinks (issue 16: 2, 3)

URL_TABLE = [
    tuple(line.rstrip("\n").split("\t"))
    for line in (FIXTURES / "hostile" / "urls.tsv").read_text(encoding="utf-8").splitlines(keepends=True)
    if not line.startswith("#")
]


@pytest.mark.parametrize("url, want", URL_TABLE, ids=range(len(URL_TABLE)))
def test_safe_url_table(url, want):
    got = urls.safe_url(url)
    assert (got or "-") == want
    if got:
        assert urls.safe_url(got) == got  # idempotent: a safe URL passes again unchanged
        after_host = got.split("://", 1)[1].lstrip("[:.]0123456789abcdefghijklmnopqrstuvwxyz-")
        assert not set(after_host) & set("()[]<>\"'` \\")  # nothing that ends a Markdown link or an attribute


# remark-gfm's autolink literals (mdast-util-gfm-autolink-literal), as JavaScript reads them: \w is ASCII.
GFM_AUTOLINKS = [
    re.compile(r"(https?://|www(?=\.))([-.\w]+)", re.I | re.A),
    re.compile(r"([-.\w+]+)@([-\w]+(?:\.[-\w]+)+)", re.A),
]


def unescape_markdown(text: str) -> str:
    """What the Markdown parser hands to the autolink pass: backslash escapes resolved."""
    return re.sub(r"\\(.)", r"\1", text)


@pytest.mark.parametrize("payload", PAYLOADS, ids=range(len(PAYLOADS)))
def test_md_escape_leaves_no_autolink(payload):
    seen = unescape_markdown(cards.md_escape(payload))
    for pattern in GFM_AUTOLINKS:
        assert not pattern.search(seen), (pattern.pattern, seen[:200])


@pytest.mark.parametrize(
    "text, shown",
    [
        ("https://evil.example/x", "https:\u2060//\u2060evil.example/x"),
        ("www.evil.example", "www\u2060.\u2060evil.example"),
        ("spy@evil.example", "spy\u2060@\u2060evil.example"),
        ("abc\u202egnp.exe", "abc\ufffdgnp.exe"),  # an RTL override would show "abcexe.png"
        ("a\u2066b\u2069c", "a\ufffdb\ufffdc"),
        ("one\ntwo\r\nthree\u2028four", "one two three four"),
        ("Ту-95МС 轰-6K فارسی", "Ту-95МС 轰-6K فارسی"),  # real scripts, RTL included, untouched
    ],
)
def test_md_escape_shows_the_text(text, shown):
    assert unescape_markdown(cards.md_escape(text)) == shown


@pytest.mark.parametrize(
    "url, link",
    [
        (
            "https://ok.example/a)![](https://evil.example/card-beacon.png",
            "[T](https://ok.example/a%29!%5B%5D%28https://evil.example/card-beacon.png) (ok\\.example)",
        ),
        (
            "https://\u0440\u0430\u0443\u0440\u0430l.com/",
            "[T](https://xn--l-7sba6dbr.com/) (xn\\-\\-l\\-7sba6dbr\\.com)",
        ),
        ("http://127.0.0.1@evil.example/", "T (link withheld: not a plain http/https address)"),
        ("javascript:alert(1)", "T (link withheld: not a plain http/https address)"),
        (None, "T (link withheld: not a plain http/https address)"),
    ],
)
def test_md_link_is_the_one_way_out(url, link):
    assert cards.md_link("T", url) == link


def test_md_link_text_cannot_close_the_link():
    link = cards.md_link("a](https://evil.example/x) [b", "https://ok.example/")
    assert link.startswith("[a\\]\\(https\\:\u2060//\u2060evil\\.example/x\\) \\[b](https://ok.example/)")


@pytest.mark.parametrize(
    "count, shown", [(2, 2), (None, None), (10_000, 10_000), (2**63, str(2**63)), (10**30, str(10**30))]
)
def test_card_counts_fit_a_table(count, shown):
    # The schema caps counts at 10,000; the card still never hands a table a number it cannot hold.
    event, places = parsed(BENIGN)
    event = dataclasses.replace(event, assets=(dataclasses.replace(event.assets[0], count=count),))
    assert cards.event_card(event, places).assets[0]["count"] == shown


# ---------------------------------------------------------------- CSP and the server's upload cap (issue 16: 10)


@pytest.mark.parametrize(
    "basemap, image_sources",
    [
        (maps.BASEMAPS[0], "img-src 'self' data: blob:;"),
        ("OpenStreetMap", "img-src 'self' data: blob: https://tile.openstreetmap.org;"),
        ("CartoDB Positron", "img-src 'self' data: blob: https://*.basemaps.cartocdn.com;"),
    ],
)
def test_live_map_document_carries_a_csp(basemap, image_sources):
    header = maps.base_map(basemap).get_root().header.render()
    assert header.lstrip().startswith('<meta http-equiv="Content-Security-Policy"')
    policy = csp.map_policy(maps.ONLINE_TILES[basemap][0] if basemap in maps.ONLINE_TILES else None)
    assert image_sources in policy + ";"
    assert "default-src 'self'" in policy and "connect-src 'self'" in policy and "object-src 'none'" in policy


def test_saved_html_map_has_no_csp():
    # An exported file is opened from disk with its assets inlined; 'self' would mean nothing there.
    assert "Content-Security-Policy" not in maps.base_map(embed_land=True).get_root().header.render()


def test_server_upload_cap_equals_the_page_cap():
    config = tomllib.loads((Path(__file__).parent.parent / ".streamlit" / "config.toml").read_text())
    assert config["server"]["maxUploadSize"] == upload.MAX_UPLOAD_MB  # Streamlit's unit: MB (2**20 bytes)
    assert upload.MAX_BYTES == upload.MAX_UPLOAD_MB * 2**20
