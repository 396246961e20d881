"""Signed-in sessions end after a period without activity (``DANGJIAN_SESSION_IDLE_MINUTES``), and
users whose role requires two-step sign-in enrol before anything else.

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
from django.http import HttpResponse, HttpResponseRedirect, JsonResponse
from django.urls import Resolver404, resolve, reverse
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


# What a user sent to enrolment may still open: the enrolment page itself, signing out, the
# language switch.
ENROLMENT_OPEN = frozenset({"accounts:totp_setup", "accounts:logout", "set_language"})


class TotpEnrolmentMiddleware:
    """Sends a user whose role is in ``DANGJIAN_TOTP_REQUIRED_FOR`` and who has no authenticator
    app to the enrolment page, whatever they open, until they enrol (accounts.totp).

    The sign-in marks the session (``totp.REQUIRED_KEY``, one query then); here it is only read,
    so other requests cost nothing. A role granted during a session counts from the next sign-in.
    Bearer-token API calls carry no session and are not concerned.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        from dangjian.accounts import totp

        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated or not request.session.get(totp.REQUIRED_KEY):
            return self.get_response(request)
        try:
            name = resolve(request.path_info).view_name
        except Resolver404:
            name = ""
        if name in ENROLMENT_OPEN:
            return self.get_response(request)
        message = _("Your role requires two-step sign-in: please enrol an authenticator app first.")
        if request.path_info.startswith("/api/"):
            return JsonResponse({"detail": message}, status=403)
        url = reverse("accounts:totp_setup")
        if request.headers.get("HX-Request") == "true":
            response = HttpResponse(status=200)
            response["HX-Redirect"] = url
            return response
        return HttpResponseRedirect(url)
