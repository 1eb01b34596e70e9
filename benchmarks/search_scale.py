"""How search everything scales: index build once per dataset, then each query, at 1,000 and 10,000 events.

    python benchmarks/search_scale.py [--n 1000 10000] [--repeat 20]

The events are the real records copied with new ids until there are n (so each carries real text:
summaries, incidents, claims, sources, places and catalogue aliases), which is what an analyst's
search scans. Prints the index build (search.build_index + filters.analysis_frame), and the median
time of filter_events with a query and of the snippets for its hits.
"""

from __future__ import annotations

import argparse
import dataclasses
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from patrolmap import search  # noqa: E402
from patrolmap.filters import Filters, analysis_frame, filter_events  # noqa: E402
from patrolmap.load import load_dataset  # noqa: E402

QUERIES = ("NORAD", "Alaska", "Tu-95 intercept", "Security Bond", "zzzz-nothing")


def copies(events, n: int) -> list:
    out = []
    while len(out) < n:
        k = len(out) // len(events)
        out += [dataclasses.replace(e, id=f"{e.id}-c{k}") for e in events]
    return out[:n]


def timed(run, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        run()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, nargs="+", default=[1000, 10000])
    parser.add_argument("--repeat", type=int, default=20)
    args = parser.parse_args()
    dataset = load_dataset()
    print("| events | index build | query | hits | filter with query (median) | snippets of the hits |")
    print("|---|---|---|---|---|---|")
    for n in args.n:
        events = copies(dataset.events, n)
        start = time.perf_counter()
        index = search.build_index(events, dataset.places, dataset.catalogue, None, dataset.aliases)
        frame = analysis_frame(events, index)
        build = time.perf_counter() - start
        for query in QUERIES:
            hits = filter_events(frame, Filters(text=query))
            filtering = timed(lambda q=query, f=frame: filter_events(f, Filters(text=q)), args.repeat)
            ids = list(hits["id"])
            snippets = timed(lambda q=query, i=ids, x=index: [search.snippet_line(x, e, q) for e in i], 3)
            cells = [f"{n:,}", f"{build:.2f} s", query, f"{len(ids):,}", f"{filtering * 1000:.0f} ms"]
            print("| " + " | ".join([*cells, f"{snippets * 1000:.0f} ms"]) + " |")


if __name__ == "__main__":
    main()
