"""Bounded load test on loopback: N users change a sidebar filter on /Map and wait for the map to redraw.

    python benchmarks/load_test.py --mode browser --users 20 --seconds 120
    python benchmarks/load_test.py --mode apptest --users 20 --seconds 60

browser: one headless Chromium (Debian's, never downloaded), one browser context per user, all
driven from one asyncio loop. Each user opens /Map, then repeatedly moves the first thumb of the
"Years" slider one step with the keyboard and waits until Leaflet in the map frame shows the number
of routes the new filter should give; the time from key press to that is one sample. Every
non-loopback request is aborted. On a 2-core machine Chromium shares the CPU with the server, so
this measures the whole system (client included), as users on one machine would see it.

websocket: no browser, real sessions. N clients speak Streamlit's own websocket protocol (the
protobuf BackMsg/ForwardMsg the browser sends and receives) to the running server: each opens /Map,
then moves the Years slider and waits for the rerun to finish, checking that the page reports the
number of events that filter should show. This measures the server (websocket, script, map
build, st_folium's payload) under N concurrent users, with the CPU left to it.

apptest: no browser. N threads each run pages/1_Map.py through streamlit.testing AppTest (the
script, the filter, the map's Python build and st_folium's argument preparation, in this process)
and change the same filter. It measures the server-side work per rerun under concurrency, without
the websocket and the browser's drawing.

Both stop by themselves: each user stops at the deadline or after --max-changes changes. The app's
peak RSS (psutil if installed, else /proc) is sampled every 0.2 s in browser mode; in apptest mode
the peak RSS of this process is reported.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import shutil
import statistics
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

sys.path.insert(0, str(ROOT / "tests"))

from _client import (  # noqa: E402
    ROUTES_JS,
    UPDATE_TIMEOUT_MS,
    PeakRss,
    block_outside,
    expected_shown,
    percentile,
    websocket_user,
    year_starts,
)

from browser import CHROMIUM_ARGS as BROWSER_ARGS  # noqa: E402
from browser import MAP_FRAME, start_app, stop_app  # noqa: E402
from patrolmap.filters import Filters, filter_events  # noqa: E402
from patrolmap.load import events_frame, load_dataset  # noqa: E402

CHROMIUM_ARGS = [*BROWSER_ARGS, "--disable-dev-shm-usage"]


def expected_routes() -> dict[tuple[int, int], int]:
    """Routes the map should show for each start year with the end year at the last year."""
    dataset = load_dataset()
    frame = events_frame(dataset.events)
    first, last = int(frame["year"].min()), int(frame["year"].max())
    counts = {}
    for start in range(first, last + 1):
        ids = set(filter_events(frame, Filters(years=(start, last)))["id"])
        counts[(start, last)] = sum(1 for e in dataset.events if e.id in ids and e.route is not None)
    return counts


async def browser_user(browser, url, user, deadline, max_changes, samples, errors, outside, counts):
    from playwright.async_api import TimeoutError as PlaywrightTimeout

    context = await browser.new_context(viewport={"width": 1100, "height": 1100})
    await block_outside(context, outside)
    page = await context.new_page()
    first, last = min(counts)[0], max(counts)[1]
    try:
        await page.goto(url + "/Map", timeout=60_000)
        await page.wait_for_function(f"() => ({ROUTES_JS})({MAP_FRAME!r}) === {counts[(first, last)]}", timeout=90_000)
        thumb = page.locator("[data-testid='stSidebar'] [data-testid='stSlider'] input[type='range']").first
        changes = 0
        while changes < max_changes:
            previous = first
            for start in year_starts(first, last, deadline, max_changes - changes):
                changes += 1
                want = counts[(start, last)]
                await thumb.focus()
                began = time.monotonic()
                await page.keyboard.press("ArrowRight" if start > previous else "ArrowLeft")
                previous = start
                try:
                    await page.wait_for_function(
                        f"() => ({ROUTES_JS})({MAP_FRAME!r}) === {want}", timeout=UPDATE_TIMEOUT_MS, polling=25
                    )
                    samples.append(time.monotonic() - began)
                except PlaywrightTimeout:
                    errors.append(f"user {user}: map not updated to {want} routes within {UPDATE_TIMEOUT_MS} ms")
                    # Start again from the default view (a reload would keep the years in the URL).
                    await page.goto(url + "/Map", timeout=60_000)
                    await page.wait_for_function(
                        f"() => ({ROUTES_JS})({MAP_FRAME!r}) === {counts[(first, last)]}", timeout=90_000
                    )
                    break
                if await page.locator("[data-testid='stException']").count():
                    errors.append(f"user {user}: exception shown on the page")
            else:
                break  # the deadline or max_changes: this user is done
    except Exception as exc:  # noqa: BLE001 (one user failing is a measured error, not a crash)
        errors.append(f"user {user}: {type(exc).__name__}: {str(exc).splitlines()[0][:200]}")
    finally:
        await context.close()


async def run_browser(users: int, seconds: float, max_changes: int) -> dict:
    from playwright.async_api import async_playwright

    counts = expected_routes()
    proc, url = start_app(quiet=True)
    rss = PeakRss(proc.pid)
    rss.start()
    samples, errors, outside = [], [], []
    try:
        async with async_playwright() as playwright:
            browser = await playwright.chromium.launch(executable_path=shutil.which("chromium"), args=CHROMIUM_ARGS)
            began = time.monotonic()
            deadline = began + seconds
            await asyncio.gather(
                *(
                    browser_user(browser, url, u, deadline, max_changes, samples, errors, outside, counts)
                    for u in range(users)
                )
            )
            wall = time.monotonic() - began
            await browser.close()
    finally:
        rss.stop.set()
        stop_app(proc)
    return {"samples": samples, "errors": errors, "outside": outside, "peak_rss": rss.peak, "wall": wall}


async def run_websocket(users: int, seconds: float, max_changes: int) -> dict:
    shown = expected_shown()
    proc, url = start_app(quiet=True)
    rss = PeakRss(proc.pid)
    rss.start()
    samples, errors = [], []
    try:
        began = time.monotonic()
        deadline = began + seconds
        await asyncio.gather(
            *(websocket_user(url, u, deadline, max_changes, samples, errors, shown) for u in range(users))
        )
        wall = time.monotonic() - began
    finally:
        rss.stop.set()
        stop_app(proc)
    return {"samples": samples, "errors": errors, "outside": [], "peak_rss": rss.peak, "wall": wall}


def run_apptest(users: int, seconds: float, max_changes: int) -> dict:
    from streamlit.testing.v1 import AppTest

    counts = expected_routes()
    first, last = min(counts)[0], max(counts)[1]
    samples, errors = [], []
    lock = threading.Lock()
    began = time.monotonic()
    deadline = began + seconds

    def user(n: int):
        try:
            at = AppTest.from_file(str(ROOT / "pages" / "1_Map.py"), default_timeout=60)
            at.run()
            for start in year_starts(first, last, deadline, max_changes):
                t0 = time.monotonic()
                at.slider(key="w_years").set_value((start, last)).run()
                elapsed = time.monotonic() - t0
                with lock:
                    if at.exception:
                        errors.append(f"user {n}: {at.exception[0].message[:200]}")
                    else:
                        samples.append(elapsed)
        except Exception as exc:  # noqa: BLE001
            with lock:
                errors.append(f"user {n}: {type(exc).__name__}: {exc}")

    threads = [threading.Thread(target=user, args=(n,)) for n in range(users)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    import resource

    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    return {"samples": samples, "errors": errors, "outside": [], "peak_rss": peak, "wall": time.monotonic() - began}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mode", choices=["browser", "websocket", "apptest"], default="browser")
    parser.add_argument("--users", type=int, default=20)
    parser.add_argument("--seconds", type=float, default=120)
    parser.add_argument("--max-changes", type=int, default=1000, help="per user; the run also stops at --seconds")
    args = parser.parse_args()
    if args.mode == "browser":
        result = asyncio.run(run_browser(args.users, args.seconds, args.max_changes))
    elif args.mode == "websocket":
        result = asyncio.run(run_websocket(args.users, args.seconds, args.max_changes))
    else:
        result = run_apptest(args.users, args.seconds, args.max_changes)
    samples = result["samples"]
    print(
        f"mode={args.mode} users={args.users} seconds={args.seconds:g} "
        f"wall={result['wall']:.1f}s cores={os.cpu_count()}"
    )
    print(
        f"changes measured: {len(samples)}  errors: {len(result['errors'])}  "
        f"non-loopback requests: {len(result['outside'])}"
    )
    if samples:
        print(
            f"filter change -> map updated: p50 {percentile(samples, 50):.3f} s  p95 {percentile(samples, 95):.3f} s"
            f"  max {max(samples):.3f} s  mean {statistics.mean(samples):.3f} s"
        )
    print(f"peak RSS ({'this process' if args.mode == 'apptest' else 'server'}): {result['peak_rss'] / 2**20:.0f} MiB")
    for error in result["errors"][:10]:
        print("  error:", error)


if __name__ == "__main__":
    main()
