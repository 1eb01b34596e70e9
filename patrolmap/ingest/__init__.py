"""Release ingest: a defence-ministry release or news article (plain text or saved HTML, in English,
Russian, Chinese, Japanese or Korean) -> the record fields it states, with evidence, matched to the
record it is about (a diff) or proposed as a new draft record (status: draft). Offline throughout."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import trafilatura

from patrolmap.ingest.extract import Extraction, SourceHints, extract
from patrolmap.ingest.review import catalogue_roles, diff_against, draft_record, find_match, loader_gaps

HTML_START = re.compile(r"^\s*(?:<!doctype html|<html|<head|<body|<meta|<article|<div|<p[\s>])", re.IGNORECASE)
MAX_TEXT_CHARS = 200_000  # longer than any release; a bigger paste is not one article


class IngestError(ValueError):
    """A text that cannot be read: names the file and what was wrong."""


@dataclass
class Reading:
    """The text of one input with what its page said about itself (HTML: title, author, date, URL)."""

    text: str
    title: str | None = None
    author: str | None = None
    date_published: date | None = None
    url: str | None = None
    sitename: str | None = None
    notes: list[str] = field(default_factory=list)


def read_input(raw: str, name: str = "text") -> Reading:
    """Plain text as it is; HTML through trafilatura (main text, title, author, date, canonical URL)."""
    if len(raw) > MAX_TEXT_CHARS:
        raise IngestError(f"{name}: {len(raw):,} characters; at most {MAX_TEXT_CHARS:,} (one article)")
    if not HTML_START.match(raw):
        return Reading(raw.strip())
    body = trafilatura.extract(raw, include_comments=False, include_tables=False, favor_precision=True)
    meta = trafilatura.extract_metadata(raw)
    if not body:
        raise IngestError(f"{name}: HTML without a main text trafilatura could find")
    reading = Reading(body.strip())
    if meta is not None:
        reading.title = meta.title or None
        reading.author = meta.author or None
        reading.url = meta.url or None
        reading.sitename = meta.sitename or None
        if meta.date:
            try:
                reading.date_published = date.fromisoformat(str(meta.date)[:10])
            except ValueError:
                reading.notes.append(f"page date {meta.date!r} is not a date")
    return reading


def ingest_text(
    raw: str,
    dataset,
    published: date | None = None,
    url: str | None = None,
    title: str | None = None,
    producer: str | None = None,
    accessed: date | None = None,
    name: str = "text",
) -> dict:
    """One JSON-able result: the record fields, match, evidence, reason, and the diff or the draft."""
    reading = read_input(raw, name)
    published = published or reading.date_published
    hints = SourceHints(
        url=url or reading.url,
        title=title or reading.title,
        producer=producer or reading.sitename or reading.author,
    )
    extraction = extract(reading.text, dataset, published=published, hints=hints)
    return build_result(extraction, dataset, accessed or date.today(), reading, name)


def build_result(extraction: Extraction, dataset, accessed: date, reading: Reading, name: str) -> dict:
    roles = catalogue_roles(dataset)
    match = find_match(extraction, dataset.events)
    result = {
        "file": name,
        "kind": extraction.kind,
        "date_start": extraction.date_start.isoformat() if extraction.date_start else None,
        "date_end": extraction.date_end.isoformat() if extraction.date_end else None,
        "participants": extraction.participants,
        "areas": extraction.areas,
        "straits": extraction.straits,
        "assets": extraction.assets,
        "incidents": extraction.incidents,
        "number": extraction.number,
        "numbering_by": extraction.numbering_by,
        "source": extraction.source,
        "match": match.id if match else None,
        "evidence": extraction.evidence,
        # Where each value was read: character offsets into the text read (for HTML, its main text).
        "spans": [{"field": s.field, "start": s.start, "end": s.end} for s in extraction.spans],
        "reason": extraction.reason,
        "notes": list(reading.notes),
    }
    if extraction.kind and match is not None:
        result["diff"] = diff_against(extraction, match, roles, accessed)
    elif extraction.kind:
        retired = [r.get("id") for r in getattr(dataset, "retired", None) or [] if isinstance(r, dict)]
        draft = draft_record(extraction, dataset.events, roles, accessed, retired)
        result["draft"] = draft
        result["gaps"] = loader_gaps(draft)
        if not extraction.date_start:
            result["reason"] = "no date found for the activity: the draft needs one before it can be matched"
    return result


def ingest_file(path: Path, dataset, **options) -> dict:
    try:
        raw = Path(path).read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise IngestError(f"{path}: not UTF-8 text ({exc.reason} at byte {exc.start})") from exc
    except OSError as exc:
        raise IngestError(f"{path}: cannot be read ({exc.strerror})") from exc
    return ingest_text(raw, dataset, name=str(path), **options)


__all__ = ["IngestError", "Reading", "ingest_file", "ingest_text", "read_input", "extract"]
