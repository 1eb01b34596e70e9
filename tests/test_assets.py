"""Offline assets: vendored files, local links for folium, self-contained export, basemap."""

from __future__ import annotations

import hashlib
import importlib.util
import json
import os
import re
import shutil
import sys
from pathlib import Path

import folium
import pytest
import shapely
from folium import plugins
from folium.elements import JSCSSMixin
from shapely.geometry import Point, shape

from browser import CHROMIUM_ARGS
from patrolmap import assets

ROOT = Path(__file__).resolve().parent.parent

MANIFEST = json.loads((assets.VENDOR_DIR / "MANIFEST.json").read_text(encoding="utf-8"))
BASEMAP = ROOT / "static" / "basemap"

# folium classes whose links use_local_assets() rewrites
SWITCHED = [
    folium.Map,
    plugins.MarkerCluster,
    plugins.FastMarkerCluster,
    plugins.Timeline,
    plugins.TimelineSlider,
    plugins.PolyLineTextPath,
    plugins.Fullscreen,
    assets.PolylineDecorator,
]


@pytest.fixture(autouse=True)
def local_assets():
    """use_local_assets() for each test; the classes' previous links are put back after."""
    saved = {c: (c.__dict__.get("default_js"), c.__dict__.get("default_css")) for c in SWITCHED}
    assets.use_local_assets()
    yield
    for c, (js, css) in saved.items():
        for attr, value in (("default_js", js), ("default_css", css)):
            if value is None:
                if attr in c.__dict__:
                    delattr(c, attr)
            else:
                setattr(c, attr, value)


# ------------------------------------------------------------------ vendored files


@pytest.mark.parametrize("rel", sorted(MANIFEST["files"]))
def test_manifest_file_exists_with_sha256(rel):
    entry = MANIFEST["files"][rel]
    path = assets.VENDOR_DIR / rel
    assert path.is_file(), rel
    data = path.read_bytes()
    assert hashlib.sha256(data).hexdigest() == entry["sha256"]
    assert len(data) == entry["bytes"]
    assert entry["package"] in MANIFEST["packages"]
    pkg = MANIFEST["packages"][entry["package"]]
    assert entry["version"] == pkg["version"]
    assert entry["licence"] == pkg["licence"]
    assert entry["source"].startswith(f"npm:{entry['package']}@{entry['version']}/")


@pytest.mark.parametrize("name", sorted(MANIFEST["packages"]))
def test_each_package_ships_its_licence(name):
    pkg = MANIFEST["packages"][name]
    assert pkg["licence_file"] in MANIFEST["files"]
    assert pkg["licence_file"].startswith(pkg["dir"] + "/")
    text = (assets.VENDOR_DIR / pkg["licence_file"]).read_text(encoding="utf-8")
    assert "Permission" in text or "Redistribution" in text


def test_no_unlisted_files_in_vendor_dir():
    on_disk = {p.relative_to(assets.VENDOR_DIR).as_posix() for p in assets.VENDOR_DIR.rglob("*") if p.is_file()}
    assert on_disk - {"MANIFEST.json"} == set(MANIFEST["files"])


@pytest.mark.parametrize(
    "package, version",
    [
        # the exact versions folium 0.20 links to from its CDN defaults
        ("leaflet", "1.9.3"),
        ("jquery", "3.7.1"),
        ("leaflet.markercluster", "1.1.0"),
        ("leaflet-textpath", "1.2.3"),
        ("leaflet.timeline", "1.6.0"),
        ("moment", "2.18.1"),
        ("leaflet.fullscreen", "3.0.0"),
        ("leaflet-polylinedecorator", "1.6.0"),
    ],
)
def test_vendored_versions(package, version):
    assert MANIFEST["packages"][package]["version"] == version


@pytest.mark.parametrize(
    "const",
    [
        "LEAFLET_JS",
        "LEAFLET_CSS",
        "JQUERY_JS",
        "MARKERCLUSTER_JS",
        "MARKERCLUSTER_CSS",
        "MARKERCLUSTER_DEFAULT_CSS",
        "TIMELINE_JS",
        "MOMENT_JS",
        "TEXTPATH_JS",
        "DECORATOR_JS",
        "FULLSCREEN_JS",
        "FULLSCREEN_CSS",
    ],
)
def test_asset_paths_are_vendored(const):
    assert getattr(assets, const) in MANIFEST["files"]


@pytest.mark.parametrize(
    "image", ["marker-icon.png", "marker-icon-2x.png", "marker-shadow.png", "layers.png", "layers-2x.png"]
)
def test_leaflet_images_vendored(image):
    assert assets.LEAFLET_IMAGES + image in MANIFEST["files"]


def test_vendor_script_check_passes():
    spec = importlib.util.spec_from_file_location("vendor_assets", ROOT / "scripts" / "vendor_assets.py")
    mod = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = mod  # dataclasses look their module up there
    try:
        spec.loader.exec_module(mod)
    finally:
        sys.modules.pop(spec.name, None)
    assert mod.check(assets.VENDOR_DIR) == []


# ------------------------------------------------------------------ maps with local links


def _base_map():
    m = folium.Map(location=[35, 135], zoom_start=4, tiles=None)
    m.options["max_zoom"] = 10
    assets.IconPath().add_to(m)
    return m


POINTS = {
    "type": "FeatureCollection",
    "features": [
        {
            "type": "Feature",
            "properties": {"start": "2019-07-23", "end": "2019-07-24", "name": "a"},
            "geometry": {"type": "Point", "coordinates": [128.0, 34.0]},
        },
        {
            "type": "Feature",
            "properties": {"start": "2020-12-22", "end": "2020-12-23", "name": "b"},
            "geometry": {"type": "LineString", "coordinates": [[130.0, 36.0], [135.0, 38.0]]},
        },
    ],
}


def _add_marker_cluster(m):
    mc = plugins.MarkerCluster().add_to(m)
    folium.Marker([34, 129], popup="popup").add_to(mc)


def _add_fast_marker_cluster(m):
    callback = "function (row) { return L.circleMarker(new L.LatLng(row[0], row[1])); }"
    plugins.FastMarkerCluster([[34, 129], [35, 130]], callback=callback).add_to(m)


def _add_timeline(m):
    tl = plugins.Timeline(POINTS).add_to(m)
    plugins.TimelineSlider().add_timelines(tl).add_to(m)


def _add_textpath(m):
    line = folium.PolyLine([[33, 129], [26, 127]]).add_to(m)
    plugins.PolyLineTextPath(line, "►", repeat=True).add_to(m)


def _add_decorator(m):
    line = folium.PolyLine([[33, 129], [26, 127]]).add_to(m)
    assets.PolylineDecorator(line).add_to(m)


def _add_fullscreen(m):
    plugins.Fullscreen().add_to(m)


def _add_geojson(m):
    folium.GeoJson(POINTS, tooltip=folium.GeoJsonTooltip(["name"]), popup=folium.GeoJsonPopup(["name"])).add_to(m)


def _add_everything(m):
    for f in (_add_geojson, _add_marker_cluster, _add_timeline, _add_textpath, _add_decorator, _add_fullscreen):
        f(m)
    folium.LayerControl().add_to(m)


MAP_CASES = {
    "plain": lambda m: None,
    "marker+popup": lambda m: folium.Marker([34, 129], popup="p", tooltip="t").add_to(m),
    "geojson+tooltip+popup": _add_geojson,
    "marker_cluster": _add_marker_cluster,
    "fast_marker_cluster": _add_fast_marker_cluster,
    "timeline+slider": _add_timeline,
    "polyline_textpath": _add_textpath,
    "polyline_decorator": _add_decorator,
    "fullscreen": _add_fullscreen,
    "everything": _add_everything,
}


def _render(case):
    m = _base_map()
    MAP_CASES[case](m)
    return m, m.get_root().render()


def _st_folium_links(m):
    """The js/css links st_folium collects (it walks JSCSSMixin elements' defaults)."""
    links = []

    def walk(el):
        if isinstance(el, JSCSSMixin):
            links.extend(u for _, u in el.default_js)
            links.extend(u for _, u in el.default_css)
        for child in getattr(el, "_children", {}).values():
            walk(child)

    walk(m)
    return links


@pytest.mark.parametrize("case", sorted(MAP_CASES))
def test_rendered_map_has_no_remote_script_or_link(case):
    _, html = _render(case)
    links = assets.resource_links(html)
    assert links, "expected at least Leaflet"
    assert assets.remote_urls(html) == []
    for tag, url in links:
        assert not url.startswith(("http://", "https://", "//")), (tag, url)
    assert not re.search(r"<(script|link)\b[^>]*(src|href)=\"https?://", html)


@pytest.mark.parametrize("case", sorted(MAP_CASES))
def test_every_link_is_a_vendored_file(case):
    m, html = _render(case)
    vendored = set(assets.vendored_urls())
    for _, url in assets.resource_links(html):
        assert url in vendored, url
    for url in _st_folium_links(m):
        assert url in vendored, url


@pytest.mark.parametrize("dropped", ["bootstrap", "awesome", "fontawesome", "glyphicons"])
def test_icon_fonts_and_bootstrap_dropped(dropped):
    _, html = _render("everything")
    assert all(dropped not in url.lower() for _, url in assets.resource_links(html))


@pytest.mark.parametrize(
    "case, needed",
    [
        ("plain", [assets.LEAFLET_JS, assets.JQUERY_JS, assets.LEAFLET_CSS]),
        ("marker_cluster", [assets.MARKERCLUSTER_JS, assets.MARKERCLUSTER_CSS, assets.MARKERCLUSTER_DEFAULT_CSS]),
        ("fast_marker_cluster", [assets.MARKERCLUSTER_JS]),
        ("timeline+slider", [assets.TIMELINE_JS, assets.MOMENT_JS]),
        ("polyline_textpath", [assets.TEXTPATH_JS]),
        ("polyline_decorator", [assets.DECORATOR_JS]),
        ("fullscreen", [assets.FULLSCREEN_JS, assets.FULLSCREEN_CSS]),
    ],
)
def test_plugin_gets_its_files(case, needed):
    _, html = _render(case)
    urls = [u for _, u in assets.resource_links(html)]
    for rel in needed:
        assert f"{assets.STATIC_URL}/{rel}" in urls


def _links_of(classes):
    return {c: (list(c.default_js), list(getattr(c, "default_css", []))) for c in classes}


def test_use_local_assets_is_idempotent_and_takes_base_url():
    assets.use_local_assets()
    first = _links_of(SWITCHED)
    assets.use_local_assets("/elsewhere/")
    assert folium.Map.default_js[0] == ("leaflet", f"/elsewhere/{assets.LEAFLET_JS}")
    assets.use_local_assets()
    assets.use_local_assets()
    assert _links_of(SWITCHED) == first


def test_use_local_assets_does_not_share_lists_with_folium():
    """folium's add_js_link mutates the class list in place: one map must not leak into
    the next through it."""
    m = _base_map()
    m.add_js_link("extra", "/app/static/x.js")
    assets.use_local_assets()
    assert all(name != "extra" for name, _ in folium.Map.default_js)


def test_use_cdn_assets_restores_folium_defaults():
    assets.use_cdn_assets()
    assert folium.Map.default_js[0][1].startswith("https://")
    assets.use_local_assets()
    assert folium.Map.default_js[0][1].startswith(assets.STATIC_URL)


@pytest.mark.parametrize("base", [assets.STATIC_URL, "/x/vendor/", "static/vendor"])
def test_icon_path_script(base):
    js = assets.icon_path_script(base)
    assert f'"{base.rstrip("/")}/{assets.LEAFLET_IMAGES}"' in js
    assert "L.Icon.Default.imagePath" in js


def test_icon_path_goes_first_and_renders_in_script():
    m = folium.Map(tiles=None)
    folium.Marker([34, 129]).add_to(m)
    ip = assets.IconPath().add_to(m)
    assert next(iter(m._children.values())) is ip
    html = m.get_root().render()
    assert html.index("L.Icon.Default.imagePath") < html.index("L.marker(")


def test_assets_module_does_not_import_streamlit():
    src = (ROOT / "patrolmap" / "assets.py").read_text(encoding="utf-8")
    assert not re.search(r"^\s*(import|from)\s+streamlit", src, re.MULTILINE)


# ------------------------------------------------------------------ self-contained export


def _non_data_links(html):
    return [(t, u) for t, u in assets.resource_links(html) if not u.startswith("data:")]


@pytest.mark.parametrize("case", sorted(MAP_CASES))
def test_inline_assets_leaves_no_external_links(case):
    _, html = _render(case)
    out = assets.inline_assets(html)
    assert _non_data_links(out) == []
    assert "<script src=" not in out
    # every url(...) left in inlined CSS is a data: URI (or Leaflet's VML behaviour hack)
    for url in re.findall(r"url\(\s*[\"']?([^)\"']+)", out):
        assert url.startswith(("data:", "#")), url
    assert "sourceMappingURL" not in out


def test_inline_assets_inlines_leaflet_and_icons():
    _, html = _render("marker+popup")
    out = assets.inline_assets(html)
    assert "/* leaflet-1.9.3/leaflet.js */" in out
    assert "/* leaflet-1.9.3/leaflet.css */" in out
    assert out.count("data:image/png;base64,") >= 5  # layers x2 + 3 default icon images
    assert "L.Icon.Default.include" in out


def test_standalone_html_matches_inline_of_render():
    m = _base_map()
    _add_everything(m)
    out = assets.standalone_html(m)
    assert _non_data_links(out) == []
    assert "L.timelineSliderControl" in out and "L.polylineDecorator" in out


@pytest.mark.parametrize(
    "url",
    [
        "https://cdn.jsdelivr.net/npm/leaflet@1.9.3/dist/leaflet.js",
        "http://example.org/x.js",
        "//cdn.example.org/x.js",
    ],
)
def test_inline_assets_refuses_remote_scripts(url):
    html = f'<html><head><script src="{url}"></script></head><body></body></html>'
    with pytest.raises(ValueError, match="not vendored"):
        assets.inline_assets(html)
    assert assets.inline_assets(html, strict=False) == html


def test_inline_assets_refuses_remote_css():
    html = '<head><link rel="stylesheet" href="https://example.org/a.css"/></head>'
    with pytest.raises(ValueError):
        assets.inline_assets(html)


def test_inline_assets_missing_local_file():
    html = f'<script src="{assets.STATIC_URL}/nope/none.js"></script>'
    with pytest.raises(FileNotFoundError):
        assets.inline_assets(html)


def test_inline_assets_rejects_path_traversal():
    html = f'<script src="{assets.STATIC_URL}/../../patrolmap/assets.py"></script>'
    with pytest.raises(FileNotFoundError):
        assets.inline_assets(html)


def test_inline_assets_escapes_closing_script(tmp_path):
    (tmp_path / "a.js").write_text('var s = "</script><b>";\n//# sourceMappingURL=a.js.map\n')
    (tmp_path / "a.css").write_text(".x{background:url(i.svg)}")
    (tmp_path / "i.svg").write_text("<svg xmlns='http://www.w3.org/2000/svg'/>")
    html = '<head><script src="/v/a.js"></script><link rel="stylesheet" href="/v/a.css"/></head>'
    out = assets.inline_assets(html, base_url="/v", vendor_dir=tmp_path)
    assert '"<\\/script><b>"' in out
    assert "sourceMappingURL" not in out
    assert 'url("data:image/svg+xml;base64,' in out
    assert out.count("</script>") == 1


def test_inline_assets_does_not_touch_code_that_mentions_link():
    """jQuery contains /<script|<style|<link/i: inlined code must not be rescanned."""
    _, html = _render("plain")
    out = assets.inline_assets(html)
    assert "<script|<style|<link" in out


# ------------------------------------------------------------------ basemap


@pytest.fixture(scope="module")
def land():
    fc = json.loads((BASEMAP / "land.geojson").read_text(encoding="utf-8"))
    geom = shapely.union_all([shape(f["geometry"]) for f in fc["features"]])
    shapely.prepare(geom)
    return fc, geom


@pytest.mark.parametrize("name, limit", [("land.geojson", 1_500_000), ("land-110m.geojson", 300_000)])
def test_basemap_file_sizes(name, limit):
    assert (BASEMAP / name).stat().st_size <= limit


def test_basemap_readme_records_source_and_sizes():
    text = (BASEMAP / "README.md").read_text(encoding="utf-8")
    assert "Natural Earth" in text and "public domain" in text
    assert "scripts/build_basemap.py" in text
    for name in ("land.geojson", "land-110m.geojson", "land-pacific.geojson"):
        assert f"{(BASEMAP / name).stat().st_size} bytes" in text


@pytest.mark.parametrize(
    "lon, lat, label",
    [
        (127.80, 26.35, "Okinawa"),
        (125.30, 24.77, "Miyako-jima"),
        (124.17, 24.40, "Ishigaki-jima"),
        (129.30, 34.40, "Tsushima"),
        (142.50, 43.50, "Hokkaido"),
        (127.00, 37.50, "Seoul"),
        (158.65, 53.05, "Kamchatka"),
        (-149.90, 61.20, "Anchorage"),
        (-176.65, 51.88, "Adak, Aleutians"),
        (172.90, 52.90, "Attu, Aleutians"),
        (56.30, 26.20, "Musandam"),
    ],
)
def test_basemap_land(land, lon, lat, label):
    assert land[1].intersects(Point(lon, lat).buffer(0.05)), label


@pytest.mark.parametrize(
    "lon, lat, label",
    [
        (126.00, 25.50, "Miyako Strait"),
        (129.90, 33.90, "Tsushima Strait"),
        (140.50, 41.40, "Tsugaru Strait"),
        (142.00, 45.60, "Soya Strait"),
        (-168.50, 65.70, "Bering Strait"),
        (56.60, 25.80, "Strait of Hormuz"),
    ],
)
def test_basemap_sea(land, lon, lat, label):
    assert not land[1].intersects(Point(lon, lat)), label


def test_basemap_window_and_precision(land):
    fc, geom = land
    w, s, e, n = geom.bounds
    assert (w, s, e, n) == (-180.0, -10.0, 180.0, 75.0)
    assert not geom.intersects(shapely.box(-119.99, -10, 39.99, 75))  # gap between windows
    text = (BASEMAP / "land.geojson").read_text(encoding="utf-8")
    assert not re.search(r"\d\.\d{4,}", text)
    for f in fc["features"]:
        assert set(f["properties"]) == {"name", "iso_a3", "ne_a3"}


@pytest.fixture(scope="module")
def app_land():
    fc = assets.land_geojson()
    geom = shapely.union_all([shape(f["geometry"]) for f in fc["features"]])
    shapely.prepare(geom)
    return fc, geom


@pytest.mark.parametrize(
    "lon, lat, is_land, label",
    [
        (18.6, -33.9, True, "Cape Town: 110m context, beyond the windows"),
        (151.0, -33.8, True, "Sydney"),
        (-3.7 + 360, 40.4, False, "Madrid is not moved east of the Pacific"),
        (-3.7, 40.4, True, "Madrid stays west of 0"),
        (-74.0 + 360, 40.8, True, "New York, east of the Pacific"),
        (-149.9 + 360, 61.2, True, "Anchorage: 10m, east of the Pacific"),
        (127.80, 26.35, True, "Okinawa: 10m detail kept"),
        (125.30, 24.77, True, "Miyako-jima"),
        (126.00, 25.50, False, "Miyako Strait stays sea"),
        (129.90, 33.90, False, "Tsushima Strait stays sea"),
        (56.60, 25.80, False, "Strait of Hormuz stays sea"),
        (-168.50 + 360, 65.70, False, "Bering Strait stays sea"),
    ],
)
def test_app_land_reaches_beyond_the_windows(app_land, lon, lat, is_land, label):
    assert app_land[1].intersects(Point(lon, lat).buffer(0.05)) == is_land, label


def test_app_land_is_one_feature_per_country_and_says_its_detail(app_land):
    fc, _ = app_land
    keys = [f["properties"]["iso_a3"] or f["properties"]["name"] for f in fc["features"]]
    assert len(keys) == len(set(keys))
    details = {f["properties"]["name"]: f["properties"]["detail"] for f in fc["features"]}
    assert (details["Japan"], details["South Africa"], details["Russia"]) == ("10m", "110m", "10m+110m")


def test_load_basemap_keeps_rfc7946_longitudes():
    fc = assets.load_basemap("land")
    xs = [x for f in fc["features"] for x, _ in shapely.get_coordinates(shape(f["geometry"]))]
    assert -180 <= min(xs) < 0 and max(xs) <= 180


# ------------------------------------------------------------------ real browser (optional)


def _chromium() -> str:
    """Debian chromium for Playwright; skipped if absent, failed if PATROLMAP_REQUIRE_BROWSER=1
    (CI, as in tests/browser/__init__.py)."""
    exe = shutil.which("chromium") or shutil.which("chromium-browser")
    if exe is None or importlib.util.find_spec("playwright") is None:
        if os.environ.get("PATROLMAP_REQUIRE_BROWSER") == "1":
            pytest.fail("Chromium and Playwright are required for the browser tests")
        pytest.skip("needs Debian chromium and playwright")
    return exe


@pytest.mark.browser
def test_exported_map_opens_offline_from_disk(tmp_path):
    exe = _chromium()
    from playwright.sync_api import sync_playwright

    m = _base_map()
    folium.GeoJson(assets.load_basemap("land"), name="land").add_to(m)
    _add_everything(m)
    folium.Marker([43.1, 131.9]).add_to(m)
    path = tmp_path / "map.html"
    path.write_text(assets.standalone_html(m), encoding="utf-8")

    blocked, errors = [], []
    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=exe,
            args=CHROMIUM_ARGS,
        )
        try:
            page = browser.new_page(viewport={"width": 1100, "height": 1100})

            def route(r):
                if r.request.url.startswith("file://"):
                    r.continue_()
                else:
                    blocked.append(r.request.url)
                    r.abort()

            page.route("**/*", route)
            page.on("pageerror", lambda e: errors.append(str(e)))
            page.goto(path.as_uri())
            page.wait_for_selector(".leaflet-container")
            page.wait_for_function("document.querySelectorAll('img.leaflet-marker-icon').length > 0")
            got = page.evaluate("""() => ({
                paths: document.querySelectorAll('path.leaflet-interactive').length,
                icons: Array.from(document.querySelectorAll('img.leaflet-marker-icon'))
                    .map(i => i.complete && i.naturalWidth > 0),
                clusters: document.querySelectorAll('.marker-cluster').length,
                slider: document.querySelectorAll('.leaflet-timeline-control').length,
                fullscreen: document.querySelectorAll('.leaflet-control-zoom-fullscreen').length,
            })""")
        finally:
            browser.close()
    assert blocked == []
    assert errors == []
    assert got["paths"] > 50  # land polygons
    assert got["icons"] and all(got["icons"])
    assert got["slider"] == 1 and got["fullscreen"] == 1


# ------------------------------------------------------------------ the live map's script bundle


def test_map_bundle_is_built_from_its_parts():
    assert assets.MAP_BUNDLE.read_text(encoding="utf-8") == assets.map_bundle_text(), (
        "static/js/map.bundle.js is out of date: run python scripts/build_map_bundle.py"
    )


def test_map_bundle_runs_its_parts_in_order():
    text = assets.map_bundle_text()
    starts = [text.index(path.read_text(encoding="utf-8")) for path in assets.MAP_BUNDLE_PARTS]
    assert starts == sorted(starts) and [p.name for p in assets.MAP_BUNDLE_PARTS][0] == "leaflet.js"


PART_URLS = [
    "/app/static/vendor/leaflet-1.9.3/leaflet.js",
    "/app/static/vendor/leaflet-textpath-1.2.3/leaflet.textpath.js",
    "/app/static/vendor/leaflet.markercluster-1.1.0/leaflet.markercluster.js",
    "/app/static/js/patrolmap.js",
]


@pytest.mark.parametrize(
    "bundle, linked",
    [
        ("current", ["/app/static/js/map.bundle.js"]),
        ("stale", PART_URLS),
        ("missing", PART_URLS),
    ],
)
def test_map_scripts_link_the_parts_while_the_bundle_is_stale(tmp_path, monkeypatch, caplog, bundle, linked):
    """A patrolmap.js edited but not yet built into the bundle still runs as edited."""
    path = tmp_path / "map.bundle.js"
    if bundle != "missing":
        path.write_text(assets.map_bundle_text() + ("" if bundle == "current" else "// older\n"), encoding="utf-8")
    monkeypatch.setattr(assets, "MAP_BUNDLE", path)
    with caplog.at_level("WARNING", logger="patrolmap.assets"):
        scripts = assets.map_scripts()
    assert [url for _, url in scripts] == linked
    assert scripts[0][0] == "leaflet"  # replaces folium's own Leaflet link, by name
    assert ("build_map_bundle.py" in caplog.text) == (bundle != "current")
