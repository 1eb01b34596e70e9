"""The only module that imports streamlit: cached loaders, shared sidebar, URL state."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path
from urllib.parse import urlparse

import streamlit as st
from streamlit.errors import StreamlitPageNotFoundError
from streamlit_folium import st_folium

# Imported here, once, not inside functions: Streamlit runs sessions in threads, and two threads
# importing modules lazily at the same time can be handed a half-initialised module
# ("cannot import name 'st_folium'", seen under 20 concurrent users in benchmarks/load_test.py).
from patrolmap import captions, cards, charts, compare, export, load, maps, search, share, words, workers
from patrolmap.filters import Filters, analysis_frame, filter_events, filter_options
from patrolmap.geocode import locate
from patrolmap.schema import COUNTRIES
from patrolmap.upload import MAX_UPLOAD_MB, UploadResult, parse_upload
from patrolmap.viewstate import (
    ViewState,
    parse_view,
    public_base,
    public_permalink,
    shown_value,
    unmatched_messages,
    view_to_params,
)

MAP_KEY = "patrol_map"
LAYOUT_KEY = "map_layout"
CARD_KEY = "event_card"
# The map page's layout, in CSS because only the browser knows the window: the map fills the
# window's height below the title (whole at 1280x720, so a click never scrolls the page to bring
# the frame into view); from 1500 px wide an open card sits beside the map and scrolls on its own
# (with no card the map takes the full width); narrower, the open card floats over the map's right side.
MAP_HEIGHT_CSS = "clamp(360px, calc(100vh - 172px), 980px)"
MAP_PAGE_CSS = f"""<style>
[data-testid=stMainBlockContainer]{{padding-top:3.4rem;padding-bottom:2rem}}
[data-testid=stMainBlockContainer] h1{{padding:0 0 .1rem 0;font-size:2.1rem}}
.st-key-{LAYOUT_KEY} iframe[title="streamlit_folium.st_folium"]{{height:{MAP_HEIGHT_CSS} !important}}
@media (min-width:1500px){{
  .st-key-{LAYOUT_KEY} [data-testid=stColumn]:last-child{{max-height:{MAP_HEIGHT_CSS};overflow-y:auto}}
  .st-key-{LAYOUT_KEY} [data-testid=stHorizontalBlock]:not(:has(.st-key-{CARD_KEY})){{flex-wrap:wrap}}
  .st-key-{LAYOUT_KEY} [data-testid=stHorizontalBlock]:not(:has(.st-key-{CARD_KEY})) > [data-testid=stColumn]{{
    flex:1 1 100% !important;width:100% !important;min-width:100%}}
}}
@media (max-width:1499.98px){{
  .st-key-{LAYOUT_KEY} [data-testid=stHorizontalBlock]{{flex-wrap:wrap}}
  .st-key-{LAYOUT_KEY} [data-testid=stColumn]{{flex:1 1 100% !important;width:100% !important;min-width:100%}}
  .st-key-{CARD_KEY}{{position:fixed;top:3.9rem;right:1.2rem;width:min(480px,46vw);max-height:calc(100vh - 5rem);
    overflow-y:auto;z-index:999;background:var(--st-background-color,#fff);box-shadow:0 4px 18px rgba(0,0,0,.28)}}
}}
</style>"""
LOG = logging.getLogger(__name__)
# Uploads this large or larger are parsed in the worker process (see _read_upload); smaller ones
# parse in well under 0.1 s, less than the trip to the worker.
WORKER_MIN_BYTES = 256 * 1024
COMPARE_PAGE_FILE = "pages/6_Compare.py"
APP_DIR = Path(__file__).resolve().parent.parent
# (script relative to app.py, label, icon); a page that is not there is not linked.
NAV_PAGES = (  # Material Symbols: Streamlit serves the font itself, where emoji need a font the machine may lack
    ("app.py", "Home", ":material/home:"),
    ("pages/1_Map.py", "Map", ":material/map:"),
    ("pages/2_Timeline.py", "Timeline", ":material/calendar_month:"),
    ("pages/3_Events.py", "Events", ":material/table_rows:"),
    ("pages/4_Aircraft_and_ships.py", "Aircraft and ships", ":material/flight:"),
    ("pages/5_About_the_data.py", "About the data", ":material/info:"),
    ("pages/6_Compare.py", "Compare events", ":material/compare_arrows:"),
    ("pages/7_Add_from_a_release.py", "Add from a release", ":material/newspaper:"),
)


@st.cache_resource(show_spinner="Loading and checking data/ ...")
def load_dataset() -> load.Dataset:
    """Read and validate data/ once per server process; filter changes never reload it."""
    return load.load_dataset()


def place_search(places) -> tuple[float, float] | None:
    """Sidebar 'go to a place': the offline gazetteer; Nominatim only when the analyst allows it."""
    st.sidebar.header("Go to a place")
    name = st.sidebar.text_input("Sea, strait, island or city", key="w_place", placeholder="e.g. Miyako Strait")
    online = st.sidebar.checkbox(
        "Allow online geocoding",
        key="w_online_geocode",
        help="Sends the name to OpenStreetMap Nominatim (at most one request per second, cached on disk). "
        "Off by default: nothing leaves this machine.",
    )
    if not name.strip():
        return None
    located = locate(name, places, online=online)
    if located.message:
        (st.sidebar.info if located.place else st.sidebar.warning)(cards.md_escape(located.message))
    if located.place is None:
        return None
    st.sidebar.caption(f"Centred on {cards.md_escape(located.place.name)} ({cards.md_escape(located.source)}).")
    return (located.place.lat, maps.display_lon(located.place.lon))


@st.cache_resource
def _curated_index() -> search.SearchIndex:
    """The search text of the curated events, built once per server process."""
    dataset = load_dataset()
    return search.build_index(
        dataset.events, dataset.places, dataset.catalogue, getattr(dataset, "ships", None), dataset.aliases
    )


@st.cache_resource
def _curated_frame() -> load.pd.DataFrame:
    return analysis_frame(load_dataset().events, _curated_index())


def search_index() -> search.SearchIndex:
    """The search index of what this session works with (curated plus any included upload)."""
    upload = _included_upload()
    if upload is None or not upload.events:
        return _curated_index()
    key = ("upload_index", st.session_state.get("upload_key"))
    if st.session_state.get("upload_index_key") != key:
        dataset = load_dataset()
        own = search.build_index(
            upload.events, {**dataset.places, **upload.places}, dataset.catalogue, None, dataset.aliases
        )
        st.session_state["upload_index"] = own
        st.session_state["upload_index_key"] = key
    # Merged without building any event's texts: snippets build those of the rows shown.
    return search.merged(_curated_index(), st.session_state["upload_index"])


def load_frame() -> load.pd.DataFrame:
    """The events frame of what this session works with: curated data plus any upload it includes,
    built once per upload (every rerun reads it; rebuilding took seconds at 10,000 uploaded events)."""
    upload = _included_upload()
    if upload is None or not upload.events:
        return _curated_frame()
    key = ("upload_frame", st.session_state.get("upload_key"))
    if st.session_state.get("upload_frame_key") != key:
        own = analysis_frame(upload.events, search_index())
        st.session_state["upload_frame"] = load.pd.concat([_curated_frame(), own], ignore_index=True)
        st.session_state["upload_frame_key"] = key
    return st.session_state["upload_frame"]


def current_dataset() -> load.Dataset:
    """The curated dataset, with this session's uploaded events and places overlaid when included."""
    dataset = load_dataset()
    upload = _included_upload()
    if upload is None or not upload.events:
        return dataset
    return replace(dataset, events=dataset.events + upload.events, places={**dataset.places, **upload.places})


def _included_upload():
    upload = st.session_state.get("upload")
    return upload if upload is not None and st.session_state.get("include_upload", True) else None


def page_setup(title: str) -> load.Dataset:
    # An emoji favicon is drawn locally; a ":material/...:" one is fetched from Google Fonts.
    st.set_page_config(page_title=f"{title} · Russia–China joint patrols", page_icon="🛩️", layout="wide")
    render_navigation()
    dataset = load_dataset()
    show_data_errors(dataset.errors)
    render_upload(dataset)
    return current_dataset()


def render_navigation() -> None:
    """The sidebar's page links, with titles in words ("Home", not the file name "app")."""
    for path, label, icon in NAV_PAGES:
        if not (APP_DIR / path).exists():
            continue
        try:
            st.sidebar.page_link(path, label=label, icon=icon)
        except StreamlitPageNotFoundError:
            break  # a single page run on its own (AppTest.from_file) has no other pages to link


def render_upload(dataset: load.Dataset) -> None:
    """Sidebar: analysts overlay their own events (CSV as exported, YAML, GeoJSON); data/ never changes.

    The upload lives in the session, not in the file widget, so it stays across pages until the
    analyst removes it.
    """
    with st.sidebar.expander("Your own events (overlay)", expanded="upload" in st.session_state):
        file = st.file_uploader(
            "CSV (same columns as the CSV export), YAML or GeoJSON",
            type=["csv", "yaml", "yml", "geojson", "json"],
            key="w_upload",
            max_upload_size=MAX_UPLOAD_MB,
            help=f"At most {MAX_UPLOAD_MB} MB. Checked like the curated data; nothing is saved.",
        )
        if file is not None:
            content = file.getvalue()
            key = (file.name, len(content), hash(content))
            if st.session_state.get("upload_key") != key:
                st.session_state["upload_key"] = key
                st.session_state["upload_name"] = file.name
                st.session_state["upload"] = _read_upload(file.name, content, dataset)
        upload = st.session_state.get("upload")
        if upload is None:
            return
        st.session_state["w_include_upload"] = st.session_state.get("include_upload", True)
        st.toggle(
            "Include my events in map, charts and exports",
            key="w_include_upload",
            on_change=lambda: st.session_state.update(include_upload=st.session_state["w_include_upload"]),
        )
        st.text(f"{len(upload.events)} event(s) from {st.session_state.get('upload_name', 'your file')}, in orange.")
        st.button("Remove my events", key="w_remove_upload", on_click=_remove_upload)
        for note in upload.notes[:20]:
            st.caption(cards.md_escape(note))
        if len(upload.notes) > 20:
            st.caption(f"… and {len(upload.notes) - 20} more simplified.")
    if upload.errors:
        with st.expander(f"⚠️ Your upload: {len(upload.errors)} problem(s); those rows were not loaded", expanded=True):
            st.dataframe(_error_rows(upload.errors), hide_index=True, width="stretch")


def _read_upload(name: str, content: bytes, dataset: load.Dataset) -> UploadResult:
    """The upload parsed: a large file in the worker process (patrolmap/workers.py), so other
    analysts' runs do not wait behind it and a parser crash cannot end the server; a small one
    here, faster than the trip. parse_upload never raises on content; should it fail anyway, the
    analyst gets one clear problem row and the traceback goes to the server log, never to the page."""
    workers.warm()  # the next large upload finds the worker started
    curated = frozenset(e.id for e in dataset.events)
    try:
        if len(content) < WORKER_MIN_BYTES:
            return parse_upload(name, content, dataset.places, curated_ids=curated)
        return workers.run(parse_upload, name, content, dataset.places, curated_ids=curated)
    except workers.WorkerFailed as failed:
        LOG.error("reading the upload %r in the worker failed: %s", name, failed)
        return _unreadable(name, f"could not be read: {failed}", "a file the reader can handle")
    except Exception:  # noqa: BLE001 - no traceback on the page
        LOG.exception("reading the upload %r failed", name)
        return _unreadable(name, "could not be read", "a file the reader can handle (see the server log)")


def _unreadable(name: str, value: str, expected: str) -> UploadResult:
    """An upload that gave no result: one problem row naming the file."""
    return UploadResult(errors=[load.DataError(str(name)[:120], "file", "(file)", value, expected)])


def _remove_upload() -> None:
    for key in ("upload", "upload_key", "upload_name", "include_upload"):
        st.session_state.pop(key, None)


def show_data_errors(errors: list[load.DataError]) -> None:
    """A banner listing every rejected record; nothing is dropped silently."""
    if not errors:
        return
    with st.expander(f"⚠️ {len(errors)} problem(s) in the data: those records were not loaded", expanded=True):
        st.dataframe(_error_rows(errors), hide_index=True, width="stretch")


def _error_rows(errors: list[load.DataError]) -> list[dict]:
    return [
        {"file": e.file, "record": e.record, "field": e.field, "value": e.value_text, "expected": e.expected}
        for e in errors
    ]


def _query_view() -> ViewState:
    """The view named by the URL, remembered for this session once read."""
    if "view" not in st.session_state:
        view, problems = parse_view(st.query_params.to_dict(), maps.BASEMAPS)
        st.session_state["view"] = view
        st.session_state["view_problems"] = problems
    return st.session_state["view"]


@dataclass(frozen=True)
class _ListFilter:
    """A sidebar multiselect over one list filter: the Filters and ViewState field it sets (its
    widget key is w_<field>), its options from filters.filter_options."""

    field: str
    label: str
    placeholder: str
    format_func: Callable = str
    help: str | None = None


def _country_label(code: str) -> str:
    return f"{COUNTRIES.get(code, code)} ({code})"


# In sidebar order; the years slider stands between the first and the others.
LIST_FILTERS = (
    _ListFilter("kinds", "Kind", "All kinds", words.kind),
    _ListFilter(
        "year_set",
        "Only these years",
        "Every year in the range",
        help="Pick single years to show together, e.g. 2019 and 2024.",
    ),
    _ListFilter("countries", "Country took part", "All countries", _country_label),
    _ListFilter(
        "responders",
        "Responded or reported",
        "Any country",
        _country_label,
        help="Countries that scrambled, intercepted, tracked, protested or fired warning shots, "
        "or whose statement a source carries.",
    ),
    _ListFilter("incidents", "Incidents", "Any or none", words.incident),
)


def sidebar_filters(
    frame, show_basemap: bool = False, show_search: bool = True, compare_page: bool = False
) -> tuple[Filters, ViewState]:
    """Sidebar filters whose state lives in the URL; returns the filters and the view."""
    view = _query_view()
    sidebar = st.sidebar
    _address_messages(sidebar, view, frame)
    years_all = (int(frame["year"].min()), int(frame["year"].max())) if len(frame) else (2019, date.today().year)
    sidebar.header("Filters")
    options = filter_options(frame)
    picked = {"kinds": _list_filter(sidebar, LIST_FILTERS[0], options, view)}
    years = _years_slider(sidebar, view, years_all)
    picked |= {spec.field: _list_filter(sidebar, spec, options, view) for spec in LIST_FILTERS[1:]}
    dates = _date_range_input(sidebar, frame, view.dates)
    text = _search_box(sidebar, view) if show_search else view.q
    basemap, playback = _basemap_controls(sidebar, view) if show_basemap else (view.basemap, view.playback)
    filters = Filters(
        years=None if tuple(years) == years_all else tuple(years),
        text=text.strip(),
        dates=dates,
        **{name: tuple(sorted(values) if name == "year_set" else values) for name, values in picked.items()},
    )
    view = replace(
        view,
        years=filters.years,
        **{name: getattr(filters, name) for name in picked},
        q=filters.text,
        basemap=basemap,
        dates=dates,
        playback=playback,
        requested_basemap="" if basemap != maps.BASEMAPS[0] else view.requested_basemap,
        events=view.events if compare_page else (),
    )
    remember_view(view)
    render_share_link()
    return filters, view


def _address_messages(sidebar, view: ViewState, frame) -> None:
    """What the address asked for and could not be shown, once per session (as opened)."""
    # Messages about the address are plain text: the value in them is shortened and neutralised,
    # and escaped again here, so a crafted link can neither fetch nor plant a link.
    if "view_unmatched" not in st.session_state:  # about the address as opened, kept for the session
        st.session_state["view_unmatched"] = unmatched_messages(view, frame)
    for problem in [*st.session_state.get("view_problems", []), *st.session_state["view_unmatched"]]:
        sidebar.warning(cards.md_escape(problem))


def _list_filter(sidebar, spec: _ListFilter, options: dict[str, list], view: ViewState) -> list:
    offered = options[spec.field]
    return sidebar.multiselect(
        spec.label,
        offered,
        default=[v for v in getattr(view, spec.field) if v in offered],
        format_func=spec.format_func,
        key=f"w_{spec.field}",
        placeholder=spec.placeholder,
        help=spec.help,
    )


def _years_slider(sidebar, view: ViewState, years_all: tuple[int, int]) -> tuple[int, int]:
    """The span of years, clipped to the data's; no slider when the data holds one year."""
    years = view.years or years_all
    years = (max(years[0], years_all[0]), min(years[1], years_all[1]))
    if years[0] > years[1]:
        years = years_all
    if years_all[0] < years_all[1]:
        follow_data_span("w_years", years_all)
        initial = {} if "w_years" in st.session_state else {"value": years}
        years = sidebar.slider("Years", years_all[0], years_all[1], key="w_years", **initial)
    return years


def _search_box(sidebar, view: ViewState) -> str:
    if "w_text" not in st.session_state:
        st.session_state["w_text"] = view.q
    return sidebar.text_input(
        "Search everything",
        key="w_text",
        placeholder="e.g. NORAD, Alaska, Tu-95, intercept",
        help="Names, summaries, incidents, claims, sources, places (any language) and asset types; "
        "every word must match.",
    )


def _basemap_controls(sidebar, view: ViewState) -> tuple[str, bool]:
    """Basemap and playback. An online basemap the link asked for waits for the analyst's yes."""
    sidebar.header("Basemap")
    if view.requested_basemap in maps.BASEMAPS and "w_basemap" not in st.session_state:
        sidebar.info(
            f"The link you opened asks for online tiles ({shown_value(view.requested_basemap)[1:-1]}); "
            "the map stays offline until you switch."
        )
        if sidebar.button("Switch to online tiles?", key="w_accept_online"):
            st.session_state["w_basemap"] = view.requested_basemap
    basemap = sidebar.selectbox(
        "Basemap",
        maps.BASEMAPS,
        index=maps.BASEMAPS.index(view.basemap) if view.basemap in maps.BASEMAPS else 0,
        key="w_basemap",
        help="The offline basemap needs no internet. Online tiles load from their provider.",
    )
    if basemap != maps.BASEMAPS[0]:
        sidebar.caption("Online tiles are requested from the provider; offline networks show no tiles.")
    playback = sidebar.toggle(
        "Playback: time slider on the map",
        value=view.playback,
        key="w_playback",
        help="Routes and incidents appear on their start date; press play or drag the slider.",
    )
    return basemap, playback


def compare_ids() -> tuple[list[str], list[str]]:
    """The event ids the Compare page shows, read from the address on every run (a link from a card
    or the Events table lands here within the session), and the messages about them."""
    raw = st.query_params.get("events", "")
    view, problems = parse_view({"events": raw} if raw else {})
    st.session_state["view"] = replace(st.session_state.get("view", ViewState()), events=view.events)
    return list(view.events), problems


def _date_range_input(sidebar, frame, chosen: tuple[date, date] | None) -> tuple[date, date] | None:
    """A date range narrower than the years; None when it spans everything (the default)."""
    if frame.empty:
        return None
    first, last = frame["date_start"].min().date(), frame["date_end"].max().date()
    value = chosen or (first, last)
    value = (max(value[0], first), min(value[1], last))
    follow_data_span("w_dates", (first, last))
    initial = {} if "w_dates" in st.session_state else {"value": value}
    picked = sidebar.date_input("Dates", min_value=first, max_value=last, key="w_dates", format="YYYY-MM-DD", **initial)
    if not isinstance(picked, (tuple, list)) or len(picked) != 2:
        return chosen  # the analyst has picked only the first day so far
    picked = (picked[0], picked[1])
    return None if picked == (first, last) else picked


def follow_data_span(key: str, span: tuple) -> None:
    """A range widget left at the whole span follows the span when the data grows or shrinks (an
    upload dated after the curated events must not be hidden by a filter the analyst never set);
    one the analyst narrowed is clipped to the new span."""
    before = st.session_state.get(f"{key}_span")
    st.session_state[f"{key}_span"] = span
    value = st.session_state.get(key)
    if before is None or before == span or value is None:
        return
    value = tuple(value)
    if value == tuple(before):
        st.session_state[key] = span
    elif len(value) == 2:
        low, high = max(value[0], span[0]), min(value[1], span[1])
        st.session_state[key] = (low, high) if low <= high else span


def browser_zoom_center(view: ViewState) -> ViewState:
    """The view with the zoom and centre the address holds now. The map writes them there as the
    analyst pans (no rerun); every rerun sends the browser's address, so they are read back here
    and a filter change does not overwrite them with the ones the page opened at."""
    sent = {k: v for k, v in st.query_params.to_dict().items() if k in ("zoom", "center")}
    if not sent:
        return view
    read, problems = parse_view(sent, maps.BASEMAPS)
    if problems:
        return view
    return replace(view, zoom=read.zoom, center=read.center)


def remember_view(view: ViewState) -> None:
    """Write the view into the URL so the address reopens it."""
    view = browser_zoom_center(view)
    st.session_state["view"] = view
    params = view_to_params(view)
    if params != st.query_params.to_dict():
        st.query_params.from_dict(params)


def filtered(frame, filters: Filters):
    return filter_events(frame, filters)


def map_layout():
    """(map column, card panel column) of the Map page, with the CSS that places them; the same
    two columns on every run, so the map's frame is never rebuilt when a card opens."""
    st.html(MAP_PAGE_CSS)
    with st.container(key=LAYOUT_KEY):
        return st.columns([5, 3], gap="small")


def open_event(view: ViewState) -> str:
    """The id of the event whose card is open: the event picker's, else the address's."""
    return st.session_state.get("w_event", view.event) or ""


def render_map(
    events, places, view: ViewState, height: int = 560, zoom=None, center=None, narrowed: bool = False
) -> dict | None:
    """The map, its data layers updated in place so the analyst's pan and zoom survive filter changes.

    Only a click on a feature reruns the app (returned_objects); panning and zooming do not.
    zoom/center (from the URL's zoom= and center=LAT,LON) give the view it opens at. narrowed:
    the filter leaves some events out; a map opened so, with no view in the address, opens fitted
    to the shown events (a link that names a filter opens on its results).
    """
    key = f"{MAP_KEY}-{view.basemap}-{view.playback}"
    # A click is in the component's state before the map is drawn: apply it first, so the
    # event it selects is the one highlighted in this very run.
    apply_map_click(st.session_state.get(key))
    selected = open_event(view)
    zoom, center = _opening_view(key, view, zoom, center)
    # Built fresh each run: st_folium adds the layers to the map object it is given.
    # The time slider sits where the legend does: in playback the legend starts folded.
    # The view it opens at goes in st_folium's zoom and center, not in the base map (see live_map):
    # the map writes its view into the address on every pan, and the next rerun reads it.
    target = place_search(places)
    base, layers, _ = maps.live_map(
        events,
        places,
        view.basemap,
        selected=selected,
        legend_open=not view.playback,
        playback=view.playback,
        open_fitted=narrowed and zoom is None and center is None and not target,
    )
    # The address may name a view (zoom=6&center=35,135); a place the analyst looks up wins.
    center = target or center
    return st_folium(
        base,
        center=center,
        zoom=5 if target else zoom,
        key=key,
        height=height,
        use_container_width=True,
        feature_group_to_add=layers,
        layer_control=maps.folium.LayerControl(collapsed=True),
        returned_objects=["last_active_drawing"],
    )


def _opening_view(key: str, view: ViewState, zoom, center) -> tuple:
    """The zoom and centre the map opens at, held while it stays on the page: streamlit-folium
    re-centres the map whenever these change, which would undo the analyst's pan (and a fit to the
    results) on every rerun. A map mounted anew (page opened, basemap or playback switched) opens
    at the view the address holds now."""
    latest = st.session_state.get("view", view)
    wanted = (
        zoom if zoom is not None else latest.zoom,
        tuple(center) if center is not None else latest.center,
    )
    held = st.session_state.get("map_opening")
    if key not in st.session_state or held is None or held[0] != key:
        held = (key, wanted)
        st.session_state["map_opening"] = held
    return held[1]


def render_share_link() -> None:
    """A "copy link to this view" box in the sidebar: the address as the analyst sees it, with the
    map's zoom and centre (on PATROLMAP_PUBLIC_URL when the deployer set one)."""
    with st.sidebar:
        st.caption("Share this view")
        st.iframe(share.share_box_html(public_base(), current_page()), height=92)


def clicked_event(result: dict | None) -> tuple[str, list[str]]:
    """(event id, area event ids) of the feature the analyst last clicked."""
    feature = (result or {}).get("last_active_drawing") or {}
    props = feature.get("properties") or {}
    return str(props.get("event_id", "")), list(props.get("event_ids", []))


def render_card(card: cards.Card, event_id: str = "") -> None:
    """The event card. Every record text goes through md_escape or a dataframe cell."""
    esc = cards.md_escape
    st.subheader(esc(card.title))
    st.caption(esc(card.subtitle))
    if event_id:
        render_compare_link([event_id], label="Compare this event with others")
    if card.summary:
        st.markdown(esc(card.summary))
    if card.firsts:
        st.markdown("**Firsts:** " + "; ".join(esc(f) for f in card.firsts))
    left, right = st.columns(2)
    with left:
        st.markdown("**Assets per side** (as reported)")
        if card.assets:
            st.dataframe(_worded_rows(card.assets), hide_index=True, width="stretch")
        else:
            st.caption("No source names the assets.")
    with right:
        st.markdown("**Route**")
        if card.route:
            st.markdown(esc(card.route["waypoints"]))
            st.markdown(
                f"Distance along the waypoints: **~{card.route['length_km']:,} km** (geodesic, "
                "computed from approximate waypoints)  \n"
                f"Straits transited: {esc(', '.join(card.route['straits']) or 'none named')}  \n"
                f"Geometry: {esc(card.route['provenance'])}"
            )
            if card.route["note"]:
                st.caption(esc(card.route["note"]))
        else:
            st.caption(esc(card.no_route or "No source describes a route; only the areas are shown."))
    if card.claims:
        st.markdown("**What each source claims**" + (" · ⚠ sources disagree" if card.disputes else ""))
        st.dataframe(_worded_rows(card.claims), hide_index=True, width="stretch")
        for dispute in card.disputes:
            st.warning(f"Disputed {esc(words.field(dispute['field']).casefold())}: {esc(dispute['note'])}")
    if card.incidents:
        st.markdown("**Incidents and responses**")
        st.dataframe(card.incidents, hide_index=True, width="stretch")
    if card.unknown:
        st.caption("Looked for and not found in any source: " + esc(", ".join(card.unknown)))
    st.markdown("**Sources**")
    for source in card.sources:
        title, note = words.source_title(_SourceView(source))
        line = cards.md_link(title, source["url"])
        kind = words.SOURCE_KIND_WORDS.get(source["kind"], source["kind"])
        st.markdown(
            f"- {esc(source['producer'])}: {line} · published {esc(source['published'])}"
            f" · accessed {esc(source['accessed'] or 'not recorded')} · {esc(kind)}"
            + (f"  \n  _{esc(note)}_" if note else "")
        )


class _SourceView:
    """A card's source row with the attributes words.source_title reads."""

    def __init__(self, row: dict):
        self.title = row.get("title")
        self.note = row.get("note")
        self.producer = row.get("producer", "")
        published = row.get("published")
        self.date_published = _Day(published) if published and published != "unknown" else None


class _Day(str):
    def isoformat(self) -> str:
        return str(self)


# Card table columns in words (cards.py gives codes and Python values; the hostile helper owns it).
CARD_COLUMNS = {
    "field": "Field",
    "value": "Value",
    "source": "Source",
    "note": "Note",
    "conflict": "Disputed",
    "country": "Country",
    "type": "Type",
    "count": "Count",
    "role": "Role",
}


def _worded_rows(rows: list[dict]) -> list[dict]:
    out = []
    for row in rows:
        worded = {}
        for name, value in row.items():
            if name == "field":
                value = words.field(value)
            elif name == "role":
                value = words.role(value)
            elif name == "count":
                value = words.count(value)
            elif value is None:
                value = words.NOT_REPORTED
            worded[CARD_COLUMNS.get(name, name)] = value
        out.append(worded)
    return out


def render_compare_link(ids, label: str = "Compare") -> None:
    """A link to the Compare page with these events (from a card or the Events table)."""
    ids = [i for i in dict.fromkeys(ids) if i]
    try:
        st.page_link(
            COMPARE_PAGE_FILE,
            label=label,
            icon=":material/compare_arrows:",
            query_params={"events": ",".join(ids)},
        )
    except StreamlitPageNotFoundError:
        # The page runs alone (AppTest, or an app laid out without pages/): a plain relative link.
        st.markdown(f"[{cards.md_escape(label)}]({compare.compare_url(ids).lstrip('/')})")


def events_by_id(ids) -> list:
    """Event records for the ids, in the frame's order."""
    index = {e.id: e for e in current_dataset().events}
    return [index[i] for i in ids if i in index]


def apply_map_click(result) -> None:
    """A new click on the map selects its event (an area: its latest event); the same click seen
    again changes nothing, so the picker can still choose another event."""
    clicked, area_events = clicked_event(result)
    if (clicked, tuple(area_events)) != st.session_state.get("last_click"):
        st.session_state["last_click"] = (clicked, tuple(area_events))
        if clicked:
            st.session_state["w_event"] = clicked
        elif area_events:
            st.session_state["w_event"] = area_events[-1]


def render_selection(result, view: ViewState, dataset: load.Dataset, events: list) -> None:
    """Event picker fed by map clicks, the events of a clicked shared area to choose from, and the
    chosen event's card (in the card panel: beside the map on wide screens, over it otherwise)."""
    apply_map_click(result)
    clicked, area_events = clicked_event(result)
    ids = [e.id for e in events]
    by_id = {e.id: e for e in events}
    if st.session_state.get("w_event") not in ["", *ids]:
        st.session_state["w_event"] = view.event if view.event in ids else ""
    if "w_event" not in st.session_state:
        st.session_state["w_event"] = view.event if view.event in ids else ""
    chosen = st.selectbox(
        "Event card: click a route, area or marker on the map, or pick an event",
        ["", *ids],
        format_func=lambda i: maps.event_label(by_id[i]) if i else "—",
        key="w_event",
    )
    remember_view(replace(view, event=chosen))
    area_choice = [i for i in area_events if i in by_id] if not clicked else []
    if st.session_state.get("card_closed_click") == st.session_state.get("last_click"):
        area_choice = []  # closed by the analyst: the same click does not reopen it
    if not chosen and len(area_choice) < 2:
        return
    with st.container(key=CARD_KEY, border=True):
        st.button("✕ Close card", key="w_close_card", on_click=_close_card, help="Close the event card")
        if len(area_choice) > 1:
            render_area_choice(result, area_choice, by_id)
        if chosen:
            render_card(cards.event_card(by_id[chosen], dataset.places), chosen)


def render_area_choice(result, area_ids: list[str], by_id: dict) -> None:
    """A clicked area used by several events: its events as a list to choose from, latest first."""
    props = ((result or {}).get("last_active_drawing") or {}).get("properties") or {}
    area = str(props.get("area_id", ""))
    place = current_dataset().places.get(area)
    name = place.name if place is not None else "this area"
    key = f"w_area_pick-{area}-{len(area_ids)}"
    options = list(reversed(area_ids))
    if key not in st.session_state or st.session_state[key] not in options:
        current = st.session_state.get("w_event")
        st.session_state[key] = current if current in options else options[0]
    st.radio(
        f"{len(area_ids)} events used {name} (approximate area): choose one",
        options,
        format_func=lambda i: maps.event_label(by_id[i]),
        key=key,
        on_change=lambda: st.session_state.update(w_event=st.session_state[key]),
    )


def _close_card() -> None:
    st.session_state["w_event"] = ""
    st.session_state["card_closed_click"] = st.session_state.get("last_click")


def current_page() -> str:
    """The page's path in the app ('Map', 'Compare'; '' for Home), from the browser's address."""
    url = getattr(st.context, "url", None) or ""
    return urlparse(url).path.strip("/").split("/")[-1] if url else ""


def permalink(view: ViewState) -> str:
    """The address that reopens this view on the public base URL the deployer set
    (PATROLMAP_PUBLIC_URL); '' when none is set, so an export never prints 127.0.0.1."""
    return public_permalink(view, current_page())


def _caption(title: str, events: list, filters: Filters, view: ViewState, open_event: str = "") -> captions.Caption:
    return captions.caption_for(title, events, filters, load_dataset().meta, permalink(view), open_event=open_event)


def _guarded(build, what: str):
    """A deferred download: built on click; a failure is reported as a text file saying why."""

    def run():
        try:
            return build()
        except Exception as exc:  # noqa: BLE001 - the analyst must learn why, not get a blank file
            LOG.exception("the %s export failed", what)
            return f"The {what} export failed: {type(exc).__name__}: {exc}\n".encode()

    return run


def render_chart(chart, key: str, events: list, filters: Filters, view: ViewState) -> None:
    """A chart with PNG (2x) and SVG downloads that carry their own caption; a click on a Timeline
    bar opens that event's card."""
    if key == "timeline":
        state = st.altair_chart(chart, width="stretch", on_select="rerun", key="timeline_pick")
        picked = charts.picked_event(state)
        by_id = {e.id: e for e in events}
        if picked in by_id:
            with st.container(border=True):
                render_card(cards.event_card(by_id[picked], current_dataset().places), picked)
    else:
        st.altair_chart(chart, width="stretch")
    own = chart.title if isinstance(chart.title, str) else key
    caption = _caption(export.chart_title(captions.view_title(filters, events), own), events, filters, view)
    size, with_caption = export_options()
    formats = (("PNG", "png", "image/png", export.chart_png), ("SVG", "svg", "image/svg+xml", export.chart_svg))
    for column, (label, ext, mime, build) in zip(st.columns([1, 1, 4])[:2], formats, strict=True):
        column.download_button(
            label,
            _guarded(lambda b=build: b(chart, caption, size=size, with_caption=with_caption), f"chart {label}"),
            file_name=export.export_filename(f"chart-{key}", filters, ext=ext),
            mime=mime,
            on_click="ignore",
            key=f"{ext}-{key}",
            icon=":material/download:",
        )


EXPORTS = [
    # (label, kind, extension, mime, builder(events, places, caption))
    ("Map PNG", "map", "png", "image/png", lambda e, p, c: export.map_png(e, p, c)),
    ("Map SVG", "map", "svg", "image/svg+xml", lambda e, p, c: export.map_svg(e, p, c)),
    ("Interactive map (HTML)", "map", "html", "text/html", lambda e, p, c: export.map_html(e, p, c)),
    ("Events CSV", "events", "csv", "text/csv", lambda e, p, c: export.events_csv(e, p)),
    (
        "Events GeoJSON",
        "events",
        "geojson",
        "application/geo+json",
        lambda e, p, c: export.events_geojson_with_provenance(e, p, c, load_dataset().meta),
    ),
    ("Records YAML", "events", "yaml", "application/yaml", lambda e, p, c: export.events_yaml(e, p, c)),
]


EXPORT_SHAPES = {"default": "Screen (as shown)", "16:9": "Slide 16:9", "4:3": "Slide 4:3"}


def export_options() -> tuple[str, bool]:
    """The chart export shape and whether the caption goes on the image (sidebar, all pages)."""
    shape = st.session_state.get("w_export_shape", "default")
    return (shape if shape in EXPORT_SHAPES else "default"), not st.session_state.get("w_caption_off", False)


def render_export_options() -> None:
    st.radio("Image shape", list(EXPORT_SHAPES), format_func=EXPORT_SHAPES.get, key="w_export_shape", horizontal=True)
    st.checkbox(
        "Leave the caption off the images (it comes as caption.txt in the bundle)",
        key="w_caption_off",
        help="So a slide can be cropped without losing the sources: paste the caption beside the image.",
    )
    if not permalink(st.session_state.get("view", ViewState())):
        st.caption(
            "No public address is set for this app, so exports print no link to the view "
            "(the deployer sets PATROLMAP_PUBLIC_URL)."
        )


def render_exports(events: list, filters: Filters, view: ViewState, charts: dict | None = None) -> None:
    """Downloads of the current view; each file carries the caption, citation and permalink."""
    dataset = current_dataset()
    # The event whose card is open goes into the map exports as it is on the map: heavier, with its badge.
    caption = _caption(captions.view_title(filters, events), events, filters, view, open_event=open_event(view))
    with st.expander("⬇️ Export this view (map, data, report bundle)", expanded=False):
        st.caption(
            f"Every file carries a caption: filter ({cards.md_escape(filters.describe())}), data version, "
            "sources and the link to this view. Built offline on this server."
        )
        render_export_options()
        size, with_caption = export_options()
        columns = st.columns(len(EXPORTS))
        for column, (label, kind, ext, mime, build) in zip(columns, EXPORTS, strict=True):
            column.download_button(
                label,
                _guarded(lambda b=build: b(events, dataset.places, caption), label),
                file_name=export.export_filename(kind, filters, ext=ext),
                mime=mime,
                on_click="ignore",
                key=f"export-{kind}-{ext}",
            )
        st.download_button(
            "Full dataset CSV (all events, no filter)",
            _guarded(lambda: export.events_csv(dataset.events, dataset.places), "full CSV"),
            file_name=export.export_filename("all-events", None, ext="csv"),
            mime="text/csv",
            on_click="ignore",
            key="export-all-csv",
        )
        if st.button("Build report bundle (ZIP of everything above, with a README and citation)", key="bundle"):
            bar = st.progress(0.0, text="Starting...")
            try:
                files = export.report_files(
                    events,
                    dataset.events,
                    dataset.places,
                    caption,
                    charts or {},
                    filters,
                    progress=lambda name, i, n: bar.progress(i / n, text=f"Built {name} ({i}/{n})"),
                    meta=load_dataset().meta,
                    size=size,
                    with_caption=with_caption,
                )
                st.session_state["bundle_zip"] = (view_to_params(view), export.report_bundle(files, caption))
                bar.progress(1.0, text=f"Done: {len(files)} files")
            except Exception as exc:  # noqa: BLE001 - a message on the page, the traceback in the log
                LOG.exception("the report bundle failed")
                st.error(cards.md_escape(f"The report bundle could not be built: {type(exc).__name__}: {exc}"))
        built = st.session_state.get("bundle_zip")
        if built and built[0] == view_to_params(view):  # a bundle built for another view is not offered
            st.download_button(
                "Download report bundle (ZIP)",
                built[1],
                file_name=export.export_filename("report", filters, ext="zip"),
                mime="application/zip",
                key="export-bundle",
            )


def render_event_map(event, places, key: str, height: int = 340) -> None:
    """One event on a small map fitted to it, drawn by the same functions as the Map page's map
    (maps.base_map and maps.build_layers with a one-event list): the Compare page's maps."""
    base = maps.base_map(legend_open=False)
    for layer in maps.build_layers([event], places, selected=event.id):
        layer.add_to(base)
    bounds = export.data_bounds([event], places)
    if bounds is not None:
        lon_min, lon_max, lat_min, lat_max = bounds
        base.fit_bounds([[lat_min - 1, lon_min - 1.5], [lat_max + 1, lon_max + 1.5]])
    st_folium(base, key=key, height=height, use_container_width=True, returned_objects=[])


def render_compare(dataset: load.Dataset) -> None:
    """The Compare page: the events in the address (?events=ID,ID) side by side, a small map each
    and the table of differences; the picker changes them and the address follows."""
    st.title("Compare events")
    ids, problems = compare_ids()
    for problem in problems:
        st.warning(cards.md_escape(problem))
    by_id = {e.id: e for e in dataset.events}
    unknown = [i for i in ids if i not in by_id]
    for event_id in unknown:
        st.warning(cards.md_escape(f"{event_id} is not an event in the data; it is left out."))
    options = [e.id for e in dataset.events]
    chosen = st.multiselect(
        "Events to compare (two to six)",
        options,
        default=[i for i in ids if i in by_id],
        format_func=lambda i: maps.event_label(by_id[i]),
        max_selections=6,
        key="w_compare",
    )
    if chosen != ids:
        st.query_params["events"] = ",".join(chosen)
    if len(chosen) < 2:
        st.info("Pick two or more events to compare, or open this page from an event card or the Events table.")
        if not chosen:
            return
    events = [by_id[i] for i in chosen]
    for column, event in zip(st.columns(len(events)), events, strict=True):
        with column:
            # One short line above each map, so the maps line up; the name goes under it.
            st.markdown(f"**{event.date_start:%-d %b %Y} · {cards.md_escape(words.kind(event.kind))}**")
            render_event_map(event, dataset.places, key=f"compare-map-{event.id}")
            st.caption(cards.md_escape(event.name))
    st.subheader("Differences")
    st.caption("Each row in words; ⚠ marks values the sources dispute. Counts are as reported.")
    columns, rows = compare.difference_rows(events, dataset.places)
    st.html(compare.difference_html(columns, rows))
