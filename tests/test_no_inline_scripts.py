"""No script runs from inside a page (issue 15 point 6): the Content-Security-Policy allows
scripts only from our static files, so an inline ``<script>``, an ``onclick=`` or a
``javascript:`` link would simply not work — and, worse, would tempt someone to loosen the policy.

``inline_script_findings`` is shared with the menu crawl (tests/test_menu_crawl.py), which
checks every page the demo logins reach; the template scan here catches pages no menu leads to.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

from django.test import Client
from django.urls import reverse

SOURCE = Path(__file__).resolve().parent.parent / "src" / "dangjian"
# JSON data islands ({{ value|json_script }}) are data, never executed.
DATA_TYPES = {"application/json", "application/ld+json"}


class _InlineScripts(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.findings: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if tag == "script" and not values.get("src") and (values.get("type") or "").lower() not in DATA_TYPES:
            self.findings.append("<script> without src")
        for name, value in attrs:
            if name.startswith("on") or name.startswith("hx-on"):
                self.findings.append(f"<{tag} {name}=…>")
            elif (value or "").strip().lower().startswith("javascript:"):
                self.findings.append(f"<{tag} {name}=javascript:…>")


def inline_script_findings(html: str) -> list[str]:
    """What on a page would be script outside our static files: ``<script>`` without ``src``
    (other than a JSON data island), any ``on…=`` or ``hx-on…=`` attribute, a ``javascript:`` URL."""
    parser = _InlineScripts()
    parser.feed(html)
    parser.close()
    return parser.findings


def test_the_finder_names_each_kind_of_inline_script_and_passes_scripts_from_files():
    page = """
      <script src="/static/dangjian/app.js"></script>
      <script id="data" type="application/json">{"a": 1}</script>
      <script>alert(1)</script>
      <button onclick="go()">x</button><select onchange="this.form.submit()"></select>
      <div hx-on::after-request="x()"></div><a href=" JavaScript:void(0)">y</a>
    """
    assert inline_script_findings(page) == [
        "<script> without src",
        "<button onclick=…>",
        "<select onchange=…>",
        "<div hx-on::after-request=…>",
        "<a href=javascript:…>",
    ]


_SCRIPT_WITHOUT_SRC = re.compile(
    r"<script\b(?![^>]*\bsrc=)(?![^>]*type=[\"']application/(?:ld\+)?json)[^>]*>"
)
_HANDLER = re.compile(r"\s(?:on[a-z]+|hx-on[:\w-]*)\s*=", re.IGNORECASE)
_JAVASCRIPT_URL = re.compile(r"=\s*[\"']\s*javascript:", re.IGNORECASE)
_TEMPLATE_COMMENT = re.compile(r"{% comment %}.*?{% endcomment %}|{#.*?#}", re.DOTALL)


def _blank_comments(text: str) -> str:
    """Template comments (which document blocks such as base.html's ``extra_js``) kept as newlines."""
    return _TEMPLATE_COMMENT.sub(lambda match: "\n" * match.group(0).count("\n"), text)


def test_no_template_holds_an_inline_script_or_handler():
    findings = []
    for template in sorted(SOURCE.rglob("templates/**/*.html")):
        text = _blank_comments(template.read_text())
        for pattern in (_SCRIPT_WITHOUT_SRC, _HANDLER, _JAVASCRIPT_URL):
            for match in pattern.finditer(text):
                line = text.count("\n", 0, match.start()) + 1
                findings.append(f"{template.relative_to(SOURCE)}:{line}: {match.group(0).strip()}")
    assert findings == [], "\n".join(findings)


def test_the_doors_of_the_platform_carry_no_inline_script(db):
    """The pages reached before signing in: the staff login and the residents' portal."""
    client = Client()
    for name in ("accounts:login", "portal:index", "portal:submit", "portal:track_lookup"):
        response = client.get(reverse(name))
        assert response.status_code == 200, name
        assert inline_script_findings(response.content.decode()) == [], name
