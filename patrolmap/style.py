"""How the map looks: colours, line patterns, incident symbols, display text and legend entries.

A leaf: it reads only the schema's vocabularies, so every renderer (live map, HTML export,
PNG/SVG snapshot, GeoJSON) can import it without importing each other. Text made here is plain
(unescaped); each renderer escapes it for its own medium.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from patrolmap.schema import COUNTRIES, INCIDENT_LABELS, KIND_LABELS, PROVENANCES, Event

SEA_COLOR = "#dbe7f0"
LAND_STYLE = {"fillColor": "#f4f1ea", "color": "#9a9a8f", "weight": 0.6, "fillOpacity": 1.0}

# Route colour says who flew or sailed it; line pattern says what kind of event it was;
# line strength says how well the route is known.
PARTICIPANT_COLORS = {
    "CHN+RUS": "#b2182b",
    "CHN+IRN+RUS": "#1a7a4c",
}
OTHER_COLOR = "#5b4a8b"
UPLOAD_COLOR = "#e08214"
KIND_DASH = {
    "air_patrol": None,
    "naval_patrol": "10 6",
    "submarine_patrol": "10 4 2 4",
    "coast_guard_patrol": "6 3",
    "exercise": "2 6",
}
KIND_WEIGHT = dict.fromkeys(KIND_DASH, 3)
DEFAULT_WEIGHT = 3
# Opacity by route provenance: a route digitised from a published map is drawn solid, one
# reconstructed from text lighter, a schematic one (only the areas are known) faint.
PROVENANCE_OPACITY = {"map": 0.95, "text": 0.8, "schematic": 0.5}
SELECTED_OPACITY = 1.0
DIMMED_OPACITY = 0.2  # the other routes, while one is hovered or selected (live map only)
AREA_COLOR = "#2c7fb8"

# One shape and one colour per incident kind (glyph for the web, matplotlib marker for snapshots).
INCIDENT_SYMBOLS = {
    "adiz_entry": ("▲", "#d95f02"),
    "scramble": ("✈", "#1f78b4"),
    "intercept": ("◆", "#6a3d9a"),
    "airspace_violation": ("✖", "#e31a1c"),
    "landing": ("▼", "#33a02c"),
    "warning_shots": ("✸", "#b15928"),
    "protest": ("■", "#555555"),
    "tracking": ("●", "#1b9e9e"),
    "other": ("•", "#888888"),
}
INCIDENT_MARKERS = {
    "adiz_entry": "^",
    "scramble": ">",
    "intercept": "D",
    "airspace_violation": "X",
    "landing": "v",
    "warning_shots": "*",
    "protest": "s",
    "tracking": "o",
    "other": ".",
}
INCIDENT_SHORT = {
    "adiz_entry": "ADIZ entry",
    "scramble": "Scramble",
    "intercept": "Intercept",
    "airspace_violation": "Airspace violation",
    "landing": "Landing abroad",
    "warning_shots": "Warning shots",
    "protest": "Protest",
    "tracking": "Tracking",
    "other": "Other incident",
}
HOTSPOT_STYLE = {"color": "#6a3d9a", "weight": 1, "fillColor": "#6a3d9a", "fillOpacity": 0.3}
LEG_WEIGHT = (1.5, 9.0)  # pixels, for the least and the most used leg
HOTSPOT_RADIUS = (3.0, 14.0)

# Role -> symbol on asset badges (short text symbols readable in every font).
ROLE_SYMBOLS = {
    "bomber": "B",
    "fighter": "F",
    "aew": "AEW",
    "tanker": "T",
    "reconnaissance": "R",
    "transport": "Tr",
    "helicopter": "H",
    "ship": "⚓",
    "submarine": "S",
    "other": "•",
}
ROLE_NAMES = {
    "bomber": "bomber",
    "fighter": "fighter",
    "aew": "early warning",
    "tanker": "tanker",
    "reconnaissance": "reconnaissance",
    "transport": "transport",
    "helicopter": "helicopter",
    "ship": "surface ship",
    "submarine": "submarine",
    "other": "support / other",
}
UNKNOWN_COUNT = "?"

# Place-name labels by kind: the zoom from which each shows, and its look.
# Seas and straits first: they are what patrol reports name; also the order they win a collision.
LABEL_MIN_ZOOM = {"sea": 3, "strait": 3, "country": 3, "island": 4}
LABEL_CLASSES = {"country": "country", "sea": "sea", "island": "island", "strait": "strait"}
LABEL_SNAPSHOT = {  # font size (pt), colour, italic
    "country": (7.5, "#6b6b60", False),
    "sea": (7.0, "#1d4e6e", True),
    "island": (6.0, "#55554d", False),
    "strait": (5.5, "#1d4e6e", True),
}


@lru_cache(maxsize=1024)
def participants_key(codes) -> str:
    return "+".join(sorted(codes))


def side_key(event: Event) -> str:
    """The colour group of an event: its participants, or 'upload' for the analyst's own events."""
    return "upload" if event.origin == "upload" else participants_key(tuple(event.participants))


def side_color(side: str) -> str:
    if side == "upload":
        return UPLOAD_COLOR
    return PARTICIPANT_COLORS.get(side, OTHER_COLOR)


def route_color(event: Event) -> str:
    return side_color(side_key(event))


def route_style(event: Event, selected: bool = False) -> dict:
    """Colour by participants, dash by kind, opacity by provenance; the selected route heavier."""
    weight = KIND_WEIGHT.get(event.kind, DEFAULT_WEIGHT) * (2 if selected else 1)
    provenance = event.route.provenance if event.route is not None else "text"
    opacity = SELECTED_OPACITY if selected else PROVENANCE_OPACITY.get(provenance, 0.8)
    style = {"color": route_color(event), "weight": weight, "opacity": opacity}
    if KIND_DASH.get(event.kind):
        style["dashArray"] = KIND_DASH[event.kind]
    return style


def area_style(count: int, max_count: int) -> dict:
    """Areas used by more patrols in the filter are shaded darker."""
    share = count / max_count if max_count else 0
    return {
        "fillColor": AREA_COLOR,
        "color": AREA_COLOR,
        "weight": 1,
        "fillOpacity": round(0.12 + 0.45 * share, 3),
        "dashArray": "4 4",
    }


def point_area_style() -> dict:
    """A strait or other point area of an event that has no route: a ring marker."""
    return {"color": AREA_COLOR, "weight": 2, "fillColor": AREA_COLOR, "fillOpacity": 0.35, "radius": 7}


SHARE_STEPS = 12


def leg_style(side: str, share: float) -> dict:
    """An aggregated leg, thicker and stronger the larger its share of the busiest leg's use, in
    SHARE_STEPS steps (finer differences cannot be seen; each step is one more style sent)."""
    share = round(share * SHARE_STEPS) / SHARE_STEPS
    return {
        "color": side_color(side),
        "weight": round(LEG_WEIGHT[0] + (LEG_WEIGHT[1] - LEG_WEIGHT[0]) * share, 1),
        "opacity": round(0.35 + 0.55 * share, 2),
    }


def hotspot_radius(share: float) -> float:
    share = round(share * SHARE_STEPS) / SHARE_STEPS
    return round(HOTSPOT_RADIUS[0] + (HOTSPOT_RADIUS[1] - HOTSPOT_RADIUS[0]) * share, 1)


class Text(str):
    """A line of display text made of parts (names, numbers, fixed words). It is the joined
    string wherever text is read; the live map sends the parts through its string table, so a
    place name or a phrase repeated across hundreds of rows travels once."""

    parts: tuple[str, ...]

    def __new__(cls, *parts: str) -> Text:
        text = super().__new__(cls, "".join(parts))
        text.parts = parts
        return text


def kind_label(kind: str) -> str:
    return KIND_LABELS.get(kind, kind.replace("_", " ").capitalize())


def event_label(event: Event) -> str:
    """'2019-07-23 · Air patrol · First joint ...', unescaped (in parts, so the live map sends a
    date or a kind once for all the events that share it)."""
    return Text(str(event.date_start), " · ", kind_label(event.kind), " · ", event.name)


SHORT_NAME_CHARS = 30
_FILLER_WORDS = ("joint ", "strategic ", "Joint ", "Strategic ")


def short_name(event: Event) -> str:
    """The event's name without 'joint'/'strategic', cut to a route label's length."""
    name = event.name
    for word in _FILLER_WORDS:
        name = name.replace(word, "")
    name = name.strip() or event.name
    return name if len(name) <= SHORT_NAME_CHARS else name[: SHORT_NAME_CHARS - 1].rstrip() + "…"


def route_label(event: Event) -> str:
    """What a route says along its line: 'Second air patrol · 2020-12-22' (in parts)."""
    return Text(short_name(event), " · ", str(event.date_start))


def side_label(event: Event) -> str:
    if event.origin == "upload":
        return "your uploaded events"
    return " + ".join(COUNTRIES.get(c, c) for c in event.participants)


def assets_text(event: Event) -> str:
    """'RUS: 2 Tu-95MS; CHN: 2 H-6K', unescaped."""
    by_country: dict[str, list[str]] = {}
    for asset in event.assets:
        count = f"{asset.count} " if asset.count is not None else ""
        by_country.setdefault(asset.country, []).append(f"{count}{asset.type}")
    return "; ".join(f"{c}: {', '.join(items)}" for c, items in by_country.items())


BADGE_ITEMS_PER_SIDE = 3  # more assets than this on one side are summed per role
BADGE_TYPE_CHARS = 16  # and so are a side's assets when a type name is longer (ships' classes and names)


def badge_parts(event: Event) -> list[tuple[str, str, str]]:
    """(country, role symbol, '2× Tu-95MS') per asset, counts '?' where no source gives one. A side
    that sent more than BADGE_ITEMS_PER_SIDE types, or a type with a long name, is summed per role
    ('6× surface ship', '3+×' when some counts are not reported), so a badge stays one short line."""
    by_country: dict[str, list] = {}
    for asset in event.assets:
        by_country.setdefault(asset.country, []).append(asset)
    parts = []
    for country, assets in by_country.items():
        if len(assets) <= BADGE_ITEMS_PER_SIDE and all(len(a.type) <= BADGE_TYPE_CHARS for a in assets):
            for asset in assets:
                count = UNKNOWN_COUNT if asset.count is None else f"{asset.count:,}"
                parts.append((country, ROLE_SYMBOLS.get(asset.role, "•"), f"{count}× {asset.type}"))
            continue
        roles: dict[str, list] = {}
        for asset in assets:
            roles.setdefault(asset.role, []).append(asset.count)
        for role, counts in roles.items():
            known = sum(c for c in counts if c is not None)
            count = UNKNOWN_COUNT if not known else f"{known:,}" + ("+" if None in counts else "")
            parts.append((country, ROLE_SYMBOLS.get(role, "•"), f"{count}× {ROLE_NAMES.get(role, role)}"))
    return parts


def badge_text(event: Event) -> str:
    """'RUS 2× Tu-95MS, 1× A-50 · CHN 4× H-6K': what each side sent."""
    by_country: dict[str, list[str]] = {}
    for country, _, text in badge_parts(event):
        by_country.setdefault(country, []).append(text)
    return " · ".join(f"{c} {', '.join(items)}" for c, items in by_country.items())


# The last tooltip line of a route on the live map, where a click opens the event's card; the
# exports have no card, so the model's notes leave it out and render_live gives it to the app's map.
CARD_HINT = "Click or press Enter for the event card"


def route_event_lines(event: Event) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """(lines, notes) of a route's tooltip but its length line (route_length_line): the first line
    is its title, notes are set in italics."""
    lines = [event_label(event), side_label(event) if event.origin != "upload" else _participants(event)]
    if event.assets:
        lines.append(assets_text(event))
    notes = ("Uploaded by you, not curated",) if event.origin == "upload" else ()
    return tuple(lines), notes


def route_length_line(length_km: float, provenance: str) -> str:
    return Text("Route ~", f"{length_km:,.0f}", " km, ", PROVENANCES.get(provenance, provenance))


def _participants(event: Event) -> str:
    return " + ".join(COUNTRIES.get(c, c) for c in event.participants)


def tally_parts(counts: list[tuple[int, str]]) -> tuple[str, ...]:
    """'18 air patrols, 4 naval patrols' as parts: each count and each label a part of its own."""
    parts: list[str] = []
    for n, label in counts:
        parts += [", ", f"{n:,}", f" {label}"] if parts else [f"{n:,}", f" {label}"]
    return tuple(parts)


def area_tooltip_lines(name: str, count: int) -> tuple[tuple[str, ...], tuple[str, ...]]:
    events = Text(f"{count:,}", f" event{'s' if count != 1 else ''} in the filter")
    return (name, events), ("Outline approximate",)


def leg_tooltip_lines(name_a: str, name_b: str, n: int, kinds: list[tuple[int, str]], side_label: str) -> tuple:
    """An aggregated leg: its ends, how many events fly it (per kind), which side flies it most."""
    return (
        Text(name_a, " ↔ ", name_b),
        Text(f"{n:,}", " events on this leg: ", *tally_parts([(m, f"{kind_label(k).lower()}s") for m, k in kinds])),
        f"Mostly {side_label}",
    )


def hotspot_tooltip_lines(name: str, n: int, kinds: list[tuple[str, int]]) -> tuple:
    """A place's incidents in the aggregated view, most frequent kind first."""
    return (name, Text(f"{n:,}", " incidents: ", *tally_parts([(m, INCIDENT_SHORT.get(k, k)) for k, m in kinds])))


def badge_count_lines(name: str, n: int) -> tuple:
    return (name, Text(f"{n:,}", " events with reported aircraft or ships"))


def incident_lines(event: Event) -> tuple[tuple[tuple[str, ...], str, str], ...]:
    """Per incident of the event, what its tooltip says but where: (title and responder lines,
    its date, its description); incident_place_line adds the place."""
    out = []
    for incident in event.incidents:
        actor = COUNTRIES.get(incident.actor, incident.actor)
        head = [f"{INCIDENT_LABELS.get(incident.kind, incident.kind)} ({actor})"]
        responder = getattr(incident, "responder", None) or ""
        if responder and responder != incident.actor:
            head.append(f"Responder: {COUNTRIES.get(responder, responder)}")
        out.append((tuple(head), str(incident.date or event.date_start), incident.description))
    return tuple(out)


def incident_place_line(when: str, place_name: str) -> str:
    return Text(when, " · ", place_name)


@dataclass(frozen=True)
class LegendEntry:
    """One line of the legend: how it is drawn (swatch) and what it means (label)."""

    key: str  # what the model's features carry, so a legend lists only what is drawn
    swatch: str  # line | dash | opacity | area | symbol | arrow | leg | hotspot | label | badge
    label: str
    color: str = "#444"
    dash: str | None = None
    symbol: str = ""
    opacity: float = 1.0


# Incident markers drawn as one with their count (markercluster live, grouped in the snapshot).
INCIDENT_GROUP_ENTRY = LegendEntry("incident_group", "group", "Incidents close together: how many")


SIDE_LABELS = {
    "CHN+RUS": "Russia + China",
    "CHN+IRN+RUS": "Russia + China + Iran",
    "upload": "Uploaded by you (not curated)",
}


def legend_entries(keys) -> list[LegendEntry]:
    """The legend's entries for the style keys present in a model, in a fixed order."""
    keys = set(keys)
    entries = []
    for side in sorted(k[5:] for k in keys if k.startswith("side:")):
        entries.append(
            LegendEntry(
                f"side:{side}", "line", f"Route: {SIDE_LABELS.get(side, 'Other participants')}", side_color(side)
            )
        )
    for kind in KIND_DASH:
        if f"kind:{kind}" in keys:
            entries.append(LegendEntry(f"kind:{kind}", "dash", kind_label(kind), dash=KIND_DASH[kind]))
    for provenance, opacity in PROVENANCE_OPACITY.items():
        if f"provenance:{provenance}" in keys:
            label = f"Route {PROVENANCES[provenance].split(':')[0]}"
            entries.append(LegendEntry(f"provenance:{provenance}", "opacity", label, opacity=opacity))
    if "arrow" in keys:
        entries.append(LegendEntry("arrow", "arrow", "Direction of travel", symbol="➤"))
    if "leg" in keys:
        entries.append(LegendEntry("leg", "leg", "Aggregated leg: thicker = more events"))
    if "area" in keys:
        entries.append(
            LegendEntry("area", "area", "Patrol area: darker = more events (outline approximate)", AREA_COLOR)
        )
    if "point_area" in keys:
        entries.append(
            LegendEntry("point_area", "hotspot", "Strait or point area of an event with no route", AREA_COLOR)
        )
    for kind, (symbol, color) in INCIDENT_SYMBOLS.items():
        if f"incident:{kind}" in keys:
            entries.append(LegendEntry(f"incident:{kind}", "symbol", INCIDENT_SHORT[kind], color, symbol=symbol))
    if "hotspot" in keys:
        entries.append(LegendEntry("hotspot", "hotspot", "Incidents at a place: larger = more", HOTSPOT_STYLE["color"]))
    if "badge" in keys:
        entries.append(LegendEntry("badge", "badge", "Aircraft and ships sent (? = not reported)"))
    if "badge_count" in keys:
        entries.append(LegendEntry("badge_count", "badge", "Events at a place (zoom in for what each sent)"))
    return entries
