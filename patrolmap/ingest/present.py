"""What the "Add from a release" page shows and builds, without streamlit: the text with each value
highlighted where it was read (escaped: the text is untrusted), one review row per value, the
reviewed values back into a record, and that record as YAML in data/FORMAT.md's shape."""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from datetime import date

from patrolmap.ingest.review import ID_PREFIX, KIND_LABEL, draft_summary, incident_entry, source_id
from patrolmap.ingest.write import render_record

FIELD_COLOURS = {
    "kind": "#ffe08a",
    "date_start": "#b5e3ff",
    "date_end": "#b5e3ff",
    "participants": "#d9f2c4",
    "areas": "#c9f0e6",
    "straits": "#c9f0e6",
    "assets": "#ffd1dc",
    "incidents": "#f7c6a3",
    "number": "#e2d4f7",
}
REVIEW_COLUMNS = ("field", "value", "accept", "found in")


def field_group(name: str) -> str:
    return name.split("[", 1)[0]


def highlighted_html(text: str, spans: list[dict]) -> str:
    """The text, HTML-escaped, with a <mark> (titled by its field) on every place a value was read."""
    by_span: dict[tuple[int, int], list[str]] = {}
    for span in spans:
        if span["end"] > span["start"]:
            groups = by_span.setdefault((span["start"], span["end"]), [])
            if field_group(span["field"]) not in groups:
                groups.append(field_group(span["field"]))
    out, at = [], 0
    for (start, end), groups in sorted(by_span.items(), key=lambda item: (item[0][0], -item[0][1])):
        if start < at:  # overlapping marks (a value inside one already marked): keep the first
            continue
        out.append(html.escape(text[at:start]))
        colour = FIELD_COLOURS.get(groups[0], "#eeeeee")
        label = html.escape(" ".join(groups))
        out.append(
            f'<mark data-field="{label}" title="{label}" '
            f'style="background:{colour};padding:0 2px;border-radius:3px">{html.escape(text[start:end])}</mark>'
        )
        at = end
    out.append(html.escape(text[at:]))
    body = "".join(out).replace("\n", "<br>")
    return f'<div class="release-text" style="white-space:normal;line-height:1.6">{body}</div>'


def value_text(name: str, value) -> str:
    """A value as the analyst edits it: 'RUS Tu-95MS 2', 'scramble JPN', '2020-12-22', 'RUS, CHN'."""
    group = field_group(name)
    if group == "assets":
        count = "?" if value.get("count") is None else value["count"]
        return f"{value['country']} {value['type']} {count}" + (f" ({value['name']})" if value.get("name") else "")
    if group == "incidents":
        return f"{value['kind']} {value['actor']}" + (f" -> {value['responder']}" if value.get("responder") else "")
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    return "" if value is None else str(value)


def review_rows(result: dict) -> list[dict]:
    """One row per value the reader found, accepted by default, with the sentence it came from."""
    evidence = result.get("evidence", {})
    rows = []
    for name in ("kind", "date_start", "date_end", "participants", "number"):
        if result.get(name) not in (None, []):
            rows.append(_row(name, value_text(name, result[name]), evidence.get(name, "")))
    for group in ("areas", "assets", "incidents"):
        for index, value in enumerate(result.get(group) or []):
            key = f"{group}[{index}]"
            rows.append(_row(key, value_text(key, value), evidence.get(key, evidence.get(group, ""))))
    return rows


def _row(name: str, value: str, sentence: str) -> dict:
    return {"field": name, "value": value, "accept": True, "found in": sentence}


@dataclass
class Reviewed:
    record: dict | None
    problems: list[str]


ASSET_TEXT = re.compile(r"^\s*([A-Z]{3})\s+(.+?)\s+(\d+|\?)\s*(?:\((.+)\))?\s*$")
INCIDENT_TEXT = re.compile(r"^\s*([a-z_]+)\s+([A-Z]{3})(?:\s*->\s*([A-Z]{3}))?\s*$")


def reviewed_record(result: dict, rows: list[dict], source: dict, accessed: date, roles: dict[str, str]) -> Reviewed:
    """The accepted (and edited) values as one record with status: draft; each bad value is named."""
    problems: list[str] = []
    values: dict = {group: [] for group in LIST_GROUPS}
    for row in (r for r in rows if r.get("accept")):
        group = field_group(row["field"])
        if group not in VALUE_READERS:
            continue
        value, problem = VALUE_READERS[group](row["field"], str(row.get("value") or "").strip(), result)
        if problem:
            problems.append(problem)
        elif group in LIST_GROUPS:
            values[group].append(value)
        else:
            values[group] = value
    problems += _missing(values, source)
    if problems:
        return Reviewed(None, problems)
    return Reviewed(_record(values, source, accessed, roles), [])


def _missing(values: dict, source: dict) -> list[str]:
    """What a record needs and the accepted values do not give."""
    problems = [f"{name}: accept or enter a value; a record needs one" for name in REQUIRED if name not in values]
    if not values["areas"]:
        problems.append("areas: accept at least one area (a gazetteer id from data/places)")
    if not source.get("url"):
        problems.append("source URL: give the page's http(s) address")
    if not source.get("producer"):
        problems.append("source producer: name who published the text")
    return problems


def _read_date(name: str, text: str, _result: dict) -> tuple[object, str | None]:
    try:
        return date.fromisoformat(text).isoformat(), None
    except ValueError:
        return None, f"{name}: must be YYYY-MM-DD, got {text!r}"


def _read_participants(_name: str, text: str, _result: dict) -> tuple[object, str | None]:
    return [c.strip() for c in text.split(",") if c.strip()], None


def _read_number(name: str, text: str, _result: dict) -> tuple[object, str | None]:
    if text.isdigit():
        return int(text), None
    return None, f"{name}: must be a whole number, got {text!r}"


def _read_kind(_name: str, text: str, _result: dict) -> tuple[object, str | None]:
    if text in ID_PREFIX:
        return text, None
    return None, f"kind: must be one of {', '.join(ID_PREFIX)}, got {text!r}"


def _read_area(_name: str, text: str, _result: dict) -> tuple[object, str | None]:
    return text, None


def _read_asset(name: str, text: str, _result: dict) -> tuple[object, str | None]:
    m = ASSET_TEXT.match(text)
    if not m:
        return None, f"{name}: write it as 'RUS Tu-95MS 2' (country, type, count or ?), got {text!r}"
    asset = {"country": m.group(1), "type": m.group(2), "count": None if m.group(3) == "?" else int(m.group(3))}
    return {**asset, "name": m.group(4)} if m.group(4) else asset, None


def _read_incident(name: str, text: str, result: dict) -> tuple[object, str | None]:
    m = INCIDENT_TEXT.match(text)
    if not m:
        return None, f"{name}: write it as 'scramble JPN' (kind, actor[, -> responder]), got {text!r}"
    original = _original(result, name)
    incident = {"kind": m.group(1), "actor": m.group(2), "description": original.get("description", text)}
    if m.group(3):
        incident["responder"] = m.group(3)
    if original.get("place"):
        incident["place"] = original["place"]
    return incident, None


# How the review reads each field's (edited) text: (row name, text, extraction) -> (value, problem).
VALUE_READERS = {
    "date_start": _read_date,
    "date_end": _read_date,
    "participants": _read_participants,
    "number": _read_number,
    "kind": _read_kind,
    "areas": _read_area,
    "assets": _read_asset,
    "incidents": _read_incident,
}
LIST_GROUPS = ("areas", "assets", "incidents")  # one row per item
REQUIRED = ("kind", "date_start", "participants")


def _original(result: dict, name: str) -> dict:
    group, _, rest = name.partition("[")
    try:
        return (result.get(group) or [])[int(rest.rstrip("]"))]
    except (ValueError, IndexError):
        return {}


def _record(values: dict, source: dict, accessed: date, roles: dict[str, str]) -> dict:
    src = {
        "id": source_id(source, set()),
        "producer": source["producer"],
        "title": source.get("title") or f"[Headline not given: text read by the release importer on {accessed}]",
        "url": source["url"],
        "date_published": source.get("date_published"),
        "date_accessed": accessed.isoformat(),
        "kind": "news",
        "language": source.get("language"),
    }
    sid = src["id"]
    kind = values["kind"]
    start = values["date_start"]
    record = {
        "id": f"{ID_PREFIX[kind]}-{start}",
        "kind": kind,
        "status": "draft",
        "name": KIND_LABEL[kind] + (f" (number {values['number']})" if values.get("number") else ""),
        "date_start": start,
        "date_end": values.get("date_end", start),
        "participants": values["participants"],
        "areas": values["areas"],
        "assets": [{**a, "role": roles.get(a["type"], "other"), "source": sid} for a in values["assets"]],
        "incidents": [],
        "summary": draft_summary(kind, values["participants"], values["areas"], values["assets"], src["producer"]),
        "claims": [{"field": "number", "value": values["number"], "source": sid}] if values.get("number") else [],
        "sources": [src],
    }
    for incident in values["incidents"]:
        record["incidents"].append(incident_entry(incident, date.fromisoformat(start), sid))
    return record


def record_yaml(record: dict) -> str:
    """A YAML list holding the record, in the layout of data/events (loads with the upload and the loader)."""
    return "\n".join(render_record(record)) + "\n"
