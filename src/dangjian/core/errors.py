"""Domain errors raised by service functions and translated into form errors or 4xx answers,
and the error pages (403, 404, 429, 500) that show them to people."""

from __future__ import annotations

import errno
import re
import sys

from django.http import Http404, HttpResponse, HttpResponseServerError, JsonResponse
from django.shortcuts import render
from django.utils.functional import Promise
from django.utils.translation import gettext


class RuleViolation(Exception):
    """A change refused by a rule; ``rule`` names it, ``message`` says it in Chinese."""

    def __init__(self, message: str, *, rule: str = "", field: str | None = None):
        super().__init__(message)
        self.message = message
        self.rule = rule
        self.field = field


class PermissionDenied(RuleViolation):
    """The user may not do this here (outside their scope, or without the permission)."""


class ConcurrentChange(RuleViolation):
    """The record changed after the user loaded it; their change is not applied."""


class NotFound(Http404):
    """A 404 whose message is written for the user (Chinese, specific), shown on the 404 page.

    Django's own 404 messages ("No Organization matches the given query.") and the codes some
    views pass are for developers and stay off the page; only this class's message reaches it.
    """


# --- Error pages: 403, 404, 429 and 500 in the site's frame, in the reader's language -----------
#
# ``dangjian.urls`` names these as handler403/404/500. Staff pages get ``base.html`` with the
# navigation; the residents' portal (/portal/) gets its own frame; the JSON API (/api/) and
# Open311 (/open311/) keep answering in their formats.

# A refusal's message that is a permission name ("dues.view_duespayment") or a code ("visit") is
# for developers: the page then says the general reason instead.
_CODE = re.compile(r"^[\w.:-]*$")


def _reason(exception) -> str:
    if exception is None or not exception.args:
        return ""
    message = exception.args[0]
    if not isinstance(message, str | Promise):
        return ""
    text = str(message).strip()
    return "" if _CODE.match(text) else text


def _kind(request) -> str:
    path = getattr(request, "path_info", "") or ""
    if path.startswith("/api/"):
        return "api"
    if path.startswith("/open311/"):
        return "open311"
    if path.startswith("/portal/"):
        return "portal"
    return "staff"


def _json_error(request, kind: str, status: int, detail: str) -> HttpResponse:
    # Open311's error shape is a list (GeoReport v2); the API's is ninja's {"detail": …}.
    body = [{"code": status, "description": detail}] if kind == "open311" else {"detail": detail}
    return JsonResponse(body, status=status, safe=False, json_dumps_params={"ensure_ascii": False})


def _page(request, status: int, reason: str = "", **context) -> HttpResponse:
    template = f"portal/{status}.html" if _kind(request) == "portal" else f"{status}.html"
    return render(request, template, {"reason": reason, "status": status, **context}, status=status)


def permission_denied(request, exception=None) -> HttpResponse:
    """403: the refusal's reason where the code gives one (``PermissionDenied(_("只有党员本人可以报到。"))``)."""
    kind = _kind(request)
    reason = _reason(exception)
    if kind in ("api", "open311"):
        return _json_error(request, kind, 403, reason or gettext("You do not have permission to do this."))
    return _page(request, 403, reason)


def page_not_found(request, exception=None) -> HttpResponse:
    """404: the page does not exist or lies outside the reader's part of the trees (the two look
    the same on purpose, so nothing leaks), with a link home."""
    kind = _kind(request)
    reason = _reason(exception) if isinstance(exception, NotFound) else ""
    if kind in ("api", "open311"):
        return _json_error(request, kind, 404, reason or gettext("Not found."))
    return _page(request, 404, reason)


def too_many_requests(request, reason: str = "", *, retry_after: int | None = None) -> HttpResponse:
    """429 in the site's frame (or the portal's): too many attempts, with when to try again."""
    kind = _kind(request)
    if kind in ("api", "open311"):
        response = _json_error(
            request, kind, 429, reason or gettext("Too many requests; please try again later.")
        )
    else:
        response = _page(request, 429, reason)
    if retry_after:
        response["Retry-After"] = str(int(retry_after))
    return response


# A fault outside the request's control, answered 503 (the client may retry) rather than 500.
# Seconds a client is asked to wait (``Retry-After``): a restarted PostgreSQL answers again
# within a few seconds (docs/operations.md, "Faults").
RETRY_AFTER_SECONDS = 5


def unavailable_reason(exception: BaseException | None) -> str:
    """The user's message when ``exception`` is a fault of the platform's surroundings, else "".

    The database connection lost or refused (psycopg's errors arrive as Django's
    ``OperationalError`` or ``InterfaceError``; SQLite's "database is locked" too) and a full disk
    (``ENOSPC`` while an upload is written): the transaction was rolled back, so nothing was saved,
    and the same action can simply be tried again.
    """
    from django.db import InterfaceError, OperationalError

    if isinstance(exception, OperationalError | InterfaceError):
        return gettext(
            "The database could not be reached, so nothing was saved. Please try again in a moment."
        )
    if isinstance(exception, OSError) and exception.errno == errno.ENOSPC:
        return gettext(
            "The server's disk is full, so the file was not saved and nothing was changed. "
            "Please tell the administrator and try again later."
        )
    return ""


def server_error(request) -> HttpResponse:
    """500: rendered without context processors or queries, since the database may be what failed;
    the language comes from the switcher's cookie, as for every page.

    Django calls this inside its ``except`` block, so the exception is at hand: a lost database
    or a full disk answers 503 with what happened and ``Retry-After`` instead (``unavailable_reason``).
    """
    from django.conf import settings
    from django.template import loader
    from django.utils import translation

    kind = _kind(request)
    chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME, "") if request is not None else ""
    language = chosen if chosen in {code for code, _name in settings.LANGUAGES} else settings.LANGUAGE_CODE
    with translation.override(language):
        reason = unavailable_reason(sys.exc_info()[1])
        if reason:
            return _unavailable(request, kind, reason, language)
        detail = gettext(
            "Something went wrong on the server. The error has been recorded; please try again later."
        )
        if kind in ("api", "open311"):
            return _json_error(request, kind, 500, detail)
        template = "portal/500.html" if kind == "portal" else "500.html"
        try:
            body = loader.get_template(template).render({"status": 500, "LANGUAGE_CODE": language})
        except Exception:  # the frame itself failed: a plain page still says it in the user's language
            body = f"<!doctype html><meta charset='utf-8'><title>500</title><p>{detail}</p><p><a href='/'>/</a></p>"
        return HttpResponseServerError(body)


def _unavailable(request, kind: str, reason: str, language: str) -> HttpResponse:
    from django.template import loader

    if kind in ("api", "open311"):
        response = _json_error(request, kind, 503, reason)
    else:
        template = "portal/503.html" if kind == "portal" else "503.html"
        try:
            body = loader.get_template(template).render(
                {"status": 503, "reason": reason, "LANGUAGE_CODE": language}
            )
        except Exception:  # the frame itself failed: a plain page still says it
            body = f"<!doctype html><meta charset='utf-8'><title>503</title><p>{reason}</p><p><a href='/'>/</a></p>"
        response = HttpResponse(body, status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response
