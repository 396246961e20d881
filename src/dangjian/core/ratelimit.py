"""Counting attempts in the cache, per key and window, for limits against abuse.

A fixed window per key: the first hit starts it, ``cache.incr`` counts (atomic on Redis, so every
app process shares the count; per process on the local-memory cache, which is what a
single-process deployment has). Keys are hashed, so no phone number or address is written to the
cache in the clear. The portal's limits and the sign-in throttle both count here.
"""

from __future__ import annotations

import hashlib
import time

from django.core.cache import cache


class RateLimited(Exception):
    """Too many attempts in the window; the page answers 429 (``retry_after`` seconds, at most ``period``)."""

    def __init__(self, scope: str, period: int, retry_after: int | None = None):
        super().__init__(scope)
        self.scope = scope
        self.period = period
        self.retry_after = retry_after if retry_after is not None else period


def _key(namespace: str, scope: str, value: str) -> str:
    digest = hashlib.sha256(f"{scope}:{value}".encode()).hexdigest()[:32]
    return f"{namespace}:rate:{scope}:{digest}"


def count(namespace: str, scope: str, value: str) -> int:
    return int(cache.get(_key(namespace, scope, value), 0))


def retry_after(namespace: str, scope: str, value: str, *, period: int) -> int:
    """Seconds until the key's window ends (the whole period when its start is unknown)."""
    started = cache.get(_key(namespace, scope, value) + ":start")
    if started is None:
        return period
    return max(1, int(started + period - time.time()))


def hit(namespace: str, scope: str, value: str, *, limit: int, period: int) -> int:
    """Count one attempt and return the count; raise ``RateLimited`` once there were more than
    ``limit`` in ``period`` seconds."""
    key = _key(namespace, scope, value)
    if cache.add(key, 0, timeout=period):
        cache.set(key + ":start", time.time(), timeout=period)
    try:
        current = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=period)
        cache.set(key + ":start", time.time(), timeout=period)
        current = 1
    if current > limit:
        raise RateLimited(scope, period, retry_after(namespace, scope, value, period=period))
    return current


def check(namespace: str, scope: str, value: str, *, limit: int, period: int) -> None:
    """Raise ``RateLimited`` when the limit is already used up, without counting an attempt."""
    if count(namespace, scope, value) >= limit:
        raise RateLimited(scope, period, retry_after(namespace, scope, value, period=period))
