"""Sign-in throttling per client address, across accounts.

The per-account lockout (``services.login_locked_until``) stops guessing one account's password;
it does not stop one machine trying one common password on many accounts. Failed sign-ins
(pages, and wrong bearer tokens on the API) are therefore also counted per client address in the
cache (``core.ratelimit``; Redis when ``REDIS_URL`` is set, so every app process shares the count);
beyond ``SIGNIN_FAILURES_PER_IP`` in ``SIGNIN_IP_WINDOW_MINUTES`` every sign-in from that address,
right or wrong, answers 429 until the window ends. The address is REMOTE_ADDR, or the first
X-Forwarded-For hop when ``DANGJIAN_TRUST_PROXY`` is on (``core.middleware.client_ip``).

An office behind one NAT address shares the count, hence a default well above what a few
colleagues mistyping would reach.
"""

from __future__ import annotations

import contextlib

from django.conf import settings
from django.http import HttpRequest

from dangjian.core import ratelimit
from dangjian.core.middleware import client_ip
from dangjian.core.ratelimit import RateLimited

NAMESPACE = "signin"
SCOPE = "ip"


def _address(request: HttpRequest | None) -> str:
    return (client_ip(request) if request is not None else None) or "unknown"


def _period() -> int:
    return settings.SIGNIN_IP_WINDOW_MINUTES * 60


def check_address(request: HttpRequest | None) -> None:
    """Raise ``RateLimited`` when the client address has used up its failed sign-ins."""
    ratelimit.check(
        NAMESPACE, SCOPE, _address(request), limit=settings.SIGNIN_FAILURES_PER_IP, period=_period()
    )


def count_failure(request: HttpRequest | None) -> None:
    """Count one failed sign-in from the client address (the attempt itself is already refused)."""
    with contextlib.suppress(RateLimited):
        ratelimit.hit(
            NAMESPACE, SCOPE, _address(request), limit=settings.SIGNIN_FAILURES_PER_IP, period=_period()
        )


__all__ = ["RateLimited", "check_address", "count_failure"]
