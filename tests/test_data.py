"""The real data/ tested like code: one test collects every problem and fails once with the whole list."""

import re
from urllib.parse import urlparse

import pytest
import yaml

from patrolmap.load import DATA_DIR, load_dataset, type_index
from patrolmap.schema import COUNTRIES, ID_PREFIXES, KINDS, ROLES

# Ids are never renamed: the first submarine patrol was recorded as a naval patrol before the kind existed.
LEGACY_IDS = {"naval-2025-08-05-submarine": "naval"}


def collect_problems() -> list[str]:
    dataset = load_dataset(DATA_DIR)
    problems = [str(e) for e in dataset.errors]
    types = type_index(dataset.catalogue)
    retired = {r["id"] for r in yaml.safe_load((DATA_DIR / "retired_ids.yaml").read_text()) or []}
    for event in dataset.events:
        where = f"{event.file} id={event.id}"
        prefix = LEGACY_IDS.get(event.id, ID_PREFIXES[event.kind])
        expected_id = f"{prefix}-{event.date_start.isoformat()}"
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
    problems += catalogue_problems(dataset)
    for n, item in enumerate(dataset.aliases, 1):
        missing = [alias for alias in item.aliases if alias not in item.alias_sources]
        if missing:
            problems.append(f"data/aliases.yaml entry #{n} ({item.canonical}): no alias_sources for {missing}")
    return problems


def catalogue_problems(dataset) -> list[str]:
    problems = []
    seen_types = set()
    for n, item in enumerate(dataset.catalogue, 1):
        where = f"data/assets.yaml entry #{n} ({item.type!r})"
        if item.type in seen_types:
            problems.append(f"{where}: type listed twice")
        seen_types.add(item.type)
        if item.role not in ROLES:
            problems.append(f"{where}: role must be one of {ROLES}, got {item.role!r}")
        if item.country is not None and item.country not in COUNTRIES:
            problems.append(f"{where}: country must be ISO alpha-3, got {item.country!r}")
        url = item.source.url
        if urlparse(url).scheme not in ("http", "https"):
            problems.append(f"{where}: source.url must be http(s), got {url!r}")
    return problems


def ship_problems() -> list[str]:
    """v0.2: every asset name is a ship in data/ships.yaml of the asset's type; ship types are catalogued."""
    dataset = load_dataset(DATA_DIR)
    types = type_index(dataset.catalogue)
    ships = {}
    problems = []
    for ship in dataset.ships:
        if ship.name in ships:
            problems.append(f"data/ships.yaml name={ship.name}: name listed twice")
        ships[ship.name] = ship
        if ship.type not in types:
            problems.append(f"data/ships.yaml name={ship.name}: type {ship.type!r} is not in data/assets.yaml")
    for event in dataset.events:
        for asset in event.assets:
            ship = ships.get(asset.name) if asset.name else None
            if asset.name and ship is None:
                problems.append(f"{event.file} id={event.id}: asset name {asset.name!r} is not in data/ships.yaml")
            elif ship and types.get(ship.type, ship.type) != types.get(asset.type, asset.type):
                problems.append(
                    f"{event.file} id={event.id}: asset {asset.name!r} has type {asset.type!r}, "
                    f"data/ships.yaml says {ship.type!r}"
                )
    return problems


def source_language_problems() -> list[str]:
    """v0.2: curated data gives the language of every source."""
    return [
        f"{event.file} id={event.id}: source {source.id} has no language"
        for event in load_dataset(DATA_DIR).events
        for source in event.sources
        if source.language is None
    ]


def unused_source_problems() -> list[str]:
    """A cited source carries a claim, an asset, an incident or the route; otherwise it is noise on the card."""
    problems = []
    for event in load_dataset(DATA_DIR).events:
        used = {c.source for c in event.claims} | {a.source for a in event.assets} | {i.source for i in event.incidents}
        if event.route is not None:
            used.add(event.route.source)
        problems += [
            f"{event.file} id={event.id}: source {s.id} is cited but no field uses it"
            for s in event.sources
            if s.id not in used
        ]
    return problems


def asset_country_problems() -> list[str]:
    """An asset's country takes part; a claimed but unconfirmed participant stays in claims (China, Feb 2026)."""
    return [
        f"{event.file} id={event.id}: asset of {asset.country} but participants are {list(event.participants)}"
        for event in load_dataset(DATA_DIR).events
        for asset in event.assets
        if asset.country not in event.participants
    ]


def dispute_claim_problems() -> list[str]:
    """A disputed field has the claims it is about."""
    problems = []
    for event in load_dataset(DATA_DIR).events:
        claimed = {c.field for c in event.claims}
        problems += [
            f"{event.file} id={event.id}: dispute on {d[0]!r} has no claim"
            for d in event.disputes
            if d[0] not in claimed
        ]
    return problems


@pytest.mark.parametrize("check", [unused_source_problems, asset_country_problems, dispute_claim_problems])
def test_records_hold_together(check):
    problems = check()
    assert not problems, f"{len(problems)} problem(s):\n" + "\n".join(problems)


def test_data_has_no_problems():
    problems = collect_problems()
    assert not problems, f"{len(problems)} problem(s) in data/:\n" + "\n".join(problems)


def test_asset_names_resolve_in_ships():
    problems = ship_problems()
    assert not problems, f"{len(problems)} problem(s):\n" + "\n".join(problems)


def test_every_source_has_a_language():
    problems = source_language_problems()
    assert not problems, f"{len(problems)} problem(s):\n" + "\n".join(problems)


def test_data_covers_the_known_series():
    events = load_dataset(DATA_DIR).events
    kinds = {e.kind for e in events}
    assert kinds == set(KINDS)  # every kind of record format v0.2 has curated records
    first = min(e.date_start for e in events if e.kind == "air_patrol")
    assert first.isoformat() == "2019-07-23"
