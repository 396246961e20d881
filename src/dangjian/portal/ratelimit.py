"""Limits against abuse of the public pages: counts per client address and per phone in the cache
(``core.ratelimit``, under the ``portal`` namespace)."""

from __future__ import annotations

from dangjian.core import ratelimit as counter
from dangjian.core.middleware import client_ip
from dangjian.core.ratelimit import RateLimited

__all__ = ["RateLimited", "check", "count", "hit", "ip_of"]

NAMESPACE = "portal"


def count(scope: str, value: str) -> int:
    return counter.count(NAMESPACE, scope, value)


def hit(scope: str, value: str, *, limit: int, period: int) -> None:
    """Count one attempt; raise ``RateLimited`` once there were more than ``limit`` in ``period`` seconds."""
    counter.hit(NAMESPACE, scope, value, limit=limit, period=period)


def check(scope: str, value: str, *, limit: int, period: int) -> None:
    """Raise ``RateLimited`` when the limit is already used up, without counting an attempt."""
    counter.check(NAMESPACE, scope, value, limit=limit, period=period)


def ip_of(request) -> str:
    return client_ip(request) or "unknown"
