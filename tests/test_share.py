"""The copy-link box: what its script is given, and that nothing given can break out of it."""

import re

import pytest

from patrolmap.share import share_box_html
from patrolmap.viewstate import public_base


@pytest.mark.parametrize(
    "env, expected",
    [
        ({}, ""),
        ({"PATROLMAP_PUBLIC_URL": ""}, ""),
        ({"PATROLMAP_PUBLIC_URL": "https://maps.example.org/patrols/"}, "https://maps.example.org/patrols"),
        ({"PATROLMAP_PUBLIC_URL": " https://maps.example.org?x=1#top "}, "https://maps.example.org"),
        ({"PATROLMAP_PUBLIC_URL": "javascript:alert(1)"}, ""),
        ({"PATROLMAP_PUBLIC_URL": "ftp://maps.example.org"}, ""),
        ({"PATROLMAP_PUBLIC_URL": "https:///no-host"}, ""),
    ],
)
def test_public_base(env, expected):
    assert public_base(env) == expected


@pytest.mark.parametrize(
    "base, page, public_js, page_js",
    [
        ("", "", '""', '""'),
        ("https://maps.example.org", "Map", '"https://maps.example.org"', '"Map"'),
        ("https://x.example/</script><script>alert(1)</script>", "/Events/", None, '"Events"'),
        ("", 'Map";alert(1);//', '""', '"Map\\";alert(1);"'),  # the page's slashes trimmed
    ],
)
def test_share_box_fills_its_values_as_script_strings(base, page, public_js, page_js):
    html = share_box_html(base, page)
    assert "__PUBLIC__" not in html and "__PAGE__" not in html
    assert html.count("</script>") == 1 and html.count("<script>") == 1  # nothing given can close or open one
    if public_js is not None:
        assert f"var PUBLIC = {public_js}, PAGE = {page_js};" in html
    else:
        assert re.search(r'var PUBLIC = "https://x\.example/\\u003c/script\\u003e', html)
