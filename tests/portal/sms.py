"""An SMS backend for tests: messages go to a list instead of the log."""

from __future__ import annotations

import re

OUTBOX: list[tuple[str, str]] = []


def outbox_backend(phone: str, text: str) -> None:
    OUTBOX.append((phone, text))


def last_code(phone: str) -> str:
    """The 6-digit code of the newest message to ``phone``."""
    for to, text in reversed(OUTBOX):
        if to == phone:
            match = re.search(r"\d{6}", text)
            if match:
                return match.group(0)
    raise AssertionError(f"no code was sent to {phone}: {OUTBOX}")


def last_rating_token(phone: str) -> str:
    """The one-time token of the newest rating link sent to ``phone`` (the ``?t=`` of the link)."""
    for to, text in reversed(OUTBOX):
        if to == phone:
            match = re.search(r"\?t=([A-Za-z0-9_\-]+)", text)
            if match:
                return match.group(1)
    raise AssertionError(f"no rating link was sent to {phone}: {OUTBOX}")
