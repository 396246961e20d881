"""Sanitized HTML for text lessons: ``core.richtext`` with the lesson's smaller set of tags
(no images or tables: a lesson's media are its own PDF and video kinds)."""

from __future__ import annotations

from dangjian.core.richtext import LESSON_TAGS
from dangjian.core.richtext import clean_html as _clean_html


def clean_html(text: str) -> str:
    """``text`` with only the lesson's tags kept (links to http, https, mailto and local paths)."""
    return _clean_html(text, tags=LESSON_TAGS)
