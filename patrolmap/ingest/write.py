"""--write: a draft or a match's additions into the right data/events file, keeping every existing
line as it is (comments, quoting, flow lists), then the data tests on the result.

ruamel.yaml reads the file for its structure and line numbers and renders the new pieces in the
file's style; the new lines are inserted as text, so no existing line is rewritten (a full
round-trip would re-render lines such as an unquoted note with commas in a flow mapping).
"""

from __future__ import annotations

import io
import os
import subprocess
import sys
from pathlib import Path

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.scalarstring import DoubleQuotedScalarString

from patrolmap.ingest.review import EVENT_FILE

REPO_ROOT = Path(__file__).resolve().parents[2]
FLOW_ITEM_KEYS = ("assets", "claims", "disputes")  # written one mapping a line, as the data files do
DATE_KEYS = ("date_start", "date_end", "date", "date_published", "date_accessed")


class WriteError(ValueError):
    """The data file could not take the change; names the file and why."""


def _yaml() -> YAML:
    yaml = YAML()
    yaml.preserve_quotes = True
    yaml.width = 4096
    yaml.indent(mapping=2, sequence=4, offset=2)
    yaml.representer.add_representer(type(None), lambda r, _: r.represent_scalar("tag:yaml.org,2002:null", "null"))
    return yaml


def _styled(value, flow: bool = False):
    """Plain data -> ruamel nodes: dates double-quoted as the data files quote them."""
    if isinstance(value, dict):
        node = CommentedMap()
        for key, item in value.items():
            if key in DATE_KEYS and isinstance(item, str):
                node[key] = DoubleQuotedScalarString(item)
            else:
                node[key] = _styled(
                    item, flow=flow or key in ("participants", "areas", "unknown", "value", "waypoints")
                )
        if flow:
            node.fa.set_flow_style()
        return node
    if isinstance(value, list):
        node = CommentedSeq(_styled(v, flow=flow) for v in value)
        if flow:
            node.fa.set_flow_style()
        return node
    return value


def render(value, indent: int) -> list[str]:
    out = io.StringIO()
    _yaml().dump(value, out)
    return [(" " * indent + line) if line.strip() else "" for line in out.getvalue().rstrip("\n").split("\n")]


def render_items(items: list[dict], key: str) -> list[str]:
    """Items of a record's list, at the record's list indentation (4), in the file's style for that key."""
    seq = CommentedSeq(_styled(item, flow=key in FLOW_ITEM_KEYS) for item in items)
    return [line[2:] if line.startswith("  ") else line for line in render(seq, 4)]


def render_record(record: dict) -> list[str]:
    node = _styled(record)
    for key in FLOW_ITEM_KEYS + ("incidents", "sources"):
        if key in node:
            node[key] = CommentedSeq(_styled(item, flow=key in FLOW_ITEM_KEYS) for item in record[key])
            if not record[key]:
                node[key].fa.set_flow_style()
    seq = CommentedSeq([node])
    # ruamel indents a top-level sequence by its offset; the data files start records at column 0.
    return [line[2:] if line.startswith("  ") else line for line in render(seq, 0)]


def target_file(data_dir: Path, kind: str, events) -> Path:
    """The file other records of this kind live in, else the kind's default file."""
    for event in events:
        if event.kind == kind and event.file:
            return data_dir / "events" / Path(event.file).name
    return data_dir / "events" / EVENT_FILE[kind]


def append_record(path: Path, record: dict) -> None:
    text = path.read_text(encoding="utf-8") if path.exists() else ""
    lines = render_record(record)
    head = text.rstrip("\n") + "\n\n" if text.strip() else text  # one blank line between records
    path.write_text(head + "\n".join(lines) + "\n", encoding="utf-8")


def add_to_record(path: Path, record_id: str, additions: dict[str, list[dict]]) -> None:
    """Append items to lists of one record (sources, claims, disputes, assets, incidents), nothing else."""
    text = path.read_text(encoding="utf-8")
    lines = text.split("\n")
    records = _yaml().load(text)
    index = next((i for i, r in enumerate(records or []) if isinstance(r, dict) and r.get("id") == record_id), None)
    if index is None:
        raise WriteError(f"{path.name}: no record id={record_id}")
    record = records[index]
    record_end = records[index + 1].lc.line if index + 1 < len(records) else len(lines)
    keys = list(record.keys())
    starts = {key: record.lc.key(key)[0] for key in keys}
    # Work from the bottom of the record up so earlier line numbers stay valid.
    plan = []
    for key, items in additions.items():
        if not items:
            continue
        if key in record:
            following = [starts[k] for k in keys if starts[k] > starts[key]]
            end = _trim(lines, min(following) if following else record_end)
            value = record[key]
            if isinstance(value, CommentedSeq) and value.fa.flow_style():
                merged = [dict(v) if isinstance(v, dict) else v for v in value] + items
                plan.append((starts[key], starts[key] + 1, [f"  {key}:"] + render_items(merged, key)))
            else:
                plan.append((end, end, render_items(items, key)))
        else:
            at = starts.get("sources", _trim(lines, record_end))
            plan.append((at, at, [f"  {key}:"] + render_items(items, key)))
    for start, end, new in sorted(plan, key=lambda p: -p[0]):
        lines[start:end] = new
    path.write_text("\n".join(lines), encoding="utf-8")


def _trim(lines: list[str], end: int) -> int:
    """Back over the blank lines and comments that separate a block from the next."""
    while end > 0 and (not lines[end - 1].strip() or lines[end - 1].lstrip().startswith("#")):
        end -= 1
    return end


def additions_from_diff(diff: dict) -> dict[str, list[dict]]:
    additions = {"sources": [diff["source"]], "claims": [], "assets": [], "incidents": [], "disputes": []}
    for add in diff["adds"]:
        for key, target in (("claim", "claims"), ("asset", "assets"), ("incident", "incidents")):
            if key in add:
                additions[target].append(add[key])
    for dispute in diff["disputes"]:
        additions["disputes"].append({"field": dispute["field"], "note": dispute["note"]})
        if dispute["field"] == "other":
            additions["claims"].append({"field": "other", "value": dispute["note"], "source": diff["source"]["id"]})
    return additions


def run_data_tests(data_dir: Path) -> tuple[bool, str]:
    """tests/test_data.py on data_dir (PATROLMAP_DATA_DIR), as the README tells a contributor to run it."""
    env = {**os.environ, "PATROLMAP_DATA_DIR": str(data_dir)}
    proc = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", str(REPO_ROOT / "tests" / "test_data.py")],
        cwd=REPO_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    tail = "\n".join((proc.stdout + proc.stderr).strip().splitlines()[-15:])
    return proc.returncode == 0, tail
