"""Tables the pages show, built from events and the type catalogue: pure data, no streamlit."""

from __future__ import annotations

import pandas as pd

from patrolmap.schema import KIND_LABELS

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


def events_table(shown: pd.DataFrame) -> pd.DataFrame:
    """The Events page's rows: one per event, codes turned into words."""
    return shown[EVENT_TABLE_COLUMNS].assign(
        participants=shown["participants"].map(", ".join), kind=shown["kind"].map(KIND_LABELS)
    )


def catalogue_rows(catalogue, assets: pd.DataFrame) -> list[dict]:
    """One row per catalogued type (data/assets.yaml entries), with how many events in the filter reported it."""
    return [
        {
            "type": entry.type,
            "name": entry.name,
            "country": entry.country or "",
            "role": entry.role,
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
    return summary.reset_index()


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
