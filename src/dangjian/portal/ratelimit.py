"""Limits against abuse of the public pages: counts per client address and per phone in the cache.

A fixed window per key: the first hit starts it, ``cache.incr`` counts (atomic on Redis, and per
process on the local-memory cache, which is what a single-process deployment has). Keys are
hashed, so no phone number or address is written to the cache in the clear.
"""

from __future__ import annotations

import hashlib

from django.core.cache import cache

from dangjian.core.middleware import client_ip


class RateLimited(Exception):
    """Too many attempts in the window; the page answers 429."""

    def __init__(self, scope: str, period: int):
        super().__init__(scope)
        self.scope = scope
        self.period = period


def _key(scope: str, value: str) -> str:
    digest = hashlib.sha256(f"{scope}:{value}".encode()).hexdigest()[:32]
    return f"portal:rate:{scope}:{digest}"


def count(scope: str, value: str) -> int:
    return int(cache.get(_key(scope, value), 0))


def hit(scope: str, value: str, *, limit: int, period: int) -> None:
    """Count one attempt; raise ``RateLimited`` once there were more than ``limit`` in ``period`` seconds."""
    key = _key(scope, value)
    cache.add(key, 0, timeout=period)
    try:
        current = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=period)
        current = 1
    if current > limit:
        raise RateLimited(scope, period)


def check(scope: str, value: str, *, limit: int, period: int) -> None:
    """Raise ``RateLimited`` when the limit is already used up, without counting an attempt."""
    if count(scope, value) >= limit:
        raise RateLimited(scope, period)


def ip_of(request) -> str:
    return client_ip(request) or "unknown"
