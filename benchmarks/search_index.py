"""How long building the search index takes, today's code against the code it replaced, in one run.

    python benchmarks/search_index.py [--n 1000 10000] [--repeat 3] [--before 3ff8721]

The index the app builds once per dataset (ui._curated_index, and once per upload): search.build_index
over n events, for synthetic events (patrolmap.synthetic) and for the real records copied with new
ids (each carrying real text: summaries, incidents, claims, sources). "before" is patrolmap/search.py
as it stood at git revision --before (its eager build of every event's texts), loaded from git and run
on the same events in the same process; the two must find the same events and give the same snippets.
Also printed: the rest of the first page's build (filters.analysis_frame) and the snippets of 50 rows.
Medians of --repeat runs.
"""

from __future__ import annotations

import argparse
import dataclasses
import importlib.util
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from patrolmap import search  # noqa: E402
from patrolmap.filters import analysis_frame  # noqa: E402
from patrolmap.load import load_dataset  # noqa: E402
from patrolmap.synthetic import synthetic_events  # noqa: E402

BEFORE_REV = "3ff8721"  # main before the index built texts on demand
QUERIES = ("NORAD", "Alaska", "Tu-95 intercept", "Security Bond", "sea of japan")
SNIPPET_ROWS = 50  # the rows a page shows snippets for


def module_at(rev: str, path: str, name: str):
    """A module of this repository as it stood at rev, importable beside today's package."""
    source = subprocess.run(["git", "show", f"{rev}:{path}"], cwd=ROOT, capture_output=True, text=True, check=True)
    file = Path(tempfile.mkdtemp()) / f"{name}.py"
    file.write_text(source.stdout, encoding="utf-8")
    spec = importlib.util.spec_from_file_location(name, file)
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module  # dataclasses look their module up while the class is made
    spec.loader.exec_module(module)
    return module


def copies(events, n: int) -> list:
    out = []
    while len(out) < n:
        k = len(out) // len(events)
        out += [dataclasses.replace(e, id=f"{e.id}-c{k}") if k else e for e in events]
    return out[:n]


def median_time(run, repeat: int) -> tuple[float, float, object]:
    """(wall s, CPU s, result), medians: on a shared machine the CPU time is the steadier figure."""
    walls, cpus, result = [], [], None
    for _ in range(repeat):
        wall, cpu = time.perf_counter(), time.process_time()
        result = run()
        walls.append(time.perf_counter() - wall)
        cpus.append(time.process_time() - cpu)
    return statistics.median(walls), statistics.median(cpus), result


def same_answers(before, old_index, new_index) -> bool:
    rows = list(new_index.folded)[:SNIPPET_ROWS]
    for query in QUERIES:
        if before.search(old_index, query) != search.search(new_index, query):
            return False
        if any(before.snippets(old_index, r, query) != search.snippets(new_index, r, query) for r in rows):
            return False
    return True


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, nargs="+", default=[1000, 10000])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--before", default=BEFORE_REV)
    args = parser.parse_args()
    before = module_at(args.before, "patrolmap/search.py", "search_before")
    dataset = load_dataset()
    context = (dataset.places, dataset.catalogue, getattr(dataset, "ships", None), dataset.aliases)
    before_cell = f"build before ({args.before}), wall / CPU"
    print(f"| events | kind | {before_cell} | build now, wall / CPU | CPU speedup | analysis_frame | snippets | same |")
    print("|---|---|---|---|---|---|---|---|")
    for n in args.n:
        for label, events in (("synthetic", synthetic_events(n, dataset.places)), ("real copies", None)):
            events = events or copies(dataset.events, n)
            old_s, old_cpu, old_index = median_time(lambda e=events: before.build_index(e, *context), args.repeat)
            new_s, new_cpu, new_index = median_time(lambda e=events: search.build_index(e, *context), args.repeat)
            frame_s, _, _ = median_time(lambda e=events, i=new_index: analysis_frame(e, i), args.repeat)
            rows = list(new_index.folded)[:SNIPPET_ROWS]
            snip_s, _, _ = median_time(lambda i=new_index, r=rows: [search.snippet_line(i, x, "sea") for x in r], 1)
            cells = [f"{n:,}", label, f"{old_s:.2f} / {old_cpu:.2f} s", f"{new_s:.2f} / {new_cpu:.2f} s"]
            cells += [f"{old_cpu / new_cpu:.1f}×", f"{frame_s:.2f} s", f"{snip_s * 1000:.0f} ms"]
            cells.append(str(same_answers(before, old_index, new_index)))
            print("| " + " | ".join(cells) + " |")


if __name__ == "__main__":
    main()
