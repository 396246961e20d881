"""The map tile server of DANGJIAN_TILE_URL is allowed as an image source by the
Content-Security-Policy, or the map of a deployment with tiles would stay blank."""

from __future__ import annotations

from dangjian.settings import _tile_source


def test_a_tile_template_allows_its_own_origin():
    assert _tile_source("https://tiles.intranet.gov.cn:8443/{z}/{x}/{y}.png") == [
        "https://tiles.intranet.gov.cn:8443"
    ]


def test_leaflets_subdomain_placeholder_becomes_a_wildcard_label():
    assert _tile_source("https://t{s}.tianditu.gov.cn/vec_w/wmts?x={x}&y={y}&l={z}") == [
        "https://*.tianditu.gov.cn"
    ]


def test_no_tile_url_adds_no_source():
    assert _tile_source("") == []
