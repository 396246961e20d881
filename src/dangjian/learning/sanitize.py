"""Sanitized HTML for text lessons: a small allow-list of tags and attributes, everything else
escaped. ``nh3`` (the Rust ammonia binding) is used when installed; otherwise the standard
library's parser does the same allow-list, so a ``<script>``, an ``onerror=`` or a
``javascript:`` link never reaches a learner's page."""

from __future__ import annotations

from html import escape
from html.parser import HTMLParser

TAGS = {"p", "br", "strong", "b", "em", "i", "u", "h2", "h3", "h4", "ul", "ol", "li", "blockquote", "a"}
VOID = {"br"}
DROP_CONTENT = {"script", "style", "iframe", "object", "embed", "template", "noscript", "svg", "math"}
SCHEMES = ("http://", "https://", "mailto:")

try:  # pragma: no cover - depends on the environment
    import nh3
except ImportError:  # pragma: no cover
    nh3 = None


class _Cleaner(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.out: list[str] = []
        self.open: list[str] = []
        self.dropping = 0

    def handle_starttag(self, tag, attrs):
        if tag in DROP_CONTENT:
            self.dropping += 1
            return
        if self.dropping or tag not in TAGS:
            return
        if tag == "a":
            href = next((value or "" for name, value in attrs if name == "href"), "").strip()
            if href.lower().startswith(SCHEMES):
                self.out.append(f'<a href="{escape(href, quote=True)}" rel="noopener noreferrer">')
            else:
                self.out.append("<a>")
        else:
            self.out.append(f"<{tag}>")
        if tag not in VOID:
            self.open.append(tag)

    def handle_startendtag(self, tag, attrs):
        if not self.dropping and tag in VOID:
            self.out.append(f"<{tag}>")

    def handle_endtag(self, tag):
        if tag in DROP_CONTENT:
            self.dropping = max(0, self.dropping - 1)
            return
        if self.dropping or tag not in self.open:
            return
        while self.open:
            last = self.open.pop()
            self.out.append(f"</{last}>")
            if last == tag:
                break

    def handle_data(self, data):
        if not self.dropping:
            self.out.append(escape(data, quote=False))

    def result(self) -> str:
        self.close()
        return "".join(self.out) + "".join(f"</{tag}>" for tag in reversed(self.open))


def clean_html(text: str) -> str:
    """``text`` with only the allowed tags kept (links to http, https and mailto only)."""
    if nh3 is not None:  # pragma: no cover
        return nh3.clean(
            text,
            tags=TAGS,
            attributes={"a": {"href"}},
            url_schemes={"http", "https", "mailto"},
            link_rel="noopener noreferrer",
        )
    cleaner = _Cleaner()
    cleaner.feed(text or "")
    return cleaner.result()
