"""Coverage, method and citation text rendered from data/, for the home and About pages."""

from __future__ import annotations

from collections import Counter
from datetime import date

from patrolmap.load import Dataset
from patrolmap.schema import KIND_LABELS

PROJECT_NAME = "Patrol Map, an open-source dashboard of Russia–China joint patrols"


def coverage(dataset: Dataset) -> dict:
    events = dataset.events
    kinds = Counter(e.kind for e in events)
    meta = dataset.meta or {}
    return {
        "n_events": len(events),
        "by_kind": {KIND_LABELS[k]: kinds.get(k, 0) for k in KIND_LABELS},
        "first": min((e.date_start for e in events), default=None),
        "last": max((e.date_end for e in events), default=None),
        "n_sources": sum(len(e.sources) for e in events),
        "n_places": len(dataset.places),
        "version": str(meta.get("version", "unversioned")),
        "last_reviewed": str(meta.get("last_reviewed", "unknown")),
        "title": meta.get("title", "Russia–China joint military patrols"),
        "licence": _licence(meta),
        "n_rejected": len(dataset.errors),
    }


def _licence(meta: dict) -> str:
    licences = meta.get("licenses") or []
    return (
        ", ".join(str(lic.get("title") or lic.get("name")) for lic in licences if isinstance(lic, dict)) or "see data/"
    )


def citation(cov: dict, today: date | None = None, permalink: str = "") -> str:
    """How to cite the dataset (and the view, when a permalink is given)."""
    today = today or date.today()
    text = (
        f"{cov['title']}, data version {cov['version']} (last reviewed {cov['last_reviewed']}). "
        f"{PROJECT_NAME}. Accessed {today.isoformat()}."
    )
    if permalink:
        text += f" View: {permalink}"
    return text
