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
