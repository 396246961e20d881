"""Navigation entries shown according to what the user's roles allow."""

from __future__ import annotations


def navigation(request) -> dict:
    return {}
