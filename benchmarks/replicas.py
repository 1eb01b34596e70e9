"""Several replicas behind HAProxy, on loopback: load through the proxy, then a replica lost mid-run.

    python benchmarks/replicas.py [--users 15] [--seconds 30]

Starts scripts/replicas.sh (N x scripts/serve.sh behind Debian's haproxy, cookie stickiness,
websockets), and drives it with _client.py's websocket users: each speaks Streamlit's own protocol
(BackMsg/ForwardMsg) over /_stcore/stream, moves the Map page's Years slider and checks that the
page reports the number of events that filter should show. Like a browser, each user first loads
the page to get the proxy's replica cookie, sends it with its websocket, and keeps the page's URL
query string (?years=...) as the app updates it.

Three runs of --seconds each:
1. 1 replica, --users users.
2. 3 replicas, the same users.
3. 3 replicas, and half-way through the replica serving the most users is killed (SIGKILL).
   Users on the other replicas must see no error. Users of the lost one reconnect through the proxy
   (their cookie names a dead replica, so HAProxy sends them to a live one), open a new session
   with their URL, and must see the same view (the same events shown) within 5 s; then they go on
   changing the filter there.

Last line: `replicas: users N, errors E, failover_recovered R/T`: N users per run, E errors over the
three runs (the lost replica's disconnects are not errors; a user not recovered within 5 s is
counted in R/T instead), R of the T users of the lost replica recovered in time.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path
from urllib.parse import parse_qsl

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from _client import UPDATE_TIMEOUT_MS, expected_shown, percentile, rss_bytes, year_starts  # noqa: E402

from patrolmap.maps import BASEMAPS  # noqa: E402
from patrolmap.viewstate import parse_view  # noqa: E402

COOKIE = "PATROLMAP_REPLICA"
RECOVERY_LIMIT_S = 5.0
START_TIMEOUT_S = 180


class Lost(Exception):
    """The websocket closed under the user: its replica is gone."""


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def free_port_run(count: int) -> int:
    """The first of `count` consecutive free loopback ports (replica k listens on first + k - 1)."""
    for _ in range(50):
        first = free_port()
        try:
            socks = []
            for k in range(count):
                sock = socket.socket()
                sock.bind(("127.0.0.1", first + k))
                socks.append(sock)
            return first
        except OSError:
            continue
        finally:
            for sock in socks:
                sock.close()
    raise RuntimeError(f"no {count} consecutive free ports")


class Cluster:
    """scripts/replicas.sh with `replicas` replicas on free loopback ports, for a with-block."""

    def __init__(self, replicas: int):
        self.replicas = replicas
        self.killed: set[str] = set()
        self.run_dir = Path(tempfile.mkdtemp(prefix="patrolmap-replicas-"))
        self.proxy_port = free_port()
        first = free_port_run(replicas)
        self.replica_urls = [f"http://127.0.0.1:{first + k}" for k in range(replicas)]
        env = {
            **os.environ,
            "PATROLMAP_ADDRESS": "127.0.0.1",
            "PATROLMAP_PROXY_PORT": str(self.proxy_port),
            "PATROLMAP_REPLICA_PORT": str(first),
            "PATROLMAP_RUN_DIR": str(self.run_dir),
        }
        self.proc = subprocess.Popen(
            ["bash", "scripts/replicas.sh", str(replicas)],
            cwd=ROOT,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        deadline = time.time() + START_TIMEOUT_S
        while not (self.run_dir / "ready").exists():
            if self.proc.poll() is not None or time.time() > deadline:
                output = self.proc.stdout.read() if self.proc.poll() is not None else ""
                self.stop()
                raise RuntimeError(f"replicas.sh did not start: {output.strip()[-500:]}")
            time.sleep(0.3)
        self.url = f"http://127.0.0.1:{self.proxy_port}"

    async def warm(self, shown: dict) -> None:
        """One session on each replica first, so no run measures a replica's first import and data load."""
        for url in self.replica_urls:
            user = User(url, -1, shown)
            await user.open()
            await user.rerun()
            await user.ws.close()

    def pid(self, replica: str) -> int:
        return int((self.run_dir / f"{replica}.pid").read_text())

    def rss(self) -> int:
        """Resident memory of the live replicas together."""
        alive = [f"app{k}" for k in range(1, self.replicas + 1) if f"app{k}" not in self.killed]
        return sum(rss_bytes(self.pid(replica)) for replica in alive)

    def kill(self, replica: str) -> None:
        self.killed.add(replica)
        os.kill(self.pid(replica), signal.SIGKILL)

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.proc.kill()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.stop()


def cookie_value(headers) -> str | None:
    for header in headers:
        name, _, rest = header.partition("=")
        if name.strip() == COOKIE:
            return rest.split(";")[0]
    return None


class User:
    """One browser-like user of the Map page through the proxy, over Streamlit's websocket protocol."""

    def __init__(self, url: str, number: int, shown: dict):
        self.url, self.number, self.shown = url, number, shown
        self.first, self.last = min(shown)[0], max(shown)[1]
        self.replica: str | None = None
        self.query = ""
        self.slider_id = ""
        self.ws = None

    def expected(self) -> int:
        """Events the page should show for the view in the user's URL."""
        view, _ = parse_view(dict(parse_qsl(self.query)), BASEMAPS)
        start = view.years[0] if view.years else self.first
        return self.shown[(start, self.last)]

    async def open(self) -> None:
        """Load the page (the proxy's cookie), then open the websocket with that cookie, as a browser does."""
        import websockets

        if self.replica is None:
            response = await asyncio.to_thread(urllib.request.urlopen, f"{self.url}/Map", timeout=30)
            self.replica = cookie_value(response.headers.get_all("Set-Cookie") or [])
            response.close()
        headers = {"Cookie": f"{COOKIE}={self.replica}"} if self.replica else {}
        self.ws = await websockets.connect(
            self.url.replace("http://", "ws://") + "/_stcore/stream",
            subprotocols=["streamlit"],
            max_size=None,
            additional_headers=headers,
            open_timeout=10,
        )
        # The proxy sets a new cookie when the one sent names a replica that is down.
        self.replica = cookie_value(self.ws.response.headers.get_all("Set-Cookie")) or self.replica

    async def rerun(self, years: tuple[int, int] | None = None) -> int | None:
        """One rerun of the Map page, with the URL's query string and, if given, the slider moved;
        returns the number of events the page says it shows."""
        from streamlit.proto.BackMsg_pb2 import BackMsg
        from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
        from websockets.exceptions import ConnectionClosed

        msg = BackMsg()
        msg.rerun_script.page_name = "Map"
        msg.rerun_script.query_string = self.query
        if years:
            widget = msg.rerun_script.widget_states.widgets.add()
            widget.id = self.slider_id
            widget.double_array_value.data.extend(years)
        count = None
        try:
            await self.ws.send(msg.SerializeToString())
            while True:
                reply = ForwardMsg()
                reply.ParseFromString(await asyncio.wait_for(self.ws.recv(), UPDATE_TIMEOUT_MS / 1000))
                kind = reply.WhichOneof("type")
                if kind == "page_info_changed":
                    self.query = reply.page_info_changed.query_string
                elif kind == "delta" and reply.delta.WhichOneof("type") == "new_element":
                    element = reply.delta.new_element
                    if element.WhichOneof("type") == "slider" and element.slider.id.endswith("-w_years"):
                        self.slider_id = element.slider.id
                    if element.WhichOneof("type") == "markdown" and " events shown" in element.markdown.body:
                        count = int(element.markdown.body.split("**")[1])
                    if element.WhichOneof("type") == "exception":
                        raise RuntimeError(element.exception.message)
                elif kind == "script_finished":
                    return count
        except (ConnectionClosed, ConnectionError) as exc:
            raise Lost(str(exc)) from exc

    async def recover(self, lost_at: float, lost: set[str]) -> float | None:
        """Reconnect through the proxy until a new session shows the URL's view; seconds taken, or
        None if not within RECOVERY_LIMIT_S. A refused handshake is retried, as the browser does."""
        from websockets.exceptions import InvalidHandshake

        while time.monotonic() - lost_at < RECOVERY_LIMIT_S:
            try:
                await self.open()
                if await self.rerun() == self.expected() and self.replica not in lost:
                    return time.monotonic() - lost_at
            except (TimeoutError, Lost, OSError, InvalidHandshake):
                await asyncio.sleep(0.2)
        return None


async def run_user(user: User, deadline: float, result: dict, lost: set[str]) -> None:
    try:
        await user.open()
        await user.rerun()
        for start in year_starts(user.first, user.last, deadline, 100_000):
            began = time.monotonic()
            try:
                count = await user.rerun((start, user.last))
            except Lost:
                if user.replica not in lost:
                    raise
                took = await user.recover(time.monotonic(), lost)
                if took is None:
                    result["not_recovered"].append(f"user {user.number}: no view within {RECOVERY_LIMIT_S:g} s")
                    return
                result["recovered"].append(took)
                continue
            want = user.expected()
            if count != want or user.expected() != user.shown[(start, user.last)]:
                result["errors"].append(f"user {user.number}: {start}-{user.last} showed {count}, expected {want}")
                continue
            result["samples"].append(time.monotonic() - began)
    except Exception as exc:  # noqa: BLE001 - every failure is counted and reported
        result["errors"].append(f"user {user.number} ({user.replica}): {type(exc).__name__}: {exc}")
    finally:
        if user.ws is not None:
            await user.ws.close()


async def run_phase(cluster: Cluster, users: int, seconds: float, kill_after: float | None) -> dict:
    shown = expected_shown()
    await cluster.warm(shown)
    result = {"samples": [], "errors": [], "recovered": [], "not_recovered": [], "peak_rss": 0}
    result["idle_rss"] = cluster.rss()
    lost: set[str] = set()
    crowd = [User(cluster.url, n, shown) for n in range(users)]
    began = time.monotonic()
    tasks = [asyncio.create_task(run_user(u, began + seconds, result, lost)) for u in crowd]

    async def watch():
        while not all(t.done() for t in tasks):
            result["peak_rss"] = max(result["peak_rss"], cluster.rss())
            if kill_after is not None and not lost and time.monotonic() - began >= kill_after:
                placed = [u.replica for u in crowd if u.replica]
                victim = max(sorted(set(placed)), key=placed.count)
                lost.add(victim)
                result["killed"] = (victim, placed.count(victim))
                result["placement_at_kill"] = {r: placed.count(r) for r in sorted(set(placed))}
                cluster.kill(victim)
            await asyncio.sleep(0.2)

    await asyncio.gather(watch(), *tasks)
    result["wall"] = time.monotonic() - began
    result["placement"] = sorted({u.replica for u in crowd if u.replica})
    return result


def describe(name: str, result: dict) -> str:
    samples = result["samples"]
    line = (
        f"{name}: {len(samples)} filter changes, errors {len(result['errors'])}, "
        f"p50 {percentile(samples, 50):.3f} s, p95 {percentile(samples, 95):.3f} s, "
        f"replicas used {','.join(result['placement'])}, RSS of all replicas {result['idle_rss'] / 2**20:.0f} MiB "
        f"before the users, peak {result['peak_rss'] / 2**20:.0f} MiB"
    )
    if "killed" in result:
        victim, placed = result["killed"]
        took = result["recovered"]
        line += (
            f"\n  users per replica at the kill {result['placement_at_kill']}; killed {victim}; "
            f"recovered {len(took)}/{placed} on another replica"
            + (f", recovery max {max(took):.2f} s, median {percentile(took, 50):.2f} s" if took else "")
        )
    for error in (result["errors"] + result["not_recovered"])[:10]:
        line += f"\n  error: {error}"
    return line


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=15)
    parser.add_argument("--seconds", type=float, default=30, help="length of each of the three runs")
    args = parser.parse_args()
    print(f"users={args.users} seconds={args.seconds:g} per run, cores={os.cpu_count()}, HAProxy on loopback")

    with Cluster(1) as cluster:
        one = asyncio.run(run_phase(cluster, args.users, args.seconds, None))
    print(describe("1 replica", one), flush=True)
    with Cluster(3) as cluster:
        three = asyncio.run(run_phase(cluster, args.users, args.seconds, None))
        print(describe("3 replicas", three), flush=True)
        failover = asyncio.run(run_phase(cluster, args.users, args.seconds, args.seconds / 2))
    print(describe("3 replicas, one killed mid-run", failover))

    errors = len(one["errors"]) + len(three["errors"]) + len(failover["errors"])
    lost_total = failover.get("killed", (None, 0))[1]
    recovered = len(failover["recovered"])
    print(f"replicas: users {args.users}, errors {errors}, failover_recovered {recovered}/{lost_total}")


if __name__ == "__main__":
    main()
