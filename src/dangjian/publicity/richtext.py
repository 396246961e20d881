"""Sanitizing the rich text of announcements: only a small set of harmless tags and attributes
survives, every text and attribute value is escaped again on the way out.

Neither ``nh3`` nor ``bleach`` is installed, so this is an allowlist over the HTML5 parser
``tinyhtml5`` (already installed with WeasyPrint): the input is parsed as a browser would parse
it, and only allowed elements are written back. ``<script>``, ``<style>``, ``<iframe>`` and the
like are dropped with their content; other unknown elements are unwrapped (their text stays);
``on*=`` and ``style`` attributes never pass; links keep only http(s), mailto and local paths;
images only local paths (our own uploads), so no tracking pixel or ``data:`` URL gets through.
"""

from __future__ import annotations

import html
import re
import xml.etree.ElementTree as ET

import tinyhtml5

ALLOWED_TAGS = {
    "p", "br", "strong", "b", "em", "i", "u", "s", "h2", "h3", "h4", "ul", "ol", "li",
    "blockquote", "a", "img", "table", "thead", "tbody", "tr", "th", "td", "hr",
}  # fmt: skip
DROPPED_WITH_CONTENT = {
    "script", "style", "iframe", "object", "embed", "noscript", "template", "textarea",
    "select", "svg", "math", "head", "title", "frame", "frameset", "applet", "form",
}  # fmt: skip
VOID = {"br", "hr", "img"}
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title"},
    "img": {"src", "alt", "width", "height"},
    "td": {"colspan", "rowspan"},
    "th": {"colspan", "rowspan"},
}
LINK_SCHEMES = ("http://", "https://", "mailto:")
# Browsers ignore tabs, newlines and other control characters inside a scheme (java\tscript:).
_IGNORED_IN_URL = re.compile(r"[\x00-\x20\x7f]+")
_NUMBER = re.compile(r"^\d{1,4}$")


def _local(url: str) -> bool:
    return url.startswith("/") and not url.startswith("//") and "\\" not in url


def _safe_url(tag: str, value: str) -> str | None:
    compact = _IGNORED_IN_URL.sub("", value).lower()
    if tag == "img":
        return value.strip() if _local(compact) else None
    if _local(compact) or compact.startswith("#") or compact.startswith(LINK_SCHEMES):
        return value.strip()
    return None


def _attributes(tag: str, element: ET.Element) -> str:
    parts = []
    for name, value in element.attrib.items():
        name = name.lower()
        if name not in ALLOWED_ATTRIBUTES.get(tag, ()):
            continue
        if name in ("href", "src"):
            value = _safe_url(tag, value)
            if value is None:
                continue
        elif name in ("width", "height", "colspan", "rowspan") and not _NUMBER.match(value.strip()):
            continue
        parts.append(f' {name}="{html.escape(value, quote=True)}"')
    if tag == "a":
        parts.append(' rel="noopener noreferrer nofollow"')
    return "".join(parts)


def _write(element: ET.Element, out: list[str]) -> None:
    tag = element.tag.rsplit("}", 1)[-1].lower() if isinstance(element.tag, str) else ""
    if tag in DROPPED_WITH_CONTENT or not tag:
        # A comment or a dropped element: its tail text still belongs to the parent.
        if element.tail:
            out.append(html.escape(element.tail, quote=False))
        return
    allowed = tag in ALLOWED_TAGS
    if allowed:
        out.append(f"<{tag}{_attributes(tag, element)}>")
    if element.text and tag not in VOID:
        out.append(html.escape(element.text, quote=False))
    for child in element:
        _write(child, out)
    if allowed and tag not in VOID:
        out.append(f"</{tag}>")
    if element.tail:
        out.append(html.escape(element.tail, quote=False))


def clean_html(text: str) -> str:
    """``text`` with everything but the allowed tags and attributes removed, ready to show as is."""
    if not text or not text.strip():
        return ""
    document = tinyhtml5.parse(text)
    body = next((child for child in document if str(child.tag).endswith("body")), None)
    if body is None:
        return ""
    out: list[str] = []
    if body.text:
        out.append(html.escape(body.text, quote=False))
    for child in body:
        _write(child, out)
    return "".join(out).strip()


def plain_text(cleaned: str) -> str:
    """The words of cleaned rich text (for search and notices)."""
    document = tinyhtml5.parse(cleaned or "")
    return " ".join(" ".join(document.itertext()).split())
