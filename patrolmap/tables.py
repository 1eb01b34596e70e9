"""Tables the pages show, built from events and the type catalogue: pure data, no streamlit."""

from __future__ import annotations

import pandas as pd

from patrolmap import search, words

EVENT_TABLE_COLUMNS = [
    "date_start",
    "date_end",
    "kind",
    "name",
    "participants",
    "aircraft",
    "ships",
    "n_sources",
    "disputed",
    "sources",
    "id",
]


def events_table(
    shown: pd.DataFrame, events=None, index: search.SearchIndex | None = None, q: str = ""
) -> pd.DataFrame:
    """The Events page's rows: one per event, codes turned into words. With the events (id -> Event),
    a count that sources dispute reads as a range with a mark ('6–17 ⚠') and an unknown one 'not
    reported'; with a search index and query, a column shows the words that matched."""
    by_id = events or {}

    def counted(event_id: str, own, claim_field: str) -> str:
        own = None if pd.isna(own) else int(own)
        event = by_id.get(event_id)
        if event is None:
            return words.count(own)
        disputed = claim_field in {f for f, _ in event.disputes}
        return words.claimed_count(own, event.claims, claim_field, disputed)

    table = shown[EVENT_TABLE_COLUMNS].assign(
        participants=shown["participants"].map(words.countries),
        kind=shown["kind"].map(words.kind),
        aircraft=[counted(i, n, "aircraft_total") for i, n in zip(shown["id"], shown["aircraft"], strict=True)],
        ships=[counted(i, n, "ships_total") for i, n in zip(shown["id"], shown["ships"], strict=True)],
        disputed=shown["disputed"].map(
            lambda text: ", ".join(words.field(f.strip()) for f in str(text).split(",") if f.strip())
        ),
    )
    if index is not None and q:
        table.insert(4, "matches", [search.snippet_line(index, i, q) for i in shown["id"]])
    return table


def catalogue_rows(catalogue, assets: pd.DataFrame) -> list[dict]:
    """One row per catalogued type (data/assets.yaml entries), with how many events in the filter reported it."""
    return [
        {
            "type": entry.type,
            "name": entry.name,
            "country": words.country(entry.country) if entry.country else "several",
            "role": words.role(entry.role),
            "names in other languages": names_text(entry.names),
            "aliases": ", ".join(entry.aliases),
            "events in filter": _events_with_type(assets, entry.type),
            "note": entry.note or "",
            "source": entry.source.url,
        }
        for entry in catalogue
    ]


def names_text(names: dict) -> str:
    """{'ru': 'Ту-95МС', 'zh': '图-95MS'} -> 'ru Ту-95МС · zh 图-95MS'."""
    return " · ".join(f"{lang} {name}" for lang, name in sorted((names or {}).items()))


def _events_with_type(assets: pd.DataFrame, type_name) -> int:
    if not len(assets):
        return 0
    return int(assets.loc[assets["type_class"] == type_name, "event"].nunique())


def reported_types(assets: pd.DataFrame) -> pd.DataFrame:
    """Per catalogue type, country and role: events that reported it, summed counts, names as reported."""
    summary = assets.groupby(["type_class", "country", "role"], dropna=False).agg(
        events=("event", "nunique"),
        reported=("count", "sum"),
        as_reported=("type", lambda t: ", ".join(sorted(set(t)))),
    )
    summary = summary.reset_index()
    summary = summary.assign(country=summary["country"].map(words.country), role=summary["role"].map(words.role))
    return summary.rename(
        columns={
            "type_class": "Type",
            "country": "Country",
            "role": "Role",
            "events": "Events",
            "reported": "Reported (sum of counts)",
            "as_reported": "Names in the sources",
        }
    )


def review_rows(events) -> list[dict]:
    """When each record was last checked against its sources, and what was checked ('' if never)."""
    rows = []
    for event in sorted(events, key=lambda e: e.date_start):
        review = getattr(event, "reviewed", None)
        rows.append(
            {
                "event": event.name,
                "start": event.date_start.isoformat(),
                "reviewed": review.date.isoformat() if review else "not yet reviewed",
                "checked": ", ".join(review.checked) if review else "",
            }
        )
    return rows


def scope_sections(scope) -> tuple[list[str], list[dict], list[str]]:
    """datapackage.yaml's scope as (included lines, excluded {what, why} rows, editions searched for, not found)."""
    scope = scope if isinstance(scope, dict) else {}
    included = [str(line) for line in scope.get("included") or []]
    excluded = [
        {"left out": str(item.get("what", "")), "why": str(item.get("why", ""))}
        if isinstance(item, dict)
        else {"left out": str(item), "why": ""}
        for item in scope.get("excluded") or []
    ]
    not_found = [str(line) for line in scope.get("editions_searched_not_found") or []]
    return included, excluded, not_found
