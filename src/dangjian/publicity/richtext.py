"""Sanitizing the rich text of announcements: ``core.richtext`` with the announcement's tags
(tables and our own uploaded images included)."""

from __future__ import annotations

from dangjian.core.richtext import ANNOUNCEMENT_TAGS, plain_text
from dangjian.core.richtext import clean_html as _clean_html

__all__ = ["clean_html", "plain_text"]


def clean_html(text: str) -> str:
    """``text`` with everything but the announcement's tags and attributes removed."""
    return _clean_html(text, tags=ANNOUNCEMENT_TAGS)
