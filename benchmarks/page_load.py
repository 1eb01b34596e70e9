"""Time to a visible map, and from a filter change to the redrawn map, in headless Chromium.

    python benchmarks/page_load.py [--runs 5]

Starts the real app (`streamlit run app.py` on a free loopback port), opens /Map in Chromium with
every non-loopback request blocked, and measures, over --runs runs each:

* load: from navigation to the map visible (the st_folium iframe holds a `.leaflet-container` and
  at least one `path.leaflet-interactive`), each run in a fresh browser context (cold cache); the
  first run is also the server's first render of the page (data loaded and validated); then the
  same with a warm cache (a new tab in one context that has loaded the page once);
* filter: from choosing a kind in the sidebar to the map showing exactly the routes and areas the
  new filter keeps (counted in Leaflet, compared with patrolmap's own count), and whether the map
  iframe was rebuilt on the way (then the analyst's pan and zoom are lost).

Needs Playwright and a system Chromium (never `playwright install`).
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))

import browser  # noqa: E402
from browser import MAP_FRAME, OfflineBrowser, running_app  # noqa: E402
from browser import expected_counts as expected  # noqa: E402
from patrolmap.filters import Filters  # noqa: E402
from patrolmap.schema import KIND_LABELS  # noqa: E402

TARGET_S = 3.0
TIMEOUT_MS = 60_000
FILTER_KINDS = ("air_patrol", "naval_patrol", "exercise")

# Routes and areas Leaflet holds in the map iframe, counted by the layer property each feature carries.
COUNT_IN_FRAME = """([frameSel]) => {
    const f = document.querySelector(frameSel);
    const w = f && f.contentWindow;
    if (!w || !w.map) return null;
    const counts = {route: 0, area: 0, marked: w.__bench === 1};
    w.map.eachLayer(l => {
        const p = l.feature && l.feature.properties;
        if (p && p.layer in counts) counts[p.layer]++;
    });
    return counts;
}"""


def time_to_map(page, url: str) -> float:
    start = time.perf_counter()
    page.goto(f"{url}/Map", wait_until="commit")
    frame = page.frame_locator(MAP_FRAME)
    frame.locator(".leaflet-container").wait_for(timeout=TIMEOUT_MS)
    frame.locator("path.leaflet-interactive").first.wait_for(timeout=TIMEOUT_MS)
    return time.perf_counter() - start


def wait_for_counts(page, want: dict, timeout_ms: float) -> dict | None:
    """The frame's counts once they equal want; None (with the last counts printed) on timeout."""
    try:
        page.wait_for_function(
            """([frameSel, want, text]) => {
                const f = document.querySelector(frameSel);
                const w = f && f.contentWindow;
                if (!w || !w.map || !document.body.innerText.includes(text)) return false;
                let route = 0, area = 0;
                w.map.eachLayer(l => {
                    const p = l.feature && l.feature.properties;
                    if (p && p.layer === 'route') route++;
                    if (p && p.layer === 'area') area++;
                });
                return route === want.route && area === want.area;
            }""",
            arg=[MAP_FRAME, want, f"{want['events']} of {want['all']} events shown"],
            timeout=timeout_ms,
            polling=50,
        )
    except Exception:  # playwright's TimeoutError: report what the map showed instead
        print(f"  map did not reach {want}; it shows {page.evaluate(COUNT_IN_FRAME, [MAP_FRAME])}", flush=True)
        return None
    return page.evaluate(COUNT_IN_FRAME, [MAP_FRAME])


def time_filter_change(page, url: str, kind: str) -> tuple[float | None, bool | None]:
    """(seconds from choosing `kind` to the redrawn map, whether the map iframe was rebuilt)."""
    time_to_map(page, url)
    everything = expected(Filters())
    if wait_for_counts(page, everything, TIMEOUT_MS) is None:
        return None, None
    # A mark on the map's window: gone afterwards means the component was remounted.
    page.locator(MAP_FRAME).element_handle().content_frame().evaluate("() => { window.__bench = 1; }")
    want = expected(Filters(kinds=(kind,)))
    page.locator("[data-testid='stSidebar'] [data-testid='stMultiSelect']").first.click()
    option = page.get_by_role("option", name=KIND_LABELS[kind])
    option.wait_for()
    start = time.perf_counter()
    option.click()
    page.keyboard.press("Escape")
    counts = wait_for_counts(page, want, TIMEOUT_MS)
    seconds = time.perf_counter() - start
    if counts is None:
        return None, None
    return seconds, not counts["marked"]


def summary(values: list[float | None]) -> tuple[str, str, str]:
    ok = [v for v in values if v is not None]
    if not ok:
        return "–", "–", "NOT met (never drawn)"
    median, worst = statistics.median(ok), max(ok)
    failed = len(values) - len(ok)
    verdict = f"median {'met' if median <= TARGET_S else 'NOT met'}, max {'met' if worst <= TARGET_S else 'NOT met'}"
    if failed:
        verdict += f" ({failed} run(s) never drew the expected map)"
    return f"{median:.2f}", f"{worst:.2f}", verdict


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument(
        "--app-dir",
        type=Path,
        default=ROOT,
        help="run app.py from this checkout instead (e.g. a copy with a change applied); same data/ expected",
    )
    args = parser.parse_args()
    browser.ROOT = args.app_dir.resolve()  # running_app starts `streamlit run app.py` there
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    if chromium is None:
        print("chromium not found on PATH (apt-get install chromium); never run `playwright install`")
        return 2
    from playwright.sync_api import sync_playwright

    loads: list[float | None] = []
    warm: list[float | None] = []
    changes: list[float | None] = []
    remounts: list[bool | None] = []
    outside: list[str] = []
    server_start = time.perf_counter()
    with running_app() as url, sync_playwright() as playwright:
        print(f"app ({browser.ROOT}) up at {url} in {time.perf_counter() - server_start:.1f} s", flush=True)
        for run in range(args.runs):
            offline = OfflineBrowser(playwright, chromium)
            try:
                loads.append(time_to_map(offline.page(), url))
            except Exception as exc:  # a timeout is a result, not a crash
                print(f"  load run {run + 1}: {type(exc).__name__}: {exc}".splitlines()[0], flush=True)
                loads.append(None)
            outside += offline.outside
            offline.close()
            print(f"load run {run + 1}: {loads[-1] if loads[-1] is None else f'{loads[-1]:.2f} s'}", flush=True)
        offline = OfflineBrowser(playwright, chromium)
        time_to_map(offline.page(), url)  # fills the browser cache; not counted
        for run in range(args.runs):
            try:
                warm.append(time_to_map(offline.page(), url))
            except Exception as exc:
                print(f"  warm run {run + 1}: {type(exc).__name__}: {exc}".splitlines()[0], flush=True)
                warm.append(None)
        outside += offline.outside
        offline.close()
        print("warm runs: " + ", ".join("–" if v is None else f"{v:.2f} s" for v in warm), flush=True)
        for run in range(args.runs):
            kind = FILTER_KINDS[run % len(FILTER_KINDS)]
            offline = OfflineBrowser(playwright, chromium)
            try:
                seconds, remounted = time_filter_change(offline.page(), url, kind)
            except Exception as exc:
                print(f"  filter run {run + 1}: {type(exc).__name__}: {exc}".splitlines()[0], flush=True)
                seconds, remounted = None, None
            changes.append(seconds)
            remounts.append(remounted)
            outside += offline.outside
            offline.close()
            shown = "not redrawn" if seconds is None else f"{seconds:.2f} s"
            print(f"filter run {run + 1} (kind={kind}): {shown}, iframe rebuilt: {remounted}", flush=True)

    rows = [
        ("navigation → map visible (cold cache)", loads),
        ("navigation → map visible (warm cache, new tab)", warm),
        ("filter change (Kind) → map redrawn with the filter's routes and areas", changes),
    ]
    print(f"\n## Page load in headless Chromium ({args.runs} runs, target {TARGET_S:.0f} s)\n")
    print(f"| measure | runs (s) | median s | max s | target ≤ {TARGET_S:g} s |")
    print("|---|---|---|---|---|")
    for name, values in rows:
        median, worst, verdict = summary(values)
        runs = ", ".join("–" if v is None else f"{v:.2f}" for v in values)
        print(f"| {name} | {runs} | {median} | {worst} | {verdict} |")
    rebuilt = sum(1 for r in remounts if r)
    print(
        f"\nMap iframe rebuilt on a filter change in {rebuilt} of {len(remounts)} runs "
        "(rebuilt = pan and zoom reset; st_folium's design is to swap the layers in place)."
    )
    print(f"Requests to non-loopback hosts (blocked): {len(outside)}" + (f", e.g. {outside[0]}" if outside else ""))
    return 0


if __name__ == "__main__":
    sys.exit(main())
