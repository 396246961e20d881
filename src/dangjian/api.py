"""The platform's JSON API at /api/v1/ (django-ninja), OpenAPI at /api/v1/openapi.json.

Every operation needs a bearer token or the signed-in session (see ``accounts/api.py``). Domain
errors from the service functions become JSON answers here, once for every app: a refused rule
is 400, a missing permission 403, a stale edit 409, and an unexpected error a plain 500 without
a stack trace (the trace goes to the server log).
"""

from __future__ import annotations

import logging
import threading
from collections import defaultdict
from contextlib import contextmanager

from django.db import DataError
from django.http import Http404, HttpRequest, HttpResponse
from django.http.multipartparser import MultiPartParserError
from django.utils.translation import gettext_lazy as _
from ninja import NinjaAPI, Swagger
from ninja.errors import AuthenticationError
from ninja.openapi import schema as ninja_openapi
from ninja.renderers import JSONRenderer
from ninja.schema import NinjaGenerateJsonSchema

from dangjian.accounts.api import BearerTokenAuth, SessionAuth, login_or_token_required
from dangjian.accounts.api import router as accounts_router
from dangjian.activities.api import router as activities_router
from dangjian.core.errors import (
    RETRY_AFTER_SECONDS,
    ConcurrentChange,
    PermissionDenied,
    RuleViolation,
    too_many_requests,
    unavailable_reason,
)
from dangjian.core.ratelimit import RateLimited
from dangjian.demonstration.api import router as demonstration_router
from dangjian.development.api import router as development_router
from dangjian.dual_reporting.api import router as dual_reporting_router
from dangjian.dues.api import router as dues_router
from dangjian.elections.api import router as elections_router
from dangjian.evaluation.api import router as evaluation_router
from dangjian.help_pairs.api import router as help_pairs_router
from dangjian.jobs.api import router as jobs_router
from dangjian.learning.api import router as learning_router
from dangjian.life.api import router as life_router
from dangjian.member_points.api import router as member_points_router
from dangjian.members.api import router as members_router
from dangjian.members.ledger_api import router as ledger_router
from dangjian.orgs.api import router as orgs_router
from dangjian.service.api import router as service_router
from dangjian.volunteering.ledger.api import router as volunteering_ledger_router
from dangjian.volunteering.lists.api import router as volunteering_lists_router
from dangjian.volunteering.matchmaking.api import router as matchmaking_router

logger = logging.getLogger("django.request")


class UnicodeJSONRenderer(JSONRenderer):
    """UTF-8 JSON with Chinese as characters, not ``\\u`` escapes: readable and a third smaller."""

    json_dumps_params = {"ensure_ascii": False}


# The answers every operation may give besides its own, documented once here rather than on each
# endpoint (ninja documents only the statuses an endpoint declares): the handlers below produce
# them for every operation alike. schemathesis (tests/test_api_fuzz.py) checks each answer's
# status is documented and its body matches.
ERROR_SCHEMA = {
    "title": "Error",
    "type": "object",
    "properties": {
        "detail": {"type": "string", "description": "What went wrong, in the user's language."},
        "rule": {"anyOf": [{"type": "string"}, {"type": "null"}], "description": "The rule refused."},
        "field": {"anyOf": [{"type": "string"}, {"type": "null"}], "description": "The field at fault."},
    },
    "required": ["detail"],
}
VALIDATION_ERROR_SCHEMA = {
    "title": "ValidationError",
    "type": "object",
    "properties": {
        "detail": {
            "type": "array",
            "items": {"type": "object"},
            "description": "One entry per invalid value: its location (loc), message (msg) and type.",
        }
    },
    "required": ["detail"],
}
COMMON_ERRORS = {
    "400": "Bad request: a rule refused the change, or the body could not be read",
    "401": "Authentication required: no valid bearer token or session",
    "403": "Forbidden: the caller's roles or the token's scopes do not allow this",
    "404": "Not found, or outside the caller's scope (the same answer)",
    "409": "Conflict: the record changed since it was read (a stale version)",
    "422": "Invalid input: a value does not match the schema",
    "429": "Too many requests: try again after Retry-After seconds",
    "503": "Unavailable: the database could not be reached or the disk is full; nothing was saved, "
    "send the same request again after Retry-After seconds",
}


class _NamingJsonSchema(NinjaGenerateJsonSchema):
    """Names each component by its class, prefixed by its app where two classes share a name.

    Ninja merges every operation's definitions into one ``components`` by name, silently: the
    ``ClaimOut`` of 双报到 and the one of 服务岗位 became one, and the claims list was documented
    with the other app's fields. ``seen`` collects the classes behind each name on a first pass;
    names in ``ambiguous`` get their app's name in front (``DualReportingClaimOut``).
    """

    seen: dict[str, set[str]] = {}
    ambiguous: frozenset[str] = frozenset()

    def get_defs_ref(self, core_mode_ref):
        core_ref, mode = core_mode_ref
        if "[" not in core_ref and ":" in core_ref:
            qualname, _, identity = core_ref.rpartition(":")
            module, _, name = qualname.rpartition(".")
            self.seen.setdefault(name, set()).add(qualname)
            if name in self.ambiguous and module.startswith("dangjian."):
                parts = [part for part in module.split(".")[1:] if part not in ("api", "schemas", "choices")]
                prefix = "".join(word.title() for part in parts for word in part.split("_"))
                core_ref = f"{module}.{prefix}{name}:{identity}"
        return super().get_defs_ref((core_ref, mode))


_naming_lock = threading.Lock()


@contextmanager
def _naming(seen: dict[str, set[str]], ambiguous: frozenset[str]):
    # ninja's OpenAPISchema names its generator by module global; swapped only while this API's
    # document is built (under a lock: request validation never builds JSON schemas).
    generator = type("NamingJsonSchema", (_NamingJsonSchema,), {"seen": seen, "ambiguous": ambiguous})
    with _naming_lock:
        ninja_openapi.NinjaGenerateJsonSchema = generator
        try:
            yield
        finally:
            ninja_openapi.NinjaGenerateJsonSchema = NinjaGenerateJsonSchema


class DocumentedErrorsAPI(NinjaAPI):
    """NinjaAPI whose OpenAPI document has one component per class and lists the common error
    answers on every operation."""

    def get_openapi_schema(self, **kwargs):
        seen: dict[str, set[str]] = defaultdict(set)
        with _naming(seen, frozenset()):
            super().get_openapi_schema(**kwargs)
        ambiguous = frozenset(name for name, classes in seen.items() if len(classes) > 1)
        with _naming({}, ambiguous):
            schema = super().get_openapi_schema(**kwargs)
        components = schema.setdefault("components", {}).setdefault("schemas", {})
        components.setdefault("Error", ERROR_SCHEMA)
        components.setdefault("ValidationError", VALIDATION_ERROR_SCHEMA)
        for path_item in schema.get("paths", {}).values():
            for operation in path_item.values():
                responses = operation.setdefault("responses", {})
                declared = {str(status) for status in responses}  # ninja's keys are ints
                for status, description in COMMON_ERRORS.items():
                    if status in declared:
                        continue
                    name = "ValidationError" if status == "422" else "Error"
                    responses[int(status)] = {
                        "description": description,
                        "content": {"application/json": {"schema": {"$ref": f"#/components/schemas/{name}"}}},
                    }
        return schema


api = DocumentedErrorsAPI(
    title="dangjian API",
    version="1",
    # Read by developers in the OpenAPI document, not by users of the pages: not translated.
    description="Party organizations and areas of the platform, scoped by the caller's roles.",
    urls_namespace="api",
    auth=[BearerTokenAuth(), SessionAuth()],
    renderer=UnicodeJSONRenderer(),
    # Swagger UI is served from ninja's bundled static files ("ninja" is in INSTALLED_APPS), never
    # from a CDN; the validator badge would call validator.swagger.io, so it is off.
    docs=Swagger(settings={"validatorUrl": None}),
    docs_url="/docs",
    docs_decorator=login_or_token_required,
)


def _rule_answer(request: HttpRequest, exc: RuleViolation, status: int) -> HttpResponse:
    return api.create_response(
        request, {"detail": exc.message, "rule": exc.rule, "field": exc.field}, status=status
    )


@api.exception_handler(RuleViolation)
def rule_violation(request: HttpRequest, exc: RuleViolation) -> HttpResponse:
    return _rule_answer(request, exc, 400)


@api.exception_handler(PermissionDenied)
def permission_denied(request: HttpRequest, exc: PermissionDenied) -> HttpResponse:
    return _rule_answer(request, exc, 403)


@api.exception_handler(ConcurrentChange)
def concurrent_change(request: HttpRequest, exc: ConcurrentChange) -> HttpResponse:
    return _rule_answer(request, exc, 409)


@api.exception_handler(RateLimited)
def rate_limited(request: HttpRequest, exc: RateLimited) -> HttpResponse:
    # A throttled client address (accounts.throttle): every token is refused until the window ends.
    minutes = max(1, -(-exc.retry_after // 60))
    return too_many_requests(
        request,
        str(
            _(
                "Too many failed sign-in attempts from this network address. Please try again in %(minutes)s minutes."
            )
            % {"minutes": minutes}
        ),
        retry_after=exc.retry_after,
    )


@api.exception_handler(Http404)
def not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
    # Objects outside the caller's scope answer the same as missing ones: nothing leaks.
    return api.create_response(request, {"detail": str(_("Not found."))}, status=404)


@api.exception_handler(MultiPartParserError)
def unreadable_upload(request: HttpRequest, exc: MultiPartParserError) -> HttpResponse:
    # A malformed multipart body (no or a wrong boundary) is the client's mistake, not a 500.
    return api.create_response(
        request,
        {
            "detail": str(
                _("The upload could not be read: send the file as multipart/form-data with its boundary.")
            )
        },
        status=400,
    )


@api.exception_handler(OverflowError)
@api.exception_handler(DataError)
def value_out_of_range(request: HttpRequest, exc: Exception) -> HttpResponse:
    # The schemas bound dates and the routes bound ids; this is the net under what they miss, such
    # as an id above 2⁶³−1 inside a body list (SQLite raises OverflowError, PostgreSQL DataError).
    logger.warning("Value out of range: %s (%s)", request.path, exc)
    return api.create_response(
        request,
        {
            "detail": str(
                _("A value in the request is out of range (such as an id above 2⁶³−1); please check it.")
            ),
            "rule": "out_of_range",
            "field": None,
        },
        status=400,
    )


@api.exception_handler(AuthenticationError)
def unauthorized(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    response = api.create_response(
        request,
        {"detail": str(_("Authentication required: send a bearer token or sign in."))},
        status=401,
    )
    response["WWW-Authenticate"] = 'Bearer realm="dangjian"'
    return response


@api.exception_handler(Exception)
def server_error(request: HttpRequest, exc: Exception) -> HttpResponse:
    # Ninja re-raises (or, with DEBUG, prints the trace into the answer); a client gets neither.
    reason = unavailable_reason(exc)
    if reason:
        # The database went away or the disk is full: nothing was saved, the client may retry.
        logger.warning("Unavailable: %s (%s: %s)", request.path, type(exc).__name__, exc)
        response = api.create_response(request, {"detail": reason, "rule": "unavailable"}, status=503)
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
        return response
    logger.error(
        "Internal Server Error: %s",
        request.path,
        exc_info=exc,
        extra={"status_code": 500, "request": request},
    )
    return api.create_response(
        request,
        {"detail": str(_("Internal error. It has been logged; please try again later."))},
        status=500,
    )


api.add_router("", accounts_router)
api.add_router("/orgs", orgs_router)
api.add_router("/members", members_router)
api.add_router("/ledger", ledger_router)
api.add_router("/life", life_router)
api.add_router("/development", development_router)
api.add_router("/dual-reporting", dual_reporting_router)
api.add_router("/elections", elections_router)
api.add_router("/dues", dues_router)
api.add_router("/service", service_router)
api.add_router("/volunteering", volunteering_ledger_router)
api.add_router("/volunteering", volunteering_lists_router)
api.add_router("/volunteering", matchmaking_router)
api.add_router("/posts", "dangjian.service_posts.api.router")
api.add_router("/publicity", "dangjian.publicity.api.router")
api.add_router("/proposals", "dangjian.proposals.api.router")
api.add_router("/mailbox", "dangjian.mailbox.api.router")
api.add_router("/activities", activities_router)
api.add_router("/help-pairs", help_pairs_router)
api.add_router("/jobs", jobs_router)
api.add_router("/member-points", member_points_router)
api.add_router("/demonstration", demonstration_router)
api.add_router("/learning", learning_router)
api.add_router("/evaluation", evaluation_router)
api.add_router("/deliberation", "dangjian.deliberation.api.router")
api.add_router("/dashboard", "dangjian.dashboard.api.router")
api.add_router("/search", "dangjian.search.api.router")
api.add_router("/notifications", "dangjian.core.api.router")
