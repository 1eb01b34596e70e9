"""The app as deployed: started by scripts/serve.sh, the start command of the offline bundle, the
container and the replicas, or, when PATROLMAP_APP_URL is set, an app already running there (.ci/run
points it at the server it started from the offline bundle). It answers its health check and draws
the map in Chromium with the internet blocked, with the view taken from the URL."""

import os
import subprocess
import time
import urllib.request

import pytest

from browser import MAP_FRAME, ROOT, expected_counts, free_port, wait_for_map
from patrolmap.filters import Filters

pytestmark = pytest.mark.browser

APP_URL_ENV = "PATROLMAP_APP_URL"
ROUTES_JS = """([sel, n]) => {
    const f = document.querySelector(sel); const w = f && f.contentWindow;
    if (!w || !w.map) return false;
    let routes = 0;
    w.map.eachLayer(l => {
        if (l.feature && l.feature.properties && l.feature.properties.layer === 'route') routes++;
    });
    return routes === n;
}"""


def health(url: str) -> str:
    with urllib.request.urlopen(f"{url}/_stcore/health", timeout=5) as response:
        return response.read().decode()


@pytest.fixture(scope="module")
def served_url():
    if os.environ.get(APP_URL_ENV):
        yield os.environ[APP_URL_ENV].rstrip("/")
        return
    port = free_port()
    proc = subprocess.Popen(
        ["bash", "scripts/serve.sh", "--server.fileWatcherType", "none"],
        cwd=ROOT,
        env={**os.environ, "PATROLMAP_PORT": str(port)},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.time() + 60
        while True:
            try:
                health(url)
                break
            except OSError:
                if time.time() > deadline or proc.poll() is not None:
                    pytest.fail("scripts/serve.sh did not answer /_stcore/health within 60 s")
                time.sleep(0.3)
        yield url
    finally:
        proc.terminate()
        proc.wait(timeout=10)


@pytest.mark.parametrize(
    "query, filters",
    [
        ("", Filters()),
        ("?years=2021-2023", Filters(years=(2021, 2023))),  # the view comes from the URL, as after a failover
    ],
)
def test_served_app_is_healthy_and_draws_the_map(served_url, offline_browser, query, filters):
    assert health(served_url) == "ok"
    page = offline_browser.page()
    page.goto(f"{served_url}/Map{query}")
    wait_for_map(page)
    want = expected_counts(filters)
    page.wait_for_function(ROUTES_JS, arg=[MAP_FRAME, want["route"]], timeout=30_000)
    page.wait_for_function(f"() => document.body.innerText.includes('{want['events']} of {want['all']} events shown')")
    assert offline_browser.outside == [], "the page asked the internet for something"
