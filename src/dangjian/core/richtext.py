"""Sanitized rich text (announcements, text lessons): an allow-list of harmless tags and
attributes, through ``nh3`` (the binding of the Rust crate ammonia, which parses as a browser
does) rather than our own parser.

``<script>``, ``<style>``, ``<iframe>`` and the like go with their content; other unknown
elements are unwrapped (their text stays); ``on*=`` and ``style`` attributes never pass; links
keep only http(s), mailto, fragments and local paths (``java\\tscript:`` included: ammonia reads
the scheme as a browser would); images only local paths — our own uploads — so no tracking
pixel and no ``data:`` URL gets through.
"""

from __future__ import annotations

import html
import re

import nh3

ANNOUNCEMENT_TAGS = frozenset(
    {
        "p", "br", "strong", "b", "em", "i", "u", "s", "h2", "h3", "h4", "ul", "ol", "li",
        "blockquote", "a", "img", "table", "thead", "tbody", "tr", "th", "td", "hr",
    }
)  # fmt: skip
LESSON_TAGS = frozenset(
    {"p", "br", "strong", "b", "em", "i", "u", "h2", "h3", "h4", "ul", "ol", "li", "blockquote", "a"}
)
DROPPED_WITH_CONTENT = frozenset(
    {
        "script", "style", "iframe", "object", "embed", "noscript", "template", "textarea",
        "select", "svg", "math", "title", "frame", "frameset", "applet", "form",
    }
)  # fmt: skip
ATTRIBUTES = {
    "a": {"href", "title"},
    "img": {"src", "alt", "width", "height"},
    "td": {"colspan", "rowspan"},
    "th": {"colspan", "rowspan"},
}
_NUMBER = re.compile(r"^\d{1,4}$")
# Browsers ignore tabs, newlines and other control characters inside a URL's scheme.
_IGNORED_IN_URL = re.compile(r"[\x00-\x20\x7f]+")


def _local(url: str) -> bool:
    compact = _IGNORED_IN_URL.sub("", url)
    return compact.startswith("/") and not compact.startswith("//") and "\\" not in compact


def _attribute(tag: str, name: str, value: str) -> str | None:
    if tag == "img" and name == "src":
        return value if _local(value) else None
    if (
        tag == "a"
        and name == "href"
        and not (value.startswith(("#", "http:", "https:", "mailto:")) or _local(value))
    ):
        return None
    if name in ("width", "height", "colspan", "rowspan"):
        return value if _NUMBER.match(value.strip()) else None
    return value


def clean_html(text: str, *, tags: frozenset[str] = ANNOUNCEMENT_TAGS) -> str:
    """``text`` with everything but ``tags`` and their allowed attributes removed, ready to show."""
    if not text or not text.strip():
        return ""
    return nh3.clean(
        text,
        tags=set(tags),
        clean_content_tags=set(DROPPED_WITH_CONTENT - tags),
        attributes={tag: names for tag, names in ATTRIBUTES.items() if tag in tags},
        attribute_filter=_attribute,
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener noreferrer nofollow",
        strip_comments=True,
    ).strip()


def plain_text(cleaned: str) -> str:
    """The words of rich text (for search tokens and notices), without any markup."""
    text = nh3.clean(cleaned or "", tags=set(), clean_content_tags=set(DROPPED_WITH_CONTENT))
    return " ".join(html.unescape(text).split())
