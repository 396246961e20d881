"""Who is calling the API: bearer tokens and the browser session, and ``GET /api/v1/me``.

Scripts and other systems authenticate with ``Authorization: Bearer dj_…`` (a token from the
token page, stored hashed); pages of the platform call the API with their session cookie and
the CSRF token, so a forged form on another site cannot act as the signed-in user.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps

from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from ninja import Router, Schema
from ninja.errors import HttpError
from ninja.security import HttpBearer
from ninja.security.base import AuthBase
from ninja.utils import check_csrf

from dangjian.accounts import throttle
from dangjian.accounts.choices import TokenScope
from dangjian.accounts.models import RoleAssignment, User
from dangjian.accounts.tokens import token_for
from dangjian.core import audit
from dangjian.core.choices import AuditAction
from dangjian.core.errors import too_many_requests

# The note of an audit line for a bearer token that matched no usable token.
BAD_TOKEN_NOTE = "api token"


def signed_in_by_token(request: HttpRequest, raw: str) -> User | None:
    """The user behind a bearer token, counted like a sign-in: a wrong token is audited and counts
    toward the client address's throttle (``accounts.throttle``), and a throttled address gets no
    answer on any token until its window ends (``RateLimited``, a 429)."""
    throttle.check_address(request)
    token = token_for(raw)
    user = token.user if token is not None else None
    if token is not None:
        # Read by require_scope(); a session caller has no token and no scopes to check.
        request.api_token = token
    else:
        audit.record(
            AuditAction.LOGIN_FAILED,
            object_repr=f"API token {raw[:10]}…" if raw else "API token",
            note=BAD_TOKEN_NOTE,
        )
        throttle.count_failure(request)
    return user


SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def require_scope(request: HttpRequest, scope: str) -> None:
    """Refuse (403) a bearer token without ``scope``; the signed-in session passes (pages ask for
    the password before a reveal or an export instead, core.reauth). Endpoints that reveal personal
    data or export call it with ``reveal`` or ``export``."""
    token = getattr(request, "api_token", None)
    if token is not None and not token.allows(scope):
        raise HttpError(
            403,
            str(
                _("This API token does not have the “%(scope)s” scope; create a token that has it.")
                % {"scope": TokenScope(scope).label}
            ),
        )


class BearerTokenAuth(HttpBearer):
    """``Authorization: Bearer dj_…``: the active user behind a usable (unrevoked, unexpired) token,
    for methods its scopes allow (GET and HEAD: ``read``; every other method: ``write``)."""

    def authenticate(self, request: HttpRequest, token: str) -> User | None:
        user = signed_in_by_token(request, token.strip())
        if user is not None:
            require_scope(request, TokenScope.READ if request.method in SAFE_METHODS else TokenScope.WRITE)
            # Service functions, audit lines and visible_to() all read request.user.
            request.user = user
        return user


class SessionAuth(AuthBase):
    """The signed-in browser session; unsafe methods must carry the CSRF token.

    Unlike ninja's own SessionAuth, the CSRF check runs only once a session user is found, so an
    anonymous request answers 401 (not 403) and the bearer scheme is not blocked by it.
    """

    openapi_type = "apiKey"
    openapi_in = "cookie"
    # Read by ninja's docs page: it then puts the CSRF token in the page for "Try it out".
    csrf = True

    def __init__(self) -> None:
        self.openapi_name = settings.SESSION_COOKIE_NAME
        super().__init__()

    def __call__(self, request: HttpRequest) -> User | None:
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated or not user.is_active:
            return None
        if not getattr(request, "_ninja_csrf_exempt", False) and check_csrf(request) is not None:
            raise HttpError(403, str(_("CSRF check failed: reload the page and try again.")))
        return user


def login_or_token_required(view: Callable) -> Callable:
    """Guard for the OpenAPI document and the docs page: a session or a bearer token.

    The schema itself holds no records, but an intranet platform does not publish its API
    surface to anonymous visitors.
    """

    @wraps(view)
    def guarded(request, *args, **kwargs):
        if not request.user.is_authenticated:
            header = request.headers.get("Authorization", "")
            scheme, _space, token = header.partition(" ")
            try:
                user = signed_in_by_token(request, token.strip()) if scheme.lower() == "bearer" else None
            except throttle.RateLimited as error:
                return too_many_requests(request, retry_after=error.retry_after)
            if user is None:
                return redirect_to_login(request.get_full_path())
            request.user = user
        return view(request, *args, **kwargs)

    return guarded


router = Router(tags=["accounts"])


class AssignmentOut(Schema):
    id: int
    role_code: str
    role_name: str
    tree: str  # "org" or "area"
    node_id: int
    node_name: str
    node_path: str


class MeOut(Schema):
    id: int
    username: str
    full_name: str
    is_superuser: bool
    mobile: str  # masked: 138****5678
    assignments: list[AssignmentOut]


def _assignment_out(assignment: RoleAssignment) -> dict:
    node = assignment.node
    return {
        "id": assignment.pk,
        "role_code": assignment.role.code,
        "role_name": assignment.role.display_name,
        "tree": "org" if assignment.org_id else "area",
        "node_id": node.pk,
        "node_name": node.name,
        "node_path": node.path,
    }


@router.get("/me", response=MeOut, url_name="me", summary="The signed-in user and their roles")
def me(request: HttpRequest) -> dict:
    """The caller, with each active role assignment and the node (name and tree path) it covers."""
    user = request.auth
    assignments = (
        user.role_assignments.filter(is_active=True).select_related("role", "org", "area").order_by("id")
    )
    return {
        "id": user.pk,
        "username": user.get_username(),
        "full_name": user.get_full_name(),
        "is_superuser": user.is_superuser,
        "mobile": user.mobile_masked,
        "assignments": [_assignment_out(assignment) for assignment in assignments],
    }
