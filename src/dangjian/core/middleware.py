"""Request context for audit lines: a request ID and the client address."""

from __future__ import annotations

import uuid

from dangjian.core.audit import RequestContext, current_request


def client_ip(request) -> str | None:
    # Behind the reverse proxy of a deployment, REMOTE_ADDR is the proxy; the proxy is trusted to
    # set X-Forwarded-For only when DANGJIAN_TRUST_PROXY is on (see docs/deployment.md).
    from django.conf import settings

    if getattr(settings, "TRUST_PROXY", False):
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        if forwarded:
            return forwarded.split(",")[0].strip() or None
    return request.META.get("REMOTE_ADDR") or None


class RequestContextMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.request_id = request.headers.get("X-Request-ID", "")[:36] or str(uuid.uuid4())
        token = current_request.set(RequestContext(request_id=request.request_id, ip=client_ip(request)))
        try:
            response = self.get_response(request)
        finally:
            current_request.reset(token)
        response["X-Request-ID"] = request.request_id
        return response


class ChineseFirstLocaleMiddleware:
    """The page language: the one chosen with the language switcher, else zh-Hans.

    Django's LocaleMiddleware would follow the browser's Accept-Language, which shows English
    on the many office PCs with English browsers; the platform is Chinese first (DESIGN.md,
    principle 8), so only an explicit choice (the switcher's cookie) changes the language.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        from django.conf import settings
        from django.utils import translation
        from django.utils.cache import patch_vary_headers

        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME, "")
        supported = {code for code, _name in settings.LANGUAGES}
        language = chosen if chosen in supported else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()
        response = self.get_response(request)
        response.headers.setdefault("Content-Language", request.LANGUAGE_CODE)
        patch_vary_headers(response, ("Cookie",))
        return response


# Paths whose answers carry personal data whoever asks: the two APIs (token callers have no
# session user) and the residents' portal (tracking pages name a resident's request by its code).
PERSONAL_PATH_PREFIXES = ("/api/", "/open311/", "/portal/")


class NoStoreMiddleware:
    """``Cache-Control: private, no-store`` on what the application renders with personal data.

    A page seen by a signed-in user, an API answer or a portal page must not stay in the
    browser's cache or back/forward cache of a shared office PC, nor in a proxy on the way. The
    rule is by request, not page by page, so a new page cannot forget it. Static files never
    reach this middleware (whitenoise answers them first) and keep their long caching; an
    anonymous public page keeps a caching header its view chose, and gets no-store otherwise.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        from django.utils.cache import patch_cache_control

        response = self.get_response(request)
        user = getattr(request, "user", None)
        personal = (user is not None and user.is_authenticated) or request.path_info.startswith(
            PERSONAL_PATH_PREFIXES
        )
        if personal or not response.has_header("Cache-Control"):
            # Merged into what the view set (never_cache's max-age=0 stays); private drops public.
            patch_cache_control(response, private=True, no_store=True)
        return response
