"""The real data/ tested like code: one test collects every problem and fails once with the whole list."""

import re
from urllib.parse import urlparse

import yaml

from patrolmap.load import DATA_DIR, load_dataset, type_index
from patrolmap.schema import COUNTRIES, ROLES

ID_PREFIX = {"air_patrol": "air", "naval_patrol": "naval", "exercise": "ex"}


def collect_problems() -> list[str]:
    dataset = load_dataset(DATA_DIR)
    problems = [str(e) for e in dataset.errors]
    types = type_index(dataset.catalogue)
    retired = {r["id"] for r in yaml.safe_load((DATA_DIR / "retired_ids.yaml").read_text()) or []}
    for event in dataset.events:
        where = f"{event.file} id={event.id}"
        expected_id = f"{ID_PREFIX[event.kind]}-{event.date_start.isoformat()}"
        if not re.match(rf"^{expected_id}(-[a-z0-9-]+)?$", event.id):
            problems.append(f"{where}: id must start with {expected_id} (kind and date_start)")
        if event.id in retired:
            problems.append(f"{where}: id was retired and must not be reused")
        if not event.sources:
            problems.append(f"{where}: no sources")
        if not event.summary:
            problems.append(f"{where}: no summary")
        for asset in event.assets:
            if asset.type not in types:
                problems.append(f"{where}: asset type {asset.type!r} is not in data/assets.yaml (type or alias)")
        for source in event.sources:
            if source.date_accessed is None:
                problems.append(f"{where}: source {source.id} has no date_accessed")
    seen_types = set()
    for n, item in enumerate(dataset.catalogue, 1):
        where = f"data/assets.yaml entry #{n} ({item.get('type')!r})"
        if item.get("type") in seen_types:
            problems.append(f"{where}: type listed twice")
        seen_types.add(item.get("type"))
        if item.get("role") not in ROLES:
            problems.append(f"{where}: role must be one of {ROLES}, got {item.get('role')!r}")
        if item.get("country") is not None and item.get("country") not in COUNTRIES:
            problems.append(f"{where}: country must be ISO alpha-3, got {item.get('country')!r}")
        url = (item.get("source") or {}).get("url", "")
        if urlparse(url).scheme not in ("http", "https"):
            problems.append(f"{where}: source.url must be http(s), got {url!r}")
    for n, item in enumerate(dataset.aliases, 1):
        if not item.get("canonical") or not item.get("aliases") or not item.get("source"):
            problems.append(f"data/aliases.yaml entry #{n}: needs canonical, aliases and source")
    return problems


def test_data_has_no_problems():
    problems = collect_problems()
    assert not problems, f"{len(problems)} problem(s) in data/:\n" + "\n".join(problems)


def test_data_covers_the_known_series():
    events = load_dataset(DATA_DIR).events
    kinds = {e.kind for e in events}
    assert kinds == {"air_patrol", "naval_patrol", "exercise"}
    first = min(e.date_start for e in events if e.kind == "air_patrol")
    assert first.isoformat() == "2019-07-23"
