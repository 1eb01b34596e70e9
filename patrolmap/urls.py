"""One check for every URL the app links to or accepts from a record: plain http(s), a real host.

safe_url returns the URL in a form that is safe inside Markdown link syntax ``[text](url)`` and an
HTML attribute, or None. It refuses other schemes (javascript:, data:, file:, scheme-relative
``//host``), userinfo (``http://127.0.0.1@evil.example/`` links to evil.example, not to the
loopback address it shows), control characters, whitespace, quotes and angle brackets, and hosts that are not a DNS name
or an IP address. Everything after the host is percent-encoded where Markdown or HTML would read
it as syntax (``)`` ends a Markdown link, ``]``, ``<``, quotes and spaces end or break attributes),
so a value can never break out of the link it is put in. A non-ASCII host (a homoglyph of a
familiar name) is given in its ASCII (IDNA, ``xn--``) form, which is where it really leads.
"""

from __future__ import annotations

import ipaddress
import re
from urllib.parse import quote, urlsplit

SCHEMES = ("http", "https")
MAX_URL_CHARS = 2000
# Left as they are after the host: RFC 3986 unreserved and the delimiters that mean nothing to
# Markdown or HTML. Everything else, "()[]<>'\"`\\{}|^" and spaces included, is percent-encoded.
PATH_SAFE = "/:@!$&*+,;=-._~%?#"
# Never in a real address, always in markup: a URL carrying one is refused, not repaired.
REFUSED = set('"<>`')
HOST_LABEL = re.compile(r"^(?!-)[a-z0-9-]{1,63}(?<!-)$")
PERCENT_ESCAPE = re.compile(r"%(?![0-9A-Fa-f]{2})")


def safe_url(url: object) -> str | None:
    """The http(s) URL in a link-safe form, or None when it must not be linked (see the module)."""
    if not isinstance(url, str) or not url or len(url) > MAX_URL_CHARS:
        return None
    if any(c.isspace() or ord(c) < 32 or ord(c) == 127 or c in REFUSED for c in url):
        return None
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        return None
    if parts.scheme.lower() not in SCHEMES or "@" in parts.netloc or not parts.hostname:
        return None
    host = _ascii_host(parts.hostname)
    if host is None:
        return None
    netloc = host + (f":{port}" if port is not None else "")
    rest = PERCENT_ESCAPE.sub("%25", url[len(parts.scheme) + 3 + len(parts.netloc) :])  # after "scheme://host"
    return f"{parts.scheme.lower()}://{netloc}{quote(rest, safe=PATH_SAFE)}"


def url_host(url: object) -> str:
    """The host a safe URL leads to ('' for one that is not safe): shown beside a link's title."""
    safe = safe_url(url)
    return (urlsplit(safe).hostname or "") if safe else ""


def _ascii_host(host: str) -> str | None:
    """The host as a browser would resolve it: an IP address, or an ASCII DNS name."""
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        pass
    else:
        return f"[{address}]" if address.version == 6 else str(address)
    try:
        ascii_host = host.encode("idna").decode("ascii").lower()
    except UnicodeError:
        return None
    labels = ascii_host.rstrip(".").split(".")
    if not all(HOST_LABEL.match(label) for label in labels):
        return None
    return ascii_host
