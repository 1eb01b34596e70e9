"""Shared set-up for the browser tests: a running app and headless Chromium that cannot reach the internet."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlparse

import pytest

ROOT = Path(__file__).resolve().parent.parent.parent
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
MAP_FRAME = "iframe[title='streamlit_folium.st_folium']"
LOOPBACK = {"127.0.0.1", "localhost", "[::1]", "::1"}


def chromium_path() -> str | None:
    """Chromium to drive; with PATROLMAP_REQUIRE_BROWSER=1 (CI, scripts/test.sh) its absence fails."""
    path = shutil.which("chromium") or shutil.which("chromium-browser")
    try:
        import playwright  # noqa: F401
    except ImportError:
        path = None
    if path is None:
        if os.environ.get("PATROLMAP_REQUIRE_BROWSER") == "1":
            pytest.fail("Chromium and Playwright are required for the browser tests (scripts/test.sh installs them)")
        pytest.skip("Chromium or Playwright not installed; run scripts/test.sh")
    return path


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_app(env: dict | None = None, quiet: bool = False) -> tuple[subprocess.Popen, str]:
    """`streamlit run app.py` on a free loopback port, once it answers its health check."""
    port = free_port()
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "streamlit",
            "run",
            "app.py",
            "--server.port",
            str(port),
            "--server.headless",
            "true",
            "--server.address",
            "127.0.0.1",
            "--browser.gatherUsageStats",
            "false",
        ],  # fmt: skip
        cwd=ROOT,
        env={**os.environ, **(env or {})},
        stdout=subprocess.DEVNULL if quiet else subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.time() + 60
    while time.time() < deadline:
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=1) as response:
                if response.status == 200:
                    return proc, url
        except OSError:
            time.sleep(0.3)
    stop_app(proc)
    raise RuntimeError("the app did not start within 60 s")


def stop_app(proc: subprocess.Popen) -> None:
    proc.terminate()
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        proc.kill()


@contextmanager
def running_app(env: dict | None = None):
    """The app served on a free loopback port for the length of a with-block; yields its base URL."""
    proc, url = start_app(env, quiet=True)
    try:
        yield url
    finally:
        stop_app(proc)


class OfflineBrowser:
    """Chromium with every non-loopback request blocked and recorded."""

    def __init__(self, playwright, executable: str):
        self.browser = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        self.context = self.browser.new_context(viewport={"width": 1100, "height": 1100}, accept_downloads=True)
        self.outside: list[str] = []
        self.dialogs: list[str] = []
        self.context.route("**/*", self._route)

    def _route(self, route):
        url = route.request.url
        host = urlparse(url).hostname or ""
        if url.startswith(("data:", "blob:", "about:")) or host in LOOPBACK:
            route.continue_()
        else:
            self.outside.append(url)
            route.abort()

    def page(self):
        page = self.context.new_page()
        page.on("dialog", lambda d: (self.dialogs.append(d.message), d.dismiss()))
        return page

    def close(self):
        self.context.close()
        self.browser.close()


def wait_for_map(page, timeout: float = 30_000):
    """The map frame once Leaflet has drawn in it."""
    frame = page.frame_locator(MAP_FRAME)
    frame.locator(".leaflet-container").wait_for(timeout=timeout)
    return frame


def wait_for_app_idle(page, timeout: float = 30_000):
    """Streamlit has finished the current run: the app says so on its root element (the status
    widget can vanish before the run has ended)."""
    page.locator("[data-testid=stApp][data-test-script-state=notRunning]").wait_for(timeout=timeout)


def wait_in_map(page, script: str, timeout: float = 30_000):
    """Wait until `script` is true inside the map frame, following the frame if Streamlit mounts it
    anew meanwhile (a busy machine can see that when a rerun starts before the last one ended)."""
    from playwright.sync_api import Error

    deadline = time.monotonic() + timeout / 1000
    while True:
        frame = page.locator(MAP_FRAME).element_handle(timeout=timeout).content_frame()
        left = max(1.0, (deadline - time.monotonic()) * 1000)
        try:
            return frame.wait_for_function(script, timeout=left)
        except Error as error:
            if "detached" not in str(error) or time.monotonic() > deadline:
                raise


def expected_counts(filters) -> dict:
    """What the map should hold for filters on the real data: events, areas, routes, incidents."""
    from patrolmap import maps
    from patrolmap.filters import filter_events
    from patrolmap.load import events_frame, load_dataset

    dataset = load_dataset()
    ids = set(filter_events(events_frame(dataset.events), filters)["id"])
    events = [e for e in dataset.events if e.id in ids]
    return {
        "events": len(events),
        "all": len(dataset.events),
        "area": len(maps.areas_geojson(events, dataset.places)["features"]),
        "route": len(maps.routes_geojson(events, dataset.places)["features"]),
        "incident": len(maps.incidents_geojson(events, dataset.places)["features"]),
    }
