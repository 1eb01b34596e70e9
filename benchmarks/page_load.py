"""Time to a visible map, and from a filter change to the redrawn map, in headless Chromium.

    python benchmarks/page_load.py [--runs 5] [--against 3ff8721 --rounds 3]

Starts the real app (`streamlit run app.py` on a free loopback port), opens /Map in Chromium with
every non-loopback request blocked, and measures, over --runs runs each:

* load: from navigation to the map visible (the st_folium iframe holds a `.leaflet-container` and
  a `path.leaflet-interactive` with a box), each run in a fresh browser context (cold cache), after
  one more such load that is reported on its own: the server's first render of the page (data
  loaded and validated); then the same with a warm cache (a new tab in one context that has loaded
  the page once);
* filter: from choosing a kind in the sidebar to the map showing exactly the routes and areas the
  new filter keeps (counted in Leaflet, compared with patrolmap's own count) under the page's
  "N of M events shown", and whether the map iframe was rebuilt on the way (a new frame: the map is
  drawn from scratch, the analyst's keyboard focus is lost, and before b2e549a pan and zoom too).

Each is timed twice: by the page's own clock (a probe in the page looks at every animation frame:
navigation start, or the option's click event, to the first frame that shows the map), and as
Playwright sees it (from Python, before `goto` or `click`, until its wait returns: adds the
driver's round trips and polling).

With --against REF (a commit, or a directory holding another checkout), that checkout is measured
by the same harness in the same run, interleaved: --rounds rounds, each starting a fresh server
for one, then the other (the order alternates), so a busier moment of the machine falls on both.
Each checkout is measured with its own data (the expected counts come from its own code).

Needs Playwright and a system Chromium (never `playwright install`).
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from contextlib import ExitStack, contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))

import browser  # noqa: E402
from browser import MAP_FRAME, OfflineBrowser, running_app  # noqa: E402
from patrolmap.schema import KIND_LABELS  # noqa: E402

# The page's first target (a map within 3 s of opening it), and issue 11's for a filter change.
LOAD_TARGET_S = 3.0
FILTER_TARGET_S = 0.3
TIMEOUT_MS = 60_000
FILTER_KINDS = ("air_patrol", "naval_patrol", "exercise")

# In the app page, before any of its scripts: at every animation frame until seen, the first time the
# map frame shows a route with a box, then land too (load); and, from __probe.watch(want), the first
# frame whose map holds exactly the wanted routes and areas under the wanted caption (filter change).
# Times are the page's performance.now(): milliseconds since navigation start. A click anywhere is
# noted when it happens. The loop stops when nothing is awaited, so it costs the page nothing after.
PROBE = r"""
(() => {
  if (window !== window.top) return;
  const probe = window.__probe = {routeAt: null, landAt: null, clickAt: null, want: null, drawnAt: null};
  document.addEventListener('click', () => { probe.clickAt = performance.now(); }, true);
  // Routes and areas Leaflet holds in the map frame, by the layer property each feature carries;
  // marked: the window still carries the benchmark's mark (so it is the same frame). null: no map.
  probe.counts = () => {
    const f = document.querySelector(FRAME);
    const w = f && f.contentWindow;
    if (!w || !w.map) return null;
    const c = {route: 0, area: 0};
    w.map.eachLayer(l => { const p = l.feature && l.feature.properties; if (p && p.layer in c) c[p.layer]++; });
    return Object.assign(c, {marked: w.__bench === 1});
  };
  function tick() {
    const f = document.querySelector(FRAME);
    let d = null;
    try { d = f && f.contentDocument; } catch (e) { d = null; }
    if (probe.routeAt === null && d && d.querySelector('.leaflet-container')) {
      const p = d.querySelector('path.leaflet-interactive');
      const b = p && p.getBoundingClientRect();
      if (b && (b.width > 0 || b.height > 0)) probe.routeAt = performance.now();
    }
    if (probe.landAt === null && probe.routeAt !== null && d && d.querySelector('.leaflet-land-pane path')) {
      probe.landAt = performance.now();
    }
    const want = probe.want;
    const c = want && probe.drawnAt === null ? probe.counts() : null;
    if (c) {  // textContent, not innerText: no layout forced
      if (c.route === want.route && c.area === want.area && document.body.textContent.includes(want.text)) {
        probe.drawnAt = performance.now();
      }
    }
    running = probe.landAt === null || (want && probe.drawnAt === null);
    if (running) requestAnimationFrame(tick);
  }
  let running = true;
  probe.watch = (want) => {
    Object.assign(probe, {want: want, drawnAt: null, clickAt: null});
    if (!running) { running = true; requestAnimationFrame(tick); }
  };
  requestAnimationFrame(tick);
})();
""".replace("FRAME", json.dumps(MAP_FRAME))

# What the map should hold, computed by a checkout's own code on its own data (run in that checkout).
EXPECTED = """
import json, sys
sys.path[:0] = [sys.argv[1], sys.argv[1] + "/tests"]
from browser import expected_counts
from patrolmap.filters import Filters
kinds = sys.argv[2:]
print(json.dumps({"": expected_counts(Filters()), **{k: expected_counts(Filters(kinds=(k,))) for k in kinds}}))
"""


def expected_for(app_dir: Path) -> dict:
    """{"": everything, kind: that kind only} of map counts for the checkout in app_dir."""
    out = subprocess.run(
        [sys.executable, "-c", EXPECTED, str(app_dir), *FILTER_KINDS],
        cwd=app_dir, capture_output=True, text=True, check=True,
    )  # fmt: skip
    return json.loads(out.stdout.strip().splitlines()[-1])


def time_to_map(page, url: str) -> dict:
    """Seconds from navigation to the map: its first route drawn and its land drawn too, by the
    page's clock; and the route as Playwright sees it."""
    start = time.perf_counter()
    page.goto(f"{url}/Map", wait_until="commit")
    frame = page.frame_locator(MAP_FRAME)
    frame.locator(".leaflet-container").wait_for(timeout=TIMEOUT_MS)
    frame.locator("path.leaflet-interactive").first.wait_for(timeout=TIMEOUT_MS)
    seen = time.perf_counter() - start
    probe = page.wait_for_function("() => window.__probe.landAt && window.__probe", timeout=TIMEOUT_MS)
    probe = probe.json_value()
    return {"route": probe["routeAt"] / 1000, "land": probe["landAt"] / 1000, "seen": seen}


def wait_for_counts(page, want: dict, timeout_ms: float) -> dict | None:
    """The frame's counts once they equal want, as Playwright polls for them; None (with the last
    counts printed) on timeout."""
    try:
        page.wait_for_function(
            """([want, text]) => {
                const c = window.__probe.counts();
                return c && document.body.innerText.includes(text) && c.route === want.route && c.area === want.area;
            }""",
            arg=[want, shown_text(want)],
            timeout=timeout_ms,
            polling=50,
        )
    except Exception:  # playwright's TimeoutError: report what the map showed instead
        print(f"  map did not reach {want}; it shows {page.evaluate('() => window.__probe.counts()')}", flush=True)
        return None
    return page.evaluate("() => window.__probe.counts()")


def shown_text(want: dict) -> str:
    return f"{want['events']} of {want['all']} events shown"


def time_filter_change(page, url: str, expected: dict, kind: str) -> tuple[float | None, float | None, bool | None]:
    """(seconds by the page's clock from the option's click to the redrawn map, seconds as Playwright
    sees it, whether the map iframe was rebuilt)."""
    time_to_map(page, url)
    if wait_for_counts(page, expected[""], TIMEOUT_MS) is None:
        return None, None, None
    # A mark on the map's window: gone afterwards means the component was remounted.
    page.locator(MAP_FRAME).element_handle().content_frame().evaluate("() => { window.__bench = 1; }")
    want = expected[kind]
    page.locator("[data-testid='stSidebar'] [data-testid='stMultiSelect']").first.click()
    option = page.get_by_role("option", name=KIND_LABELS[kind])
    option.wait_for()
    page.evaluate("(want) => window.__probe.watch(want)", {**want, "text": shown_text(want)})
    start = time.perf_counter()
    option.click()
    page.keyboard.press("Escape")
    counts = wait_for_counts(page, want, TIMEOUT_MS)
    seen = time.perf_counter() - start
    if counts is None:
        return None, None, None
    probe = page.wait_for_function("() => window.__probe.drawnAt !== null && window.__probe", timeout=TIMEOUT_MS)
    probe = probe.json_value()
    return (probe["drawnAt"] - probe["clickAt"]) / 1000, seen, not counts["marked"]


def new_browser(playwright, chromium):
    offline = OfflineBrowser(playwright, chromium)
    offline.context.add_init_script(PROBE)
    return offline


LOAD_KEYS = ("route", "land", "seen")


def measure(playwright, chromium: str, app_dir: Path, expected: dict, runs: int, name: str) -> dict:
    """One fresh server of the checkout in app_dir; every measure, `runs` times each."""
    out = {f"{load}_{key}": [] for load in ("first", "cold", "warm") for key in LOAD_KEYS}
    out.update(filter=[], filter_seen=[], rebuilt=[], outside=[])

    def load(page, into: str) -> None:
        try:
            times = time_to_map(page, url)
        except Exception as exc:  # a timeout is a result, not a crash
            print(f"  {into} load: {type(exc).__name__}: {exc}".splitlines()[0], flush=True)
            times = dict.fromkeys(LOAD_KEYS)
        for key in LOAD_KEYS:
            out[f"{into}_{key}"].append(times[key])

    browser.ROOT = app_dir  # running_app starts `streamlit run app.py` there
    server_start = time.perf_counter()
    with running_app() as url:
        print(f"{name}: app ({app_dir}) up at {url} in {time.perf_counter() - server_start:.1f} s", flush=True)
        for run in range(runs + 1):  # the first is also the server's first render of the page
            offline = new_browser(playwright, chromium)
            load(offline.page(), "first" if run == 0 else "cold")
            out["outside"] += offline.outside
            offline.close()
        offline = new_browser(playwright, chromium)
        time_to_map(offline.page(), url)  # fills the browser cache; not counted
        for _ in range(runs):
            load(offline.page(), "warm")
        out["outside"] += offline.outside
        offline.close()
        for run in range(runs):
            kind = FILTER_KINDS[run % len(FILTER_KINDS)]
            offline = new_browser(playwright, chromium)
            try:
                in_page, seen, rebuilt = time_filter_change(offline.page(), url, expected, kind)
            except Exception as exc:
                print(f"  filter run {run + 1}: {type(exc).__name__}: {exc}".splitlines()[0], flush=True)
                in_page, seen, rebuilt = None, None, None
            out["filter"].append(in_page)
            out["filter_seen"].append(seen)
            out["rebuilt"].append(rebuilt)
            out["outside"] += offline.outside
            offline.close()
    for key in ("first_route", "cold_route", "cold_land", "warm_route", "warm_land", "filter"):
        print(f"  {key}: {runs_text(out[key])}", flush=True)
    return out


def runs_text(values: list[float | None]) -> str:
    return ", ".join("–" if v is None else f"{v:.2f}" for v in values)


def median_text(values: list[float | None]) -> str:
    ok = [v for v in values if v is not None]
    failed = len(values) - len(ok)
    if not ok:
        return "– (never drawn)"
    return f"{statistics.median(ok):.2f}" + (f" ({failed} never drawn)" if failed else "")


def verdict(values: list[float | None], target: float) -> str:
    ok = [v for v in values if v is not None]
    if not ok:
        return "NOT met (never drawn)"
    median, worst = statistics.median(ok), max(ok)
    met = {True: "met", False: "NOT met"}
    text = f"≤ {target:g} s: median {met[median <= target]}, max {met[worst <= target]}"
    failed = len(values) - len(ok)
    return text + (f" ({failed} run(s) never drew the expected map)" if failed else "")


ROWS = (
    ("the server's first render: navigation → first route drawn (cold cache), page's clock", "first_route"),
    ("the same, land drawn too", "first_land"),
    ("the same, as Playwright sees the route", "first_seen"),
    ("navigation → first route drawn (cold cache), page's clock", "cold_route"),
    ("the same, land drawn too", "cold_land"),
    ("the same, as Playwright sees the route", "cold_seen"),
    ("navigation → first route drawn (warm cache, new tab), page's clock", "warm_route"),
    ("the same, land drawn too", "warm_land"),
    ("the same, as Playwright sees the route", "warm_seen"),
    ("filter change (Kind) → map redrawn with the filter's routes and areas, page's clock", "filter"),
    ("the same, as Playwright sees it", "filter_seen"),
)


def report_one(result: dict, runs: int) -> None:
    print(f"\n## Page load in headless Chromium ({runs} runs)\n")
    print("| measure | runs (s) | median s | max s | target |")
    print("|---|---|---|---|---|")
    for name, key in ROWS:
        values = result[key]
        ok = [v for v in values if v is not None]
        worst = f"{max(ok):.2f}" if ok else "–"
        target = FILTER_TARGET_S if key.startswith("filter") else LOAD_TARGET_S
        print(f"| {name} | {runs_text(values)} | {median_text(values)} | {worst} | {verdict(values, target)} |")
    footer(result)


def report_against(results: dict[str, list[dict]], names: list[str]) -> None:
    rounds = len(results[names[0]])
    print(f"\n## Page load in headless Chromium, interleaved: {rounds} rounds, a fresh server each\n")
    print(f"| measure | {' | '.join(f'{n} median s (per round)' for n in names)} | {names[0]} − {names[1]} |")
    print("|---|" + "---|" * (len(names) + 1))
    for name, key in ROWS:
        cells, medians = [], []
        for n in names:
            every = [v for r in results[n] for v in r[key]]
            per_round = " / ".join(median_text(r[key]) for r in results[n])
            cells.append(f"{median_text(every)} ({per_round})")
            ok = [v for v in every if v is not None]
            medians.append(statistics.median(ok) if ok else None)
        diff = "–" if None in medians else f"{medians[0] - medians[1]:+.2f} s"
        print(f"| {name} | {' | '.join(cells)} | {diff} |")
    for n in names:
        merged = {k: [v for r in results[n] for v in r[k]] for k in ("rebuilt", "outside")}
        print(f"\n{n}:", end=" ")
        footer(merged)


def footer(result: dict) -> None:
    rebuilt = sum(1 for r in result["rebuilt"] if r)
    outside = result["outside"]
    print(
        f"Map iframe rebuilt on a filter change in {rebuilt} of {len(result['rebuilt'])} runs "
        "(rebuilt = a new map frame, drawn from scratch, the keyboard focus lost; st_folium's design is to swap "
        "the layers in place). "
        f"Requests to non-loopback hosts (blocked): {len(outside)}" + (f", e.g. {outside[0]}" if outside else "")
    )


@contextmanager
def checkout(ref: str):
    """A directory holding ref: itself if it is one, else a detached git worktree, removed afterwards."""
    if Path(ref).is_dir():
        yield Path(ref).resolve()
        return
    work = Path(tempfile.mkdtemp(prefix="page-load-"))
    target = work / "checkout"
    subprocess.run(["git", "-C", str(ROOT), "worktree", "add", "--detach", str(target), ref], check=True,
                   capture_output=True)  # fmt: skip
    try:
        yield target
    finally:
        subprocess.run(["git", "-C", str(ROOT), "worktree", "remove", "--force", str(target)], check=False)
        shutil.rmtree(work, ignore_errors=True)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument(
        "--app-dir",
        type=Path,
        default=ROOT,
        help="run app.py from this checkout instead (e.g. a copy with a change applied)",
    )
    parser.add_argument("--against", help="also measure this commit (or checkout directory), interleaved")
    parser.add_argument("--rounds", type=int, default=3, help="interleaved rounds with --against")
    args = parser.parse_args()
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    if chromium is None:
        print("chromium not found on PATH (apt-get install chromium); never run `playwright install`")
        return 2
    from playwright.sync_api import sync_playwright

    with ExitStack() as stack:
        apps = {"HEAD" if args.app_dir == ROOT else str(args.app_dir): args.app_dir.resolve()}
        if args.against:
            apps[args.against] = stack.enter_context(checkout(args.against))
        expected = {name: expected_for(path) for name, path in apps.items()}
        playwright = stack.enter_context(sync_playwright())
        names = list(apps)
        results: dict[str, list[dict]] = {name: [] for name in names}
        for round_ in range(args.rounds if args.against else 1):
            order = names if round_ % 2 == 0 else names[::-1]
            for name in order:
                results[name].append(measure(playwright, chromium, apps[name], expected[name], args.runs, name))
    if args.against:
        report_against(results, names)
    else:
        report_one(results[names[0]][0], args.runs)
    return 0


if __name__ == "__main__":
    sys.exit(main())
