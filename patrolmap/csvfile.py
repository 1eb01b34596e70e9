"""The events CSV, both ways: the export writes it, uploads read it back, with the same columns and escaping.

One row per event (CSV_COLUMNS). List cells are ";"-joined; the assets and incidents cells are
entries joined by "; " whose parts are "|"-joined. A literal "\\", ";" or "|" inside a value is
written "\\\\", "\\;", "\\|", so every value survives the round trip (record titles do contain ";",
type names "\\"). Reading splits entries first without unescaping, then parts with it: unescaping
twice is how "H-6K\\N" used to come back as "H-6KN".

Reading is physical-line aware: a cell with an unclosed quote (`"12-inch guns`) would make a CSV
reader take every later line into that one cell. read_csv returns each record with the file line
it starts on, and a record that went wrong is reported on its own line while reading resumes on
the next line, so the valid rows after it still load.
"""

from __future__ import annotations

import csv
import io
import math
import re
from collections.abc import Iterator
from dataclasses import dataclass

from patrolmap.gazetteer import route_coords, route_length_km
from patrolmap.schema import Event, Place

CSV_COLUMNS = [
    "id",  # stable record id, e.g. air-2019-07-23
    "kind",  # air_patrol | naval_patrol | exercise ...
    "name",
    "date_start",  # YYYY-MM-DD
    "date_end",  # YYYY-MM-DD
    "participants",  # ISO 3166 alpha-3 codes, ";"-joined: RUS;CHN
    "areas",  # gazetteer ids, ";"-joined
    "route_waypoints",  # gazetteer ids in the order travelled, ";"-joined; empty: no route
    "route_provenance",  # map | text | schematic
    "route_source_url",  # url of the source the route rests on
    "route_length_km",  # computed (geodesic, WGS84); ignored on upload
    "assets",  # "COUNTRY|type|count|role" entries joined by "; "; count may be empty
    "incidents",  # "kind|actor|place|date" entries joined by "; "; place/date may be empty
    "summary",
    "disputed",  # fields whose sources disagree, ";"-joined
    "source_producers",  # the four source_* columns are ";"-joined in the same order
    "source_titles",
    "source_urls",
    "source_dates_published",  # YYYY-MM-DD or empty
    "origin",  # curated | upload; ignored on upload
]
# A cell a spreadsheet would run as a formula (OWASP CSV injection) gets a leading apostrophe;
# a cell that starts with an apostrophe gets one too, so that taking one off on reading is lossless.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
DEFUSE_MARK = "'"
NO_DESCRIPTION = "(no description in the CSV)"
LINE_BREAK = re.compile(r"\r\n|\n|\r")  # CSV lines only: not U+2028 and the other str.splitlines breaks


# ---------------------------------------------------------------- escaping


def escape_value(value: object) -> str:
    return str(value).replace("\\", "\\\\").replace(";", "\\;").replace("|", "\\|")


def join_values(values, sep: str = ";") -> str:
    return sep.join(escape_value(v) for v in values)


def split_escaped(text: str, sep: str, unescape: bool = True) -> list[str]:
    """Split on every sep not escaped by a backslash; parts are stripped. unescape=False keeps the
    escapes in the parts, for a cell whose parts are split again (assets, incidents)."""
    parts, current, i = [], [], 0
    while i < len(text):
        char = text[i]
        if char == "\\" and i + 1 < len(text):
            current.append(text[i + 1] if unescape else text[i : i + 2])
            i += 2
            continue
        if char == sep:
            parts.append("".join(current).strip())
            current = []
        else:
            current.append(char)
        i += 1
    parts.append("".join(current).strip())
    return parts


def split_list(text: str) -> list[str]:
    return split_escaped(text, ";") if text.strip() else []


def split_entries(text: str, n_parts: int) -> list[list[str]]:
    """'a|b|c; d|e' -> [[a, b, c, ''...], [d, e, ''...]], each padded to n_parts."""
    if not text.strip():
        return []
    return [split_escaped(entry, "|") + [""] * n_parts for entry in split_escaped(text, ";", unescape=False)]


def defuse(value: str) -> str:
    return DEFUSE_MARK + value if value.startswith((*FORMULA_START, DEFUSE_MARK)) else value


def undefuse(value: str) -> str:
    if value.startswith(DEFUSE_MARK) and value[1:].startswith((*FORMULA_START, DEFUSE_MARK)):
        return value[1:]
    return value


# ---------------------------------------------------------------- writing


def event_row(event: Event, places: dict[str, Place]) -> dict[str, str]:
    """One event as a CSV row (every value a string)."""
    by_id = {s.id: s for s in event.sources}
    route = event.route
    length = f"{route_length_km(route_coords(places, route.waypoints)):.1f}" if route else ""
    return {
        "id": event.id,
        "kind": event.kind,
        "name": event.name,
        "date_start": event.date_start.isoformat(),
        "date_end": event.date_end.isoformat(),
        "participants": join_values(event.participants),
        "areas": join_values(event.areas),
        "route_waypoints": join_values(route.waypoints) if route else "",
        "route_provenance": route.provenance if route else "",
        "route_source_url": by_id[route.source].url if route and route.source in by_id else "",
        "route_length_km": length,
        "assets": "; ".join(
            join_values((a.country, a.type, "" if a.count is None else a.count, a.role), "|") for a in event.assets
        ),
        "incidents": "; ".join(
            join_values((i.kind, i.actor, i.place, i.date.isoformat() if i.date else ""), "|") for i in event.incidents
        ),
        "summary": event.summary,
        "disputed": join_values(name for name, _ in event.disputes),
        "source_producers": join_values(s.producer for s in event.sources),
        "source_titles": join_values(s.title for s in event.sources),
        "source_urls": join_values(s.url for s in event.sources),
        "source_dates_published": join_values(
            s.date_published.isoformat() if s.date_published else "" for s in event.sources
        ),
        "origin": event.origin,
    }


def events_csv(events: list[Event], places: dict[str, Place]) -> bytes:
    """The events as UTF-8 CSV with a header row of CSV_COLUMNS (with a BOM, so Excel reads
    the Cyrillic, Chinese and Japanese titles correctly; pandas strips it)."""
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=CSV_COLUMNS, lineterminator="\n")
    writer.writeheader()
    for event in events:
        writer.writerow({k: defuse(v) for k, v in event_row(event, places).items()})
    return ("\ufeff" + buf.getvalue()).encode("utf-8")


# ---------------------------------------------------------------- reading


@dataclass(frozen=True)
class CsvRecord:
    """One record of the file with the line it starts on: its cells, or, when it could not be
    read, the column it went wrong in (problem) and the start of that cell (value)."""

    line: int
    cells: list[str]
    problem: str = ""
    value: str = ""
    expected: str = ""


QUOTE_EXPECTED = 'a cell whose opening quote (") is closed; a quote inside a quoted cell is doubled ("")'


def read_csv(text: str) -> Iterator[CsvRecord]:
    """Every non-blank record of the text with the line it starts on (line 1 is the first).

    The first record is the header; its width is what later records are checked against. A
    record that fails to parse, or that runs over several lines and then has the wrong number
    of cells or swallows a whole row, is reported on its first line, and reading resumes on
    the line after it.
    """
    lines = LINE_BREAK.split(text)
    if lines and lines[-1] == "":
        lines.pop()
    start, header = 0, None
    while start < len(lines):
        reader = csv.reader((lines[k] + "\n" for k in range(start, len(lines))), strict=True)
        consumed = 0
        while True:
            first_line = start + consumed
            try:
                cells = next(reader)
            except StopIteration:
                return
            except csv.Error as exc:
                if "field larger than field limit" in str(exc):
                    yield _oversized_line(first_line + 1, lines[first_line])
                    start = first_line + 1
                    break
                cells = None
            span = reader.line_num - consumed
            consumed = reader.line_num
            if cells == [] or cells == [""]:
                continue
            header = header or cells
            if cells is None or (span > 1 and _swallowed(cells, len(header or ()))):
                yield _bad_line(first_line + 1, lines[first_line], header or [])
                start = first_line + 1
                break
            yield CsvRecord(first_line + 1, cells)


def _swallowed(cells: list[str], width: int) -> bool:
    """A multi-line record that took in what looks like other rows: wrong width, or a line inside
    a cell with as many commas as a whole row has."""
    if len(cells) != width:
        return True
    return any(line.count(",") >= width - 1 for cell in cells for line in LINE_BREAK.split(cell)[1:])


def _bad_line(number: int, line: str, header: list[str]) -> CsvRecord:
    """The line on its own: the column whose quoted cell never closes, or has text after its closing quote."""
    index = _bad_quote_cell(line)
    cells = next(csv.reader([line], strict=False), []) or [line]
    column = header[index] if index < len(header) else f"column {index + 1}"
    value = cells[min(index, len(cells) - 1)]
    return CsvRecord(number, [], problem=column, value=('"' + value)[:80], expected=QUOTE_EXPECTED)


def _oversized_line(number: int, line: str) -> CsvRecord:
    limit = csv.field_size_limit()
    return CsvRecord(number, [], "(cell size)", f"{len(line):,} characters", f"cells of at most {limit:,} characters")


def _bad_quote_cell(line: str) -> int:
    """Index of the first cell of the line that breaks CSV quoting (the last cell if none does)."""
    index, at_start, quoted, i = 0, True, False, 0
    while i < len(line):
        char = line[i]
        if quoted and char == '"':
            if line[i + 1 : i + 2] == '"':
                i += 1
            elif line[i + 1 : i + 2] not in ("", ","):
                return index
            else:
                quoted = False
        elif not quoted and char == ",":
            index, at_start = index + 1, True
            i += 1
            continue
        elif at_start and char == '"':
            quoted = True
        at_start = False
        i += 1
    return index


# ---------------------------------------------------------------- CSV rows -> record shape


def cell(row: dict, name: str) -> str:
    """A cell as text: pandas NaN is empty, 2.0 is 2, the defusing apostrophe is taken off."""
    value = row.get(name)
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return undefuse(str(value)).strip()


def events_from_csv_rows(rows: list[dict]) -> list[dict]:
    """Rows of an events CSV (csv.DictReader or DataFrame.to_dict('records')) -> raw event
    mappings in the YAML record shape, for load.parse_event to validate.

    Sources get ids s1, s2, ...; assets and incidents cite s1; route.source is the source
    whose url is route_source_url, else s1. Nothing is validated here: a bad value is passed
    on as it is, so that parse_event names it. Incidents have no description column; a fifth
    "|" part is read as one if present, else a placeholder says it was not given.
    """
    return [record_from_row(row) for row in rows]


def record_from_row(row: dict) -> dict:
    # csv read without utf-8-sig keeps the BOM on the first header; spreadsheets add spaces
    row = {str(k).lstrip("\ufeff").strip(): v for k, v in row.items()}
    sources = _sources(row)
    first = sources[0]["id"] if sources else "s1"
    raw: dict = {
        "id": cell(row, "id"),
        "kind": cell(row, "kind"),
        "name": cell(row, "name"),
        "date_start": cell(row, "date_start"),
        "date_end": cell(row, "date_end"),
        "participants": split_list(cell(row, "participants")),
        "areas": split_list(cell(row, "areas")),
        "sources": sources,
    }
    optional = {
        "route": _route(row, sources, first),
        "assets": _assets(row, first),
        "incidents": _incidents(row, first),
        "summary": cell(row, "summary"),
        "disputes": [{"field": name} for name in split_list(cell(row, "disputed"))],
    }
    raw.update({key: value for key, value in optional.items() if value})
    return raw


def _sources(row: dict) -> list[dict]:
    columns = [split_list(cell(row, name)) for name in ("source_producers", "source_titles", "source_urls")]
    published = split_list(cell(row, "source_dates_published"))
    producers, titles, urls = (values + [""] * max(map(len, columns)) for values in columns)
    return [
        {
            "id": f"s{i + 1}",
            "producer": producers[i],
            "title": titles[i],
            "url": urls[i],
            "date_published": (published[i] if i < len(published) else "") or None,
        }
        for i in range(max(map(len, columns)))
    ]


def _route(row: dict, sources: list[dict], first: str) -> dict | None:
    waypoints = split_list(cell(row, "route_waypoints"))
    if not waypoints:
        return None
    url = cell(row, "route_source_url")
    cited = next((s["id"] for s in sources if url and s["url"] == url), first)
    return {"waypoints": waypoints, "provenance": cell(row, "route_provenance"), "source": cited}


def _count(text: str) -> object:
    if re.fullmatch(r"\d+", text):
        return int(text)
    return None if text == "" else text


def _assets(row: dict, first: str) -> list[dict]:
    return [
        {"country": country, "type": kind, "count": _count(count), "role": role, "source": first}
        for country, kind, count, role, *_ in split_entries(cell(row, "assets"), 4)
    ]


def _incidents(row: dict, first: str) -> list[dict]:
    return [
        {
            "kind": kind,
            "actor": actor,
            "place": place or None,
            "date": day or None,
            "description": description or NO_DESCRIPTION,
            "source": first,
        }
        for kind, actor, place, day, description, *_ in split_entries(cell(row, "incidents"), 5)
    ]
