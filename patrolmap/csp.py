"""A Content-Security-Policy for the live map's document, so that markup injected into it could
fetch nothing from another host even if escaping failed somewhere.

Streamlit 1.67 has no option to add response headers (no CSP, no X-Frame-Options); a reverse
proxy in front of the app can add both to every page (see DEPLOY/README notes in the report).
What the app controls is the map: streamlit-folium copies the folium figure's header into the
map iframe's <head>, and Chromium enforces a CSP <meta> from the moment it is inserted. The map
needs inline scripts and eval (streamlit-folium runs the map's script that way), inline styles,
and the app's own static files; everything else is refused. Online tiles, when the analyst
chooses them, add their one tile host to img-src.
"""

from __future__ import annotations

from html import escape
from urllib.parse import urlsplit

import folium

POLICY_ELEMENT = "content_security_policy"


def map_policy(tile_url: str | None = None) -> str:
    """The policy text; tile_url is a Leaflet tile template ("https://{s}.host/{z}/{x}/{y}.png")."""
    images = ["'self'", "data:", "blob:"]
    if tile_url:
        parts = urlsplit(tile_url)
        host = parts.hostname or ""
        if parts.scheme == "https" and host:
            images.append("https://" + host.replace("{s}", "*"))
    directives = {
        "default-src": ["'self'"],
        "script-src": ["'self'", "'unsafe-inline'", "'unsafe-eval'"],
        "style-src": ["'self'", "'unsafe-inline'"],
        "img-src": images,
        "font-src": ["'self'", "data:"],
        "connect-src": ["'self'"],
        "media-src": ["'none'"],
        "object-src": ["'none'"],
        "frame-src": ["'none'"],
        "worker-src": ["'none'"],
        "base-uri": ["'none'"],
        "form-action": ["'none'"],
    }
    return "; ".join(f"{name} {' '.join(sources)}" for name, sources in directives.items())


def add_map_policy(fmap: folium.Map, tile_url: str | None = None) -> None:
    """Put the policy first in the map figure's header (the <head> of the map's document)."""
    meta = f'<meta http-equiv="Content-Security-Policy" content="{escape(map_policy(tile_url))}">'
    fmap.get_root().header.add_child(folium.Element(meta), name=POLICY_ELEMENT, index=0)
