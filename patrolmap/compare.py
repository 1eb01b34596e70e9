"""Events side by side: the table of differences the Compare page shows, in words.

Rows: dates, duration, assets per side, areas, straits transited, responders, incidents, and
each claim field with what each source claims; a disputed value carries "⚠ disputed".
"""

from __future__ import annotations

from collections import defaultdict
from html import escape
from urllib.parse import quote

from patrolmap import words
from patrolmap.filters import responders
from patrolmap.gazetteer import straits_on_route
from patrolmap.schema import Event, Place

COMPARE_PAGE = "Compare"
DISPUTED = f"{words.DISPUTED_MARK} disputed"
ROW_LABEL = "Compared"
SAME = "same"
DIFFERS = "differs"


def compare_url(ids, base: str = "") -> str:
    """The Compare page's address for these events: '/Compare?events=a,b' (base: the app's URL)."""
    ids = [i for i in dict.fromkeys(ids) if i]
    return f"{base.rstrip('/')}/{COMPARE_PAGE}?events=" + quote(",".join(ids), safe=",")


def _dates(event: Event) -> str:
    if event.date_end == event.date_start:
        return f"{event.date_start:%-d %b %Y}"
    days = (event.date_end - event.date_start).days + 1
    return f"{event.date_start:%-d %b %Y} to {event.date_end:%-d %b %Y} ({days} days)"


def _duration(event: Event) -> str:
    if event.duration_hours is None:
        return words.NOT_REPORTED
    return f"{words.count(event.duration_hours)} hours"


def _assets(event: Event) -> str:
    sides: dict[str, list[str]] = defaultdict(list)
    for asset in event.assets:
        name = f" {asset.name}" if getattr(asset, "name", None) else ""
        role = words.role(asset.role).casefold()
        if asset.count is None:
            sides[asset.country].append(f"{asset.type}{name} ({role}, number not reported)")
        else:
            sides[asset.country].append(f"{words.count(asset.count)} {asset.type}{name} ({role})")
    if not sides:
        return "no source names the assets"
    return "; ".join(f"{words.country(c)}: {', '.join(items)}" for c, items in sides.items())


def _incidents(event: Event) -> str:
    if not event.incidents:
        return "none recorded"
    counts: dict[tuple[str, str], int] = defaultdict(int)
    for incident in event.incidents:
        counts[(incident.kind, incident.actor)] += 1
    return "; ".join(
        f"{words.incident(kind)} by {words.country(actor)}" + (f" (×{n})" if n > 1 else "")
        for (kind, actor), n in counts.items()
    )


def _claims(event: Event, name: str) -> str:
    disputed = {f for f, _ in event.disputes}
    claims = [c for c in event.claims if c.field == name]
    if not claims:
        return "—"
    producers = {s.id: s.producer for s in event.sources}
    parts = [f"{words.value(c.value)} ({producers.get(c.source, c.source)})" for c in claims]
    text = "; ".join(parts)
    if name in disputed:
        notes = [note for f, note in event.disputes if f == name and note]
        text = f"{DISPUTED}: {text}" + (f". {notes[0]}" if notes else "")
    return text


def difference_rows(events: list[Event], places: dict[str, Place]) -> tuple[list[str], list[dict]]:
    """(column labels, rows) of the table of differences: one column per event (its label), a
    first column naming the row and a last saying whether the events differ on it."""
    columns = [f"{e.name} ({e.date_start:%b %Y})" for e in events]
    # Two events with the same name and month still get their own column.
    columns = [c if columns.count(c) == 1 else f"{c} [{e.id}]" for c, e in zip(columns, events, strict=True)]

    def straits(event: Event) -> str:
        if event.route is None:
            return "no route described"
        return ", ".join(straits_on_route(places, event.route.waypoints)) or "none named"

    def areas(event: Event) -> str:
        return ", ".join(places[p].name if p in places else p for p in event.areas)

    def responded(event: Event) -> str:
        return words.countries(sorted(responders(event), key=words.country)) or "none recorded"

    rows_spec = [
        ("Kind", lambda e: words.kind(e.kind)),
        ("Dates", _dates),
        ("Duration", _duration),
        ("Participants", lambda e: words.countries(e.participants)),
        ("Assets per side (as reported)", _assets),
        ("Aircraft (reported total)", lambda e: _count_cell(e, "aircraft_total", ("ship", "submarine"), True)),
        ("Ships (reported total)", lambda e: _count_cell(e, "ships_total", ("ship", "submarine"), False)),
        ("Areas", areas),
        ("Straits transited", straits),
        ("Responded or reported", responded),
        ("Incidents", _incidents),
    ]
    fields = list(dict.fromkeys(c.field for e in events for c in e.claims))
    for name in fields:
        rows_spec.append((f"Claims: {words.field(name)}", lambda e, n=name: _claims(e, n)))
    rows = []
    for label, cell in rows_spec:
        values = [cell(e) for e in events]
        row = {ROW_LABEL: label, **dict(zip(columns, values, strict=True))}
        row["Same or different"] = SAME if len(set(values)) == 1 else DIFFERS
        rows.append(row)
    return [ROW_LABEL, *columns, "Same or different"], rows


def _count_cell(event: Event, claim_field: str, roles: tuple[str, ...], exclude: bool) -> str:
    counts = [a.count for a in event.assets if (a.role in roles) != exclude and a.count is not None]
    own = sum(counts) if counts else None
    disputed = claim_field in {f for f, _ in event.disputes}
    return words.claimed_count(own, event.claims, claim_field, disputed)


TABLE_STYLE = (
    "<style>table.compare{border-collapse:collapse;width:100%;font-size:0.9rem}"
    "table.compare th,table.compare td{border:1px solid #ddd;padding:4px 8px;vertical-align:top;text-align:left}"
    "table.compare th{background:#f4f4f4}table.compare td.row{font-weight:600;white-space:nowrap}"
    "table.compare tr.differs td.same{color:#555}table.compare td.mark{color:#b35806}</style>"
)


def difference_html(columns: list[str], rows: list[dict]) -> str:
    """The table of differences as an HTML table; every cell escaped (record text is untrusted),
    so it can be shown with st.html and wraps long text, which a dataframe cell cannot."""
    head = "".join(f"<th>{escape(c)}</th>" for c in columns)
    body = []
    for row in rows:
        cells = []
        for n, name in enumerate(columns):
            value = str(row.get(name, ""))
            cls = "row" if n == 0 else ("mark" if words.DISPUTED_MARK in value else "")
            cells.append(f'<td class="{cls}">{escape(value)}</td>')
        body.append(f'<tr class="{escape(row.get("Same or different", ""))}">{"".join(cells)}</tr>')
    return f'{TABLE_STYLE}<table class="compare"><thead><tr>{head}</tr></thead><tbody>{"".join(body)}</tbody></table>'
