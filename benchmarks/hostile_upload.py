"""A hostile upload under every cap, and what it costs: the upload's own session and everyone else's.

    python benchmarks/hostile_upload.py [--users 5] [--seconds 40] [--reruns 8] [--think 0]

Files (made here, never committed): a ~2 MB GeoJSON of 20 lines with 196,000 vertices in all
(issue 16, item 9: the file that cost 15.8 s of server CPU per Map rerun), a YAML route of
120,000 waypoints, and, as the alternative each figure is printed beside, the same 20 events
with 2-point lines (a plain upload).

1. parse: parse_upload's time for each file, and the vertices kept (the upload's budget).
2. browser: headless Chromium (internet blocked) opens /Map and makes --reruns Years-slider
   reruns (key press to the run's end, script state notRunning) with no upload; uploads the
   plain file and then the hostile one, timing each from the file being set to its routes drawn
   in Leaflet; then makes --reruns reruns with the hostile upload included.
3. others: N websocket users (benchmarks/_client.py) move the Years slider for --seconds, first
   alone, then while the hostile session does the above; their p95 is compared. With --think 0
   they change the filter back to back (the server's two cores saturated, where every session's
   reruns slow down, with or without an upload); --think 2 is five analysts each changing a
   filter every two seconds. Each upload
   session (2.) runs once on its own first, so the file's own cost is seen without that load.
Targets (issue 16): each rerun < 1 s, map drawn < 5 s, others' p95 unchanged.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import shutil
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))
sys.path.insert(0, str(ROOT / "benchmarks"))

from _client import ROUTES_JS, block_outside, expected_shown, percentile, websocket_user  # noqa: E402

from browser import CHROMIUM_ARGS, MAP_FRAME, start_app, stop_app  # noqa: E402
from patrolmap.load import load_dataset  # noqa: E402
from patrolmap.upload import MAX_BYTES, parse_upload  # noqa: E402

SOURCE = {
    "id": "a",
    "producer": "Benchmark",
    "title": "Generated",
    "url": "https://example.org/a",
    "date_accessed": "2026-12-01",
    "kind": "news",
}
# [routes of uploaded events, points in them] as Leaflet holds them in the map frame.
UPLOADED_JS = """(sel) => {
    const f = document.querySelector(sel); const w = f && f.contentWindow;
    if (!w || !w.map) return [-1, -1];
    let n = 0, points = 0;
    w.map.eachLayer(l => {
        const p = l.feature && l.feature.properties;
        if (p && p.layer === 'route' && String(p.event_id).startsWith('upload-')) {
            n++; points += l.getLatLngs().flat(Infinity).length;
        }
    });
    return [n, points];
}"""
RUN_STATE_JS = "() => document.querySelector('[data-testid=stApp]').dataset.testScriptState === '{}'"
# What the page says it shows ("54 of 58 events shown · years 2020–2026"), which every run rewrites.
SHOWN_JS = """() => { const p = [...document.querySelectorAll('[data-testid=stMarkdownContainer] p')]
    .find(el => el.textContent.includes(' events shown')); return p ? p.textContent : null; }"""
# A run has ended when the counter below has moved on, or when the script is idle and the page
# shows another filter than before the press (a run too short for the observer still shows).
RUN_ENDED_JS = (
    "([ended, before]) => window.__runsEnded > ended || "
    "(document.querySelector('[data-testid=stApp]').dataset.testScriptState === 'notRunning' && "
    f"({SHOWN_JS})() !== before)"
)
# Counts the runs that end (script state -> notRunning) in window.__runsEnded, so that a run too
# short to be seen polling still counts.
COUNT_RUNS_JS = """() => {
    const app = document.querySelector('[data-testid=stApp]');
    if (window.__runsEnded !== undefined) return window.__runsEnded;
    window.__runsEnded = 0;
    new MutationObserver(() => { if (app.dataset.testScriptState === 'notRunning') window.__runsEnded++; })
        .observe(app, {attributes: true, attributeFilter: ['data-test-script-state']});
    return 0;
}"""


def record(day: date, **changes) -> dict:
    return {
        "id": f"air-{day}",
        "kind": "air_patrol",
        "name": f"Generated patrol {day}",
        "date_start": str(day),
        "date_end": str(day),
        "participants": ["RUS", "CHN"],
        "areas": ["sea-of-japan"],
        "sources": [SOURCE],
        **changes,
    }


def huge_geojson(n_lines: int = 20, vertices: int = 9_800) -> bytes:
    """~196,000 vertices under 2 MB: one digit each side of the point, so the bytes go to vertices
    (vertices=2: the plain upload of the same events)."""
    rng = random.Random(9)
    features = []
    for n in range(n_lines):
        lon, lat, coords = 5.0, 5.0, []
        for _ in range(vertices):
            lon = min(9.9, max(1.0, lon + rng.choice((-0.1, 0.1))))
            lat = min(9.9, max(1.0, lat + rng.choice((-0.1, 0.1))))
            coords.append([round(lon, 1), round(lat, 1)])
        properties = record(date(2020, 1, 1) + timedelta(days=n), route={"provenance": "map", "source": "a"})
        features.append(
            {"type": "Feature", "geometry": {"type": "LineString", "coordinates": coords}, "properties": properties}
        )
    return json.dumps({"type": "FeatureCollection", "features": features}, separators=(",", ":")).encode()


def long_route_yaml(waypoints: int = 120_000) -> bytes:
    loop = ["sea-of-japan", "tsushima-strait", "east-china-sea"]
    route = {"waypoints": (loop * (waypoints // 3 + 1))[:waypoints], "provenance": "text", "source": "a"}
    return yaml.safe_dump([record(date(2020, 6, 1), route=route)]).encode()


def measure_parse(files: dict[str, bytes]) -> None:
    places = load_dataset().places
    for name, content in files.items():
        began = time.perf_counter()
        result = parse_upload(name, content, places, max_bytes=max(MAX_BYTES, len(content)))
        took = time.perf_counter() - began
        kept = sum(len(e.route.waypoints) for e in result.events if e.route)
        print(
            f"parse {name}: {len(content):,} bytes, {took:.2f} s, {len(result.events)} events, "
            f"{kept:,} route vertices kept, {len(result.notes)} simplified, {len(result.errors)} problems"
        )


async def uploaded(page, path: Path, points_above: int) -> float:
    """Seconds from the file being set in the uploader to its routes drawn with more than points_above points."""
    began = time.monotonic()
    await page.locator("[data-testid='stFileUploaderDropzoneInput']").set_input_files(str(path))
    frame = json.dumps(MAP_FRAME)
    await page.wait_for_function(
        f"() => {{ const [n, p] = ({UPLOADED_JS})({frame}); return n >= 20 && p > {points_above}; }}", timeout=120_000
    )
    return time.monotonic() - began


async def taken(slider, value: str, seconds: float = 5) -> bool:
    """Whether the slider moved off value within seconds."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if await slider.get_attribute("aria-valuetext") != value:
            return True
        await asyncio.sleep(0.02)
    return False


async def reruns(page, count: int) -> list[float]:
    """Years-slider reruns: key press to the end of the run. A press the slider did not take (the
    page re-rendered under it; seen under load) is pressed again, timed from the press it took."""
    from playwright.async_api import TimeoutError as PlaywrightTimeout

    slider = page.get_by_role("slider").first
    times = []
    for n in range(count):
        value = await slider.get_attribute("aria-valuetext")
        for _ in range(3):
            await slider.focus()
            ended = await page.evaluate(COUNT_RUNS_JS)
            before = await page.evaluate(SHOWN_JS)
            began = time.monotonic()
            await page.keyboard.press("ArrowRight" if n % 2 == 0 else "ArrowLeft")
            if await taken(slider, value):
                break
            print(f"  slider press not taken (slider at {value}); pressing again")
        try:
            await page.wait_for_function(RUN_ENDED_JS, arg=[ended, before], timeout=30_000, polling=10)
        except PlaywrightTimeout:  # counted and said, not a crash: the other figures still stand
            state = await page.evaluate(
                "() => [document.querySelector('[data-testid=stApp]').dataset.testScriptState, "
                "document.querySelector('[data-testid=stApp]').isConnected, window.__runsEnded]"
            )
            shown = await page.get_by_text("events shown").first.inner_text()
            print(
                f"  rerun {n + 1}: no run ended within 30 s of the slider moving off {value} "
                f"(slider now {await slider.get_attribute('aria-valuetext')}; script state, app element "
                f"connected, runs counted: {state}; the page says: {shown!r})"
            )
            continue
        times.append(time.monotonic() - began)
    return times


async def upload_session(url: str, path: Path, count: int, points_above: int, report: dict) -> None:
    """One analyst in Chromium: --reruns reruns, the upload (time to its routes drawn), --reruns reruns with it."""
    from playwright.async_api import async_playwright

    async with async_playwright() as pw:
        browser = await pw.chromium.launch(executable_path=shutil.which("chromium"), args=CHROMIUM_ARGS)
        context = await browser.new_context(viewport={"width": 1280, "height": 800})
        report["outside"] = []
        await block_outside(context, report["outside"])
        page = await context.new_page()
        await page.goto(f"{url}/Map")
        await page.wait_for_function(f"() => ({ROUTES_JS})({json.dumps(MAP_FRAME)}) > 0", timeout=90_000)
        await page.wait_for_function(RUN_STATE_JS.format("notRunning"), timeout=60_000)
        report["reruns_before"] = await reruns(page, count)
        await page.locator("[data-testid='stSidebar'] summary", has_text="Your own events").first.click()
        report["drawn"] = await uploaded(page, path, points_above)
        await page.wait_for_function(RUN_STATE_JS.format("notRunning"), timeout=60_000)
        report["reruns"] = await reruns(page, count)
        await browser.close()


async def others(url: str, users: int, seconds: float, session=None, think: float = 0.0) -> list[float]:
    """Samples of N websocket users' filter changes for --seconds, beside session if given."""
    shown = expected_shown()
    samples, errors = [], []
    deadline = time.monotonic() + seconds
    tasks = [websocket_user(url, u, deadline, 10_000, samples, errors, shown, think) for u in range(users)]
    if session is not None:
        tasks.append(session)
    await asyncio.gather(*tasks)
    if errors:
        print(f"  {len(errors)} errors, first: {errors[0]}")
    return samples


def figures(times: list[float]) -> str:
    return f"p50 {percentile(times, 50):.2f} s  max {max(times):.2f} s" if times else "not measured"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=5)
    parser.add_argument("--seconds", type=float, default=40)
    parser.add_argument("--reruns", type=int, default=8)
    parser.add_argument(
        "--think",
        type=float,
        default=0.0,
        help="seconds each other user waits between filter changes (default 0: back to back, the CPU saturated)",
    )
    args = parser.parse_args()
    # The plain file's routes hold 40 points; the hostile one's, simplified, ~2,000.
    files = {"plain-20.geojson": (huge_geojson(vertices=2), 0), "vertices-196k.geojson": (huge_geojson(), 1000)}
    measure_parse({**{name: content for name, (content, _) in files.items()}, "route-120k.yaml": long_route_yaml()})
    reports: dict[str, dict] = {}
    quiet: dict[str, dict] = {}
    with tempfile.TemporaryDirectory() as folder:
        proc, url = start_app(quiet=True)
        try:
            beside = {"alone": asyncio.run(others(url, args.users, args.seconds, think=args.think))}
            for name, (content, points_above) in files.items():
                path = Path(folder) / name
                path.write_bytes(content)
                quiet[name] = {}  # first the upload session on its own: the file's own cost
                asyncio.run(upload_session(url, path, args.reruns, points_above, quiet[name]))
                reports[name] = {}
                session = upload_session(url, path, args.reruns, points_above, reports[name])
                beside[name] = asyncio.run(others(url, args.users, args.seconds, session, args.think))
        finally:
            stop_app(proc)
    hostile, plain = reports["vertices-196k.geojson"], reports["plain-20.geojson"]
    nan = float("nan")
    print(
        f"upload -> routes drawn: 196k-vertex file {hostile.get('drawn', nan):.2f} s (target < 5 s); "
        f"plain 20-event file {plain.get('drawn', nan):.2f} s"
    )
    print(
        f"reruns with the upload: 196k-vertex file {figures(hostile.get('reruns', []))} (target < 1 s each); "
        f"plain file {figures(plain.get('reruns', []))}"
    )
    print(
        f"reruns before the upload, same sessions: {figures(hostile.get('reruns_before', []))}; "
        f"{figures(plain.get('reruns_before', []))}"
    )
    alone_hostile, alone_plain = quiet["vertices-196k.geojson"], quiet["plain-20.geojson"]
    print(
        f"the same with no other users: drawn {alone_hostile.get('drawn', nan):.2f} s / "
        f"{alone_plain.get('drawn', nan):.2f} s; reruns with the upload {figures(alone_hostile.get('reruns', []))} / "
        f"{figures(alone_plain.get('reruns', []))}; before it {figures(alone_hostile.get('reruns_before', []))} / "
        f"{figures(alone_plain.get('reruns_before', []))} (196k-vertex file / plain file)"
    )
    print(f"non-loopback requests from the upload sessions: {sum(len(r.get('outside', [])) for r in reports.values())}")
    print(
        f"other sessions ({args.users} websocket users, "
        + (f"{args.think:g} s between changes" if args.think else "changes back to back")
        + ") p95: "
        + ", ".join(f"{name} {percentile(times, 95):.3f} s (n={len(times)})" for name, times in beside.items())
        + " (beside a browser session uploading each file)"
    )


if __name__ == "__main__":
    main()
