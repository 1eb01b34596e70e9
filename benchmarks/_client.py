"""What the benchmarks share: a Streamlit session over the server's own websocket, an offline
browser context, and the figures they print (load_test.py, hostile_upload.py, replicas.py).

A websocket user speaks the protobuf BackMsg/ForwardMsg protocol the browser speaks: it opens
/Map, then moves the Years slider's start one year at a time and waits for each rerun to finish,
checking that the page reports the number of events that filter should show.
"""

from __future__ import annotations

import asyncio
import sys
import threading
import time
from pathlib import Path
from urllib.parse import urlparse

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))

from browser import LOOPBACK  # noqa: E402
from patrolmap.filters import Filters, filter_events  # noqa: E402
from patrolmap.load import events_frame, load_dataset  # noqa: E402

UPDATE_TIMEOUT_MS = 20_000  # a change not drawn within this counts as an error
# Routes Leaflet holds in the map frame (-1 before the map exists).
ROUTES_JS = """(sel) => {
    const f = document.querySelector(sel); const w = f && f.contentWindow;
    if (!w || !w.map) return -1;
    let n = 0;
    w.map.eachLayer(l => { if (l.feature && l.feature.properties && l.feature.properties.layer === 'route') n++; });
    return n;
}"""


async def block_outside(context, outside: list[str]) -> None:
    """Every request from the browser context to a host other than this machine is aborted and recorded."""

    async def route(r):
        url = r.request.url
        if url.startswith(("data:", "blob:", "about:")) or (urlparse(url).hostname or "") in LOOPBACK:
            await r.continue_()
        else:
            outside.append(url)
            await r.abort()

    await context.route("**/*", route)


def rss_bytes(pid: int) -> int:
    try:
        import psutil

        proc = psutil.Process(pid)
        return proc.memory_info().rss + sum(c.memory_info().rss for c in proc.children(recursive=True))
    except ImportError:
        with open(f"/proc/{pid}/status") as status:
            for line in status:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) * 1024
    except Exception:
        return 0
    return 0


class PeakRss(threading.Thread):
    """The peak resident memory of a process (and its children), sampled every 0.2 s."""

    def __init__(self, pid: int):
        super().__init__(daemon=True)
        self.pid, self.peak, self.stop = pid, 0, threading.Event()

    def run(self):
        while not self.stop.is_set():
            self.peak = max(self.peak, rss_bytes(self.pid))
            time.sleep(0.2)


def year_starts(first: int, last: int, deadline: float, max_changes: int):
    """The Years slider's start, one year at a time, bouncing between first and last, until the
    deadline or max_changes: every user's sequence of filter changes."""
    start, step = first, 1
    for _ in range(max_changes):
        if time.monotonic() >= deadline:
            return
        if start + step > last or start + step < first:
            step = -step
        start += step
        yield start


def expected_shown() -> dict[tuple[int, int], int]:
    """Events the map page says it shows for each start year with the end year at the last year."""
    frame = events_frame(load_dataset().events)
    first, last = int(frame["year"].min()), int(frame["year"].max())
    return {(start, last): len(filter_events(frame, Filters(years=(start, last)))) for start in range(first, last + 1)}


async def websocket_user(url, user, deadline, max_changes, samples, errors, shown, think=0.0):
    """One Streamlit session over the server's own websocket protocol (what the browser speaks),
    without a browser: open /Map, then move the Years slider's start and wait for the rerun to
    finish; the page's "N of M events shown" must match the filter. think: seconds between a
    rerun's end and the next change (0: back to back, which keeps the server's CPU saturated)."""
    import websockets
    from streamlit.proto.BackMsg_pb2 import BackMsg
    from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

    async def run(ws, years=None, slider_id=""):
        msg = BackMsg()
        msg.rerun_script.page_name = "Map"
        if years:
            widget = msg.rerun_script.widget_states.widgets.add()
            widget.id = slider_id
            widget.double_array_value.data.extend(years)
        await ws.send(msg.SerializeToString())
        found, count = "", None
        while True:
            reply = ForwardMsg()
            reply.ParseFromString(await asyncio.wait_for(ws.recv(), UPDATE_TIMEOUT_MS / 1000))
            kind = reply.WhichOneof("type")
            if kind == "delta" and reply.delta.WhichOneof("type") == "new_element":
                element = reply.delta.new_element
                if element.WhichOneof("type") == "slider" and element.slider.id.endswith("-w_years"):
                    found = element.slider.id
                if element.WhichOneof("type") == "markdown" and " events shown" in element.markdown.body:
                    count = int(element.markdown.body.split("**")[1])
                if element.WhichOneof("type") == "exception":
                    raise RuntimeError(element.exception.message)
            if kind == "script_finished":
                return found, count

    first, last = min(shown)[0], max(shown)[1]
    ws_url = url.replace("http://", "ws://") + "/_stcore/stream"
    try:
        async with websockets.connect(ws_url, subprotocols=["streamlit"], max_size=None) as ws:
            slider_id, _ = await run(ws)
            for start in year_starts(first, last, deadline, max_changes):
                began = time.monotonic()
                _, count = await run(ws, (start, last), slider_id)
                if count != shown[(start, last)]:
                    errors.append(f"user {user}: {start}-{last} showed {count} events, expected {shown[(start, last)]}")
                    continue
                samples.append(time.monotonic() - began)
                if think:
                    await asyncio.sleep(think)
    except Exception as exc:  # noqa: BLE001 - every failure is counted and reported
        errors.append(f"user {user}: {type(exc).__name__}: {exc}")


def percentile(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q / 100 * (len(ordered) - 1))))]
