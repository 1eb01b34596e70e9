"""Command line: `python -m patrolmap ingest FILE... [--published YYYY-MM-DD] [--url URL] [--json] [--write]`."""

from __future__ import annotations

import argparse
import json
import sys
from datetime import date
from pathlib import Path

from patrolmap.ingest import IngestError, ingest_file
from patrolmap.ingest.write import (
    WriteError,
    add_to_record,
    additions_from_diff,
    append_record,
    run_data_tests,
    target_file,
)
from patrolmap.load import DATA_DIR, load_dataset


def parse_day(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"must be YYYY-MM-DD, got {value!r}") from exc


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m patrolmap", description="Patrol Map tools (offline).")
    commands = parser.add_subparsers(dest="command", required=True)
    ingest = commands.add_parser(
        "ingest",
        help="read a release or article (text or saved HTML) into a draft record or a diff",
        description="Read defence-ministry releases or news articles (en, ru, zh, ja, ko; plain text or HTML "
        "saved from a browser) and propose a draft record (status: draft) or a diff against the record they match.",
    )
    ingest.add_argument("files", nargs="+", type=Path, metavar="FILE")
    ingest.add_argument("--published", type=parse_day, help="publication date (base for 'on Tuesday'); else the page's")
    ingest.add_argument("--url", help="the text's URL, cited as its source")
    ingest.add_argument("--producer", help="who published it (default: the page's site name or the URL's host)")
    ingest.add_argument("--title", help="headline (default: the page's title or the text's first line)")
    ingest.add_argument("--json", action="store_true", help="one JSON object per file")
    ingest.add_argument("--write", action="store_true", help="write into data/events and run tests/test_data.py")
    return parser


def describe(result: dict) -> str:
    lines = [f"{result['file']}: " + (result["kind"] or "no draft")]
    if result.get("reason"):
        lines.append(f"  reason: {result['reason']}")
    for name in ("date_start", "date_end", "participants", "areas", "straits", "number", "match"):
        if result.get(name) not in (None, []):
            lines.append(f"  {name}: {result[name]}")
    for asset in result["assets"]:
        lines.append(
            f"  asset: {asset['country']} {asset['type']} x{asset['count'] if asset['count'] is not None else '?'}"
        )
    for incident in result["incidents"]:
        lines.append(f"  incident: {incident['kind']} by {incident['actor']}")
    if "diff" in result:
        diff = result["diff"]
        lines.append(
            f"  diff against {diff['record']}: {len(diff['adds'])} additions, {len(diff['disputes'])} disputes"
        )
        for dispute in diff["disputes"]:
            lines.append(f"    dispute {dispute['field']}: {dispute['note']}")
    for gap in result.get("gaps", []):
        lines.append(f"  to fill before loading: {gap}")
    return "\n".join(lines)


def write_result(result: dict, dataset, data_dir: Path) -> str:
    if "diff" in result:
        path = data_dir / "events" / Path(result["diff"]["file"]).name
        add_to_record(path, result["diff"]["record"], additions_from_diff(result["diff"]))
        return f"added source {result['diff']['source']['id']} to {result['diff']['record']} in {path}"
    if "draft" in result:
        if result.get("gaps"):
            raise WriteError(f"{result['file']}: draft not written: " + "; ".join(result["gaps"]))
        path = target_file(data_dir, result["draft"]["kind"], dataset.events)
        append_record(path, result["draft"])
        return f"wrote draft {result['draft']['id']} to {path}"
    return f"{result['file']}: nothing to write ({result.get('reason')})"


def check_written(data_dir: Path) -> int:
    """The loader on the written data (drafts shown) must find nothing wrong; then the data tests, which
    list any draft as refused until an analyst reviews it and removes `status: draft`."""
    checked = load_dataset(data_dir, show_drafts=True)
    for error in checked.errors:
        print(f"error: {error}", file=sys.stderr)
    ok, tail = run_data_tests(data_dir)
    drafts = [e.id for e in checked.events if e.status == "draft"]
    print(("data tests passed" if ok else "data tests report problems") + f" on {data_dir}:\n{tail}", file=sys.stderr)
    if drafts:
        print(
            f"drafts in data/ ({', '.join(drafts)}) are refused by the loader and the data tests until reviewed: "
            "check each value, then delete its `status: draft` line.",
            file=sys.stderr,
        )
    return 2 if checked.errors else 0


def run_ingest(args: argparse.Namespace) -> int:
    data_dir = Path(DATA_DIR)
    dataset = load_dataset(data_dir, show_drafts=True)  # a second release of a drafted event matches the draft
    status = 0
    wrote = False
    for path in args.files:
        try:
            result = ingest_file(
                path, dataset, published=args.published, url=args.url, title=args.title, producer=args.producer
            )
        except IngestError as exc:
            print(f"error: {exc}", file=sys.stderr)
            status = 1
            continue
        print(json.dumps(result, ensure_ascii=False) if args.json else describe(result))
        if args.write:
            try:
                message = write_result(result, dataset, data_dir)
            except WriteError as exc:
                print(f"error: {exc}", file=sys.stderr)
                status = 1
                continue
            print(message, file=sys.stderr)
            wrote = wrote or message.startswith(("added", "wrote"))
            dataset = load_dataset(data_dir, show_drafts=True)
    if wrote:
        status = status or check_written(data_dir)
    return status


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    if args.command == "ingest":
        return run_ingest(args)
    return 2


if __name__ == "__main__":
    sys.exit(main())
