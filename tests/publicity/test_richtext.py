"""Rich text of announcements is neutralised before it is stored (issue 14 acceptance): no
``<script>``, no ``on*=`` handler, no ``javascript:``/``data:`` URL survives, harmless markup does."""

from __future__ import annotations

import pytest

from dangjian.publicity.richtext import clean_html
from dangjian.publicity.services import create_announcement


@pytest.mark.parametrize(
    "dirty",
    [
        "<script>alert(1)</script>",
        "<SCRIPT SRC=//evil.example/x.js></SCRIPT>",
        '<img src="/x.png" onerror="alert(1)">',
        '<p onclick="alert(1)" onmouseover=alert(1)>x</p>',
        '<a href="javascript:alert(1)">x</a>',
        '<a href=" JaVa&#x09;ScRiPt:alert(1)">x</a>',
        '<a href="data:text/html;base64,PHNjcmlwdD4=">x</a>',
        '<img src="data:image/svg+xml,<svg onload=alert(1)>">',
        '<svg><script>alert(1)</script></svg><iframe src="/x"></iframe>',
        '<style>body{display:none}</style><div style="background:url(javascript:x)">x</div>',
        "<!--<script>--><script>alert(1)</script>",
    ],
)
def test_scripts_handlers_and_dangerous_urls_are_removed(dirty):
    cleaned = clean_html(dirty).lower()
    for danger in (
        "<script",
        "onerror",
        "onclick",
        "onmouseover",
        "onload",
        "javascript:",
        "data:",
        "<iframe",
        "style",
        "<svg",
    ):
        assert danger not in cleaned, (dirty, cleaned)


def test_harmless_markup_and_text_stay():
    cleaned = clean_html(
        '<h3>标题</h3><p>党建 <strong>工作</strong> &lt;b&gt;</p><a href="https://example.cn/a?x=1&y=2">链接</a>'
        '<img src="/publicity/files/3/" alt="照片"><ul><li>一</li></ul>'
    )
    assert "<h3>标题</h3>" in cleaned
    assert "<strong>工作</strong> &lt;b&gt;" in cleaned
    assert 'href="https://example.cn/a?x=1&amp;y=2" rel="noopener noreferrer nofollow"' in cleaned
    assert '<img src="/publicity/files/3/" alt="照片">' in cleaned
    assert "<li>一</li>" in cleaned


def test_an_image_from_another_site_is_dropped_so_no_tracking_pixel_reaches_readers():
    assert clean_html('<img src="https://tracker.example/p.gif">') == "<img>"


def test_the_service_stores_the_text_sanitized(world, secretary_a):
    announcement = create_announcement(
        by=secretary_a, org=world.org_a, title="通知", body='<p onclick="x">内容</p><script>alert(1)</script>'
    )
    announcement.refresh_from_db()
    assert announcement.body == "<p>内容</p>"
