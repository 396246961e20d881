"""Recent authentication before a reveal of personal data or an export ("sudo mode").

A session left open on an office PC must not be enough to read ID numbers or take a ledger home:
a reveal or an Excel export needs the password (and the second factor, when enrolled) given
within ``REAUTH_MINUTES``. Signing in counts, so someone who has just signed in is not asked
again. Views are marked with ``recent_auth_required`` (or call ``ask_unless_recent`` where only
one branch reveals); the confirmation page is ``settings.REAUTH_URL`` (``accounts:reauth``), named
in settings like ``LOGIN_URL`` so that core does not import the accounts app. The API does not
use the session's confirmation: a token needs the ``reveal`` or ``export`` scope instead.
"""

from __future__ import annotations

import functools
import time
from collections.abc import Callable
from urllib.parse import urlencode

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme

SESSION_KEY = "dangjian_authenticated_at"


def mark_authenticated(request: HttpRequest) -> None:
    """Record in the session that its user has just proven who they are (sign-in or confirmation)."""
    request.session[SESSION_KEY] = int(time.time())


def recently_authenticated(request: HttpRequest) -> bool:
    stamp = request.session.get(SESSION_KEY)
    return stamp is not None and time.time() - int(stamp) <= settings.REAUTH_MINUTES * 60


def safe_next(request: HttpRequest, candidate: str | None, fallback: str = "/") -> str:
    if candidate and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return fallback


def ask_unless_recent(request: HttpRequest) -> HttpResponse | None:
    """The way to the confirmation page, or None when the session's user authenticated recently.

    Afterwards the user returns to the page they came from (the Referer), where they repeat the
    reveal or the export: a POST cannot be replayed, and a download arriving on the confirmation
    page would leave it on screen. Without a Referer, a GET returns to itself.
    """
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated or recently_authenticated(request):
        return None
    here = request.get_full_path() if request.method in ("GET", "HEAD") else "/"
    back = safe_next(request, request.headers.get("Referer"), fallback=here)
    url = f"{reverse(settings.REAUTH_URL)}?{urlencode({'next': back})}"
    if request.headers.get("HX-Request") == "true":
        # htmx would follow a 302 and swap the confirmation page into the button's target.
        response = HttpResponse(status=200)
        response["HX-Redirect"] = url
        return response
    return HttpResponseRedirect(url)


def recent_auth_required(view: Callable) -> Callable:
    """Decorator for a view that reveals personal data or exports: ask for the password first."""

    @functools.wraps(view)
    def guarded(request: HttpRequest, *args, **kwargs):
        return ask_unless_recent(request) or view(request, *args, **kwargs)

    guarded.requires_recent_auth = True  # read by the test that every export carries it
    return guarded
