"""Offline front-end assets for folium maps (no CDN, no network).

The files live in ``static/vendor/`` (made by ``scripts/vendor_assets.py``, listed with their
checksums and licences in ``static/vendor/MANIFEST.json``). Streamlit serves ``./static/`` at
``/app/static/`` when ``server.enableStaticServing = true``.

Typical use::

    from patrolmap import assets

    assets.use_local_assets()             # once, before building maps
    m = folium.Map(tiles=None, max_zoom=10, ...)
    assets.IconPath().add_to(m)           # default marker icons from the vendored images
    ...
    st_folium(m, ...)                     # every script/link now points at /app/static/vendor
    html = assets.standalone_html(m)      # one self-contained file for "download map"

Only these folium classes are switched to local files (the ones the app uses):
``folium.Map`` (Leaflet + jQuery — folium popups need ``$``), ``MarkerCluster`` (and
``FastMarkerCluster``, which inherits it), ``Timeline``/``TimelineSlider``,
``PolyLineTextPath``, ``Fullscreen``, and this module's ``PolylineDecorator``.
``GeoJson``, ``GeoJsonTooltip``, ``GeoJsonPopup``, ``Marker``, ``PolyLine``, ``Popup``,
``Tooltip``, ``FeatureGroup``, ``LayerControl`` and ``DivIcon`` need no files of their own.

Dropped from ``folium.Map``: bootstrap, glyphicons, font-awesome and Leaflet.awesome-markers.
They are needed only by ``folium.Icon`` (and ``BeautifyIcon``): don't use those; use
``folium.DivIcon`` or the default marker. Other plugins (HeatMap, AntPath, Draw, ...),
``TopoJson`` and branca colormaps/legends still point to CDNs: :func:`remote_urls` finds them.

Notes:
* ``Timeline`` is not a ``JSCSSMixin`` in folium 0.20, so its script tags come only from a
  ``TimelineSlider`` on the same map: always add one.
* With ``tiles=None`` give the map a ``max_zoom``, or MarkerCluster throws.

This module must not import streamlit.
"""

from __future__ import annotations

import base64
import json
import logging
import mimetypes
import re
from collections.abc import Iterable
from functools import lru_cache
from html.parser import HTMLParser
from pathlib import Path

import folium
from branca.element import MacroElement
from folium import plugins
from folium.elements import JSCSSMixin
from folium.template import Template

LOG = logging.getLogger(__name__)

STATIC_URL = "/app/static/vendor"
# The map's own JavaScript (static/js/), served beside the vendored files.
JS_URL = "/app/static/js"
JS_DIR = Path(__file__).resolve().parent.parent / "static" / "js"
VENDOR_DIR = Path(__file__).resolve().parent.parent / "static" / "vendor"
MANIFEST_PATH = VENDOR_DIR / "MANIFEST.json"

# Paths under VENDOR_DIR (see scripts/vendor_assets.py)
LEAFLET_JS = "leaflet-1.9.3/leaflet.js"
LEAFLET_CSS = "leaflet-1.9.3/leaflet.css"
LEAFLET_IMAGES = "leaflet-1.9.3/images/"
JQUERY_JS = "jquery-3.7.1/jquery.min.js"
MARKERCLUSTER_JS = "leaflet.markercluster-1.1.0/leaflet.markercluster.js"
MARKERCLUSTER_CSS = "leaflet.markercluster-1.1.0/MarkerCluster.css"
MARKERCLUSTER_DEFAULT_CSS = "leaflet.markercluster-1.1.0/MarkerCluster.Default.css"
TIMELINE_JS = "leaflet.timeline-1.6.0/leaflet.timeline.js"
MOMENT_JS = "moment-2.18.1/moment.min.js"
TEXTPATH_JS = "leaflet-textpath-1.2.3/leaflet.textpath.js"
DECORATOR_JS = "leaflet-polylinedecorator-1.6.0/leaflet.polylineDecorator.js"
FULLSCREEN_JS = "leaflet.fullscreen-3.0.0/Control.FullScreen.js"
FULLSCREEN_CSS = "leaflet.fullscreen-3.0.0/Control.FullScreen.css"

# The live map's scripts, in the order they run, served as one file: streamlit-folium loads a map
# frame's scripts one after another, a round trip each before the map can draw. The bundle is
# written by scripts/build_map_bundle.py; a test keeps the committed one current, and
# map_scripts() links the parts instead while an edited part has not been built into it yet.
MAP_BUNDLE = JS_DIR / "map.bundle.js"
MAP_BUNDLE_PARTS = (
    VENDOR_DIR / LEAFLET_JS,
    VENDOR_DIR / TEXTPATH_JS,
    VENDOR_DIR / MARKERCLUSTER_JS,
    JS_DIR / "patrolmap.js",
)

# Default marker images as Leaflet names them (L.Icon.Default options).
_DEFAULT_ICON_FILES = ("marker-icon.png", "marker-icon-2x.png", "marker-shadow.png")


class PolylineDecorator(JSCSSMixin, MacroElement):
    """Arrow heads along a folium PolyLine (Leaflet.PolylineDecorator 1.6.0), e.g. to show
    the direction of a route. Add it to the same map/feature group as the line::

        line = folium.PolyLine(coords).add_to(group)
        PolylineDecorator(line, repeat="80px", color="#c00").add_to(group)
    """

    _template = Template(
        """
        {% macro script(this, kwargs) %}
            var {{ this.get_name() }} = L.polylineDecorator(
                {{ this.polyline.get_name() }},
                {patterns: [{
                    offset: {{ this.offset|tojson }},
                    repeat: {{ this.repeat|tojson }},
                    symbol: L.Symbol.arrowHead({
                        pixelSize: {{ this.pixel_size|tojson }},
                        polygon: {{ this.filled|tojson }},
                        pathOptions: {{ this.path_options|tojson }}
                    })
                }]}
            ).addTo({{ this._parent.get_name() }});
        {% endmacro %}
        """
    )

    default_js = [("polylinedecorator", f"{STATIC_URL}/{DECORATOR_JS}")]

    def __init__(
        self,
        polyline,
        offset="50%",
        repeat="100px",
        pixel_size=10,
        filled=True,
        color="#333",
        weight=1,
        opacity=1.0,
        fill_opacity=1.0,
    ):
        super().__init__()
        self._name = "PolylineDecorator"
        self.polyline = polyline
        self.offset = offset
        self.repeat = repeat
        self.pixel_size = pixel_size
        self.filled = filled
        self.path_options = {
            "stroke": True,
            "color": color,
            "weight": weight,
            "opacity": opacity,
            "fill": filled,
            "fillColor": color,
            "fillOpacity": fill_opacity,
        }


def _plan(base: str) -> dict[type, tuple[list[tuple[str, str]], list[tuple[str, str]] | None]]:
    """class -> (default_js, default_css or None to leave it alone). Names are folium's,
    so that links from several elements are still de-duplicated by name."""
    u = lambda rel: f"{base}/{rel}"  # noqa: E731
    timeline_js = [("timeline", u(TIMELINE_JS)), ("moment", u(MOMENT_JS))]
    return {
        folium.Map: (
            [("leaflet", u(LEAFLET_JS)), ("jquery", u(JQUERY_JS))],
            [("leaflet_css", u(LEAFLET_CSS))],
        ),
        plugins.MarkerCluster: (
            [("markerclusterjs", u(MARKERCLUSTER_JS))],
            [("markerclustercss", u(MARKERCLUSTER_CSS)), ("markerclusterdefaultcss", u(MARKERCLUSTER_DEFAULT_CSS))],
        ),
        plugins.Timeline: (timeline_js, None),
        plugins.TimelineSlider: (timeline_js, None),
        plugins.PolyLineTextPath: ([("polylinetextpath", u(TEXTPATH_JS))], None),
        plugins.Fullscreen: (
            [("Control.Fullscreen.js", u(FULLSCREEN_JS))],
            [("Control.FullScreen.css", u(FULLSCREEN_CSS))],
        ),
        PolylineDecorator: ([("polylinedecorator", u(DECORATOR_JS))], None),
    }


# folium's own lists, so the switch can be undone (tests, or a map meant for the web).
_CDN_DEFAULTS = {
    cls: (
        list(cls.__dict__.get("default_js", [])),
        list(cls.__dict__.get("default_css", [])),
        "default_css" in cls.__dict__,
    )
    for cls in _plan(STATIC_URL)
}


def use_local_assets(base_url: str = STATIC_URL) -> None:
    """Point folium.Map and the plugin classes we use at the vendored files under base_url.

    Sets class attributes (fresh lists each time: folium's ``add_js_link`` mutates them in
    place), so it affects every map rendered afterwards, and calling it again is harmless.
    """
    base = base_url.rstrip("/")
    for cls, (js, css) in _plan(base).items():
        cls.default_js = list(js)
        if css is not None:
            cls.default_css = list(css)


def use_cdn_assets() -> None:
    """Undo :func:`use_local_assets`: folium's original CDN links."""
    for cls, (js, css, had_css) in _CDN_DEFAULTS.items():
        cls.default_js = list(js)
        if had_css:
            cls.default_css = list(css)


def icon_path_script(base_url: str = STATIC_URL) -> str:
    """JS that makes Leaflet's default marker icon load from the vendored images."""
    path = f"{base_url.rstrip('/')}/{LEAFLET_IMAGES}"
    return f"if (window.L && L.Icon && L.Icon.Default) {{ L.Icon.Default.imagePath = {json.dumps(path)}; }}"


class IconPath(MacroElement):
    """Sets ``L.Icon.Default.imagePath`` to the vendored Leaflet images.

    Without it Leaflet guesses the path, and under st_folium (which adds leaflet.css only
    after the map script has run) it guesses ``.../leaflet-1.9.3marker-icon.png``: default
    markers 404 (seen in a browser). ``add_to`` puts it first among the map's children, so
    it runs right after the map is created and before any marker, wherever it is added.
    """

    _template = Template(
        """
        {% macro script(this, kwargs) %}
            {{ this.js }}
        {% endmacro %}
        """
    )

    def __init__(self, base_url: str = STATIC_URL):
        super().__init__()
        self._name = "IconPath"
        self.js = icon_path_script(base_url)

    def add_to(self, parent, name=None, index=0):
        parent.add_child(self, name=name, index=index)
        return self


# ---------------------------------------------------------------- self-contained HTML

_SCRIPT_SRC = re.compile(
    r"""<script\b[^>]*?\bsrc\s*=\s*(?P<q>["'])(?P<url>[^"']+)(?P=q)[^>]*>\s*</script\s*>""",
    re.IGNORECASE,
)
_LINK_TAG = re.compile(r"<link\b[^>]*>", re.IGNORECASE)
# Both in one pass, so that inlined file contents are never scanned again.
_TAG = re.compile(f"(?P<script>{_SCRIPT_SRC.pattern})|(?P<link>{_LINK_TAG.pattern})", re.IGNORECASE)
_HREF = re.compile(r"""\bhref\s*=\s*(["'])(?P<url>[^"']*)\1""", re.IGNORECASE)
_CSS_URL = re.compile(r"""url\(\s*(["']?)(?P<url>[^)"']+)\1\s*\)""")
_SOURCEMAP = re.compile(r"^\s*//[#@]\s*sourceMappingURL=\S+\s*$", re.MULTILINE)


def _mime(path: Path) -> str:
    return {
        ".svg": "image/svg+xml",
        ".png": "image/png",
        ".gif": "image/gif",
        ".woff2": "font/woff2",
        ".woff": "font/woff",
    }.get(path.suffix.lower(), mimetypes.guess_type(path.name)[0] or "application/octet-stream")


def _data_uri(path: Path) -> str:
    return f"data:{_mime(path)};base64,{base64.b64encode(path.read_bytes()).decode('ascii')}"


def _local_file(url: str, base: str, vendor_dir: Path) -> Path | None:
    """The vendored file a URL names, or None if the URL is not under base."""
    if not url.startswith(base + "/"):
        return None
    rel = url[len(base) + 1 :].split("?", 1)[0].split("#", 1)[0]
    path = (vendor_dir / rel).resolve()
    root = vendor_dir.resolve()
    if root not in path.parents or not path.is_file():
        raise FileNotFoundError(f"{url}: no vendored file {path}")
    return path


def _inline_css(path: Path) -> str:
    css = path.read_text(encoding="utf-8")

    def repl(m: re.Match) -> str:
        url = m.group("url").strip()
        if url.startswith(("data:", "#")):
            return m.group(0)
        if re.match(r"^[a-z][a-z0-9+.-]*:|^//", url, re.IGNORECASE):
            raise ValueError(f"{path.name} refers to a remote file: {url}")
        target = (path.parent / url.split("?", 1)[0].split("#", 1)[0]).resolve()
        return f'url("{_data_uri(target)}")'

    css = _CSS_URL.sub(repl, css).replace("</style", "<\\/style")
    return css


def _inline_js(path: Path) -> str:
    js = _SOURCEMAP.sub("", path.read_text(encoding="utf-8"))
    if "<!--" in js and re.search(r"<script", js, re.IGNORECASE):
        # would put the HTML parser in its "double escaped" state: don't risk it
        raise ValueError(f"{path.name}: contains '<!--' and '<script', cannot inline safely")
    # "</script" would end the inline element early; "<\/script" is the same JS string.
    return re.sub(r"</(script)", r"<\\/\1", js, flags=re.IGNORECASE)


def _default_icon_script(vendor_dir: Path) -> str:
    """After Leaflet: default marker icons as data: URIs (imagePath is ignored for them)."""
    data = {name: _data_uri(vendor_dir / LEAFLET_IMAGES / name) for name in _DEFAULT_ICON_FILES}
    return (
        "<script>(function(){var D=" + json.dumps(data) + ";"
        "var orig=L.Icon.Default.prototype._getIconUrl;"
        "L.Icon.Default.include({_getIconUrl:function(n){"
        "var f=L.Icon.prototype._getIconUrl.call(this,n);"
        "return D[f]||orig.call(this,n);}});})();</script>"
    )


def inline_assets(html: str, base_url: str = STATIC_URL, vendor_dir: Path = VENDOR_DIR, strict: bool = True) -> str:
    """Replace ``<script src>``/``<link rel=stylesheet>`` tags of vendored files with their
    contents (CSS images as data: URIs), for one HTML file that opens offline from disk.

    With ``strict`` (default) any other script or stylesheet URL that is not a data: URI
    raises ValueError, so an export never silently depends on the network.
    """
    base = base_url.rstrip("/")
    vendor_dir = Path(vendor_dir)
    leftovers: list[str] = []

    def script(m: re.Match) -> str:
        url = m.group("url")
        path = _local_file(url, base, vendor_dir)
        if path is None:
            if not url.startswith("data:"):
                leftovers.append(url)
            return m.group(0)
        out = f"<script>/* {path.relative_to(vendor_dir.resolve()).as_posix()} */\n{_inline_js(path)}\n</script>"
        if path == (vendor_dir / LEAFLET_JS).resolve():
            out += _default_icon_script(vendor_dir)
        return out

    def link(m: re.Match) -> str:
        tag = m.group(0)
        href = _HREF.search(tag)
        if not href or not re.search(r"""\brel\s*=\s*["']?stylesheet""", tag, re.IGNORECASE):
            if href and re.match(r"^(https?:)?//", href.group("url"), re.IGNORECASE):
                leftovers.append(href.group("url"))
            return tag
        url = href.group("url")
        path = _local_file(url, base, vendor_dir)
        if path is None:
            if not url.startswith("data:"):
                leftovers.append(url)
            return tag
        rel = path.relative_to(vendor_dir.resolve()).as_posix()
        return f"<style>/* {rel} */\n{_inline_css(path)}\n</style>"

    out = _TAG.sub(lambda m: script(m) if m.group("script") else link(m), html)
    if strict and leftovers:
        raise ValueError("not vendored, would need the network: " + ", ".join(leftovers))
    return out


def _static_rel(path: Path) -> str:
    """'static/vendor/...' or 'static/js/...'."""
    return path.relative_to(JS_DIR.parent.parent).as_posix()


def map_bundle_text() -> str:
    """What static/js/map.bundle.js holds: a header, then each of MAP_BUNDLE_PARTS as it is
    (their licence comments included), each ended so the next cannot run into it."""
    names = ", ".join(_static_rel(path) for path in MAP_BUNDLE_PARTS)
    out = [
        f"/* Made by scripts/build_map_bundle.py from {names}, each as it is (licences: "
        "static/vendor/MANIFEST.json). Do not edit: edit the parts and run the script. */\n"
    ]
    for path in MAP_BUNDLE_PARTS:
        out.append(f"/* {_static_rel(path)} */\n{path.read_text(encoding='utf-8')}\n;\n")
    return "".join(out)


def map_bundle_is_current() -> bool:
    """Whether static/js/map.bundle.js holds what map_bundle_text() writes now."""
    try:
        return MAP_BUNDLE.read_text(encoding="utf-8") == map_bundle_text()
    except OSError:
        return False


@lru_cache(maxsize=4)
def _map_scripts(stamps: tuple) -> tuple[tuple[str, str], ...]:
    """map_scripts' answer; stamps (the files' paths and modification times) is only the cache key."""
    if map_bundle_is_current():
        return (("leaflet", f"{JS_URL}/{MAP_BUNDLE.name}"),)
    LOG.warning("%s is not built from its parts; linking them one by one. Run scripts/build_map_bundle.py", MAP_BUNDLE)
    return tuple((path.stem, f"/app/{_static_rel(path)}") for path in MAP_BUNDLE_PARTS)


def map_scripts() -> list[tuple[str, str]]:
    """(name, url) of the live map's scripts: the bundle, or its parts while the bundle is not
    built from them (checked again whenever a file's modification time changes)."""
    stamps = tuple((path, path.stat().st_mtime_ns if path.exists() else 0) for path in (MAP_BUNDLE, *MAP_BUNDLE_PARTS))
    return list(_map_scripts(stamps))


def standalone_html(m: folium.Map, base_url: str = STATIC_URL) -> str:
    """The map as one self-contained HTML document (no external requests)."""
    use_local_assets(base_url)
    vendored = inline_assets(m.get_root().render(), base_url=base_url, strict=False)
    return inline_assets(vendored, base_url=JS_URL, vendor_dir=JS_DIR)


class _LinkCollector(HTMLParser):
    """(tag, url) of every <script src> and <link href>; script/style bodies are skipped as
    an HTML parser does, so code that merely contains "<link" is not taken for a tag."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.links: list[tuple[str, str]] = []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "script" and a.get("src"):
            self.links.append((tag, a["src"]))
        elif tag == "link" and a.get("href"):
            self.links.append((tag, a["href"]))

    handle_startendtag = handle_starttag


def resource_links(html: str) -> list[tuple[str, str]]:
    """[(tag, url)] for every <script src=...> and <link href=...> in html."""
    p = _LinkCollector()
    p.feed(html)
    p.close()
    return p.links


def remote_urls(html: str) -> list[str]:
    """URLs of <script src>/<link href> tags that are not local: http(s)://, //host/...,
    or any other scheme except data:."""
    return [
        u
        for _, u in resource_links(html)
        if re.match(r"^(//|[a-z][a-z0-9+.-]*:)", u, re.IGNORECASE) and not u.lower().startswith("data:")
    ]


# ---------------------------------------------------------------- offline basemap

BASEMAP_DIR = Path(__file__).resolve().parent.parent / "static" / "basemap"


def load_basemap(name: str = "land", directory: Path | None = None) -> dict:
    """static/basemap/<name>.geojson (made by scripts/build_basemap.py) as a GeoJSON dict, in
    RFC 7946 longitudes (-180..180): land across the antimeridian is split at ±180. The app draws
    land-pacific.geojson (land_geojson), which the build script shifts for a Pacific-centred map."""
    return json.loads(((directory or BASEMAP_DIR) / f"{name}.geojson").read_text(encoding="utf-8"))


LAND_FILE = BASEMAP_DIR / "land-pacific.geojson"


@lru_cache(maxsize=1)
def land_geojson() -> dict:
    """Natural Earth land on the Pacific-centred display (static/basemap/land-pacific.geojson),
    read once; callers must not change it."""
    return json.loads(LAND_FILE.read_text(encoding="utf-8"))


def manifest() -> dict:
    """static/vendor/MANIFEST.json as a dict."""
    return json.loads(MANIFEST_PATH.read_text(encoding="utf-8"))


def vendored_urls(base_url: str = STATIC_URL) -> Iterable[str]:
    """URL of every vendored file (licences included)."""
    base = base_url.rstrip("/")
    return [f"{base}/{rel}" for rel in manifest()["files"]]
