"""The "copy link to this view" box: a small HTML document whose script copies the page's own
address (or the same path and query on the deployer's public base URL)."""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path

TEMPLATE = Path(__file__).resolve().parent.parent / "static" / "html" / "share_link.html"


def _js_string(value: str) -> str:
    """A JavaScript string literal that cannot close the <script> element it sits in."""
    return json.dumps(value).replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


@cache
def _template() -> str:
    """Read once per process: the box is drawn on every rerun of every page."""
    return TEMPLATE.read_text(encoding="utf-8")


def share_box_html(public_base: str = "", page: str = "") -> str:
    """public_base: PATROLMAP_PUBLIC_URL as viewstate.public_base gives it ('' = the page's own
    address); page: the page's path ('Map'; '' for Home)."""
    return _template().replace("__PUBLIC__", _js_string(public_base)).replace("__PAGE__", _js_string(page.strip("/")))
