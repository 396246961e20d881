"""Signed-in sessions end after a period without activity (``DANGJIAN_SESSION_IDLE_MINUTES``).

The session's own expiry is that idle period (``SESSION_COOKIE_AGE``), and it slides: this
middleware stamps the session with the time of the last request, at most once a minute, and the
stamp's save moves the expiry on (the database row's ``expire_date``, the cache entry's TTL and
the cookie's max-age). Saving on every request (``SESSION_SAVE_EVERY_REQUEST``) would do the same
with a session write per page and per htmx call; once a minute is one write in dozens
(docs/security.md, "Sign-in and sessions", has the figures). A request arriving after the idle
period signs out explicitly, so the user is told why.
"""

from __future__ import annotations

import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.utils.translation import gettext as _

LAST_SEEN_KEY = "dangjian_last_seen"
# Seconds between two stamps: the slack of the idle period, and how rarely the session is written.
TOUCH_EVERY = 60


class IdleSessionMiddleware:
    """After ``AuthenticationMiddleware`` and ``MessageMiddleware``."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            now = int(time.time())
            last = request.session.get(LAST_SEEN_KEY)
            idle = settings.SESSION_IDLE_MINUTES * 60
            if last is not None and now - int(last) > idle:
                logout(request)
                messages.info(
                    request,
                    _("You were signed out after %(hours)s hours without activity. Please sign in again.")
                    % {"hours": _hours(idle)},
                )
            elif last is None or now - int(last) >= TOUCH_EVERY:
                request.session[LAST_SEEN_KEY] = now
        return self.get_response(request)


def _hours(seconds: int) -> str:
    hours = seconds / 3600
    return f"{hours:g}" if hours >= 1 else f"{hours:.2g}"
