"""Permission-table rows for the accounts pages (format: tests/permissions.py)."""

from __future__ import annotations

from tests.permissions import Route


def _token_of(username: str) -> dict:
    # Tokens belong to users, not to tree nodes: "in scope" is the persona's own token,
    # "out of scope" another user's. get_or_create matches UserFactory's own lookup.
    from dangjian.accounts.models import User
    from dangjian.accounts.tokens import issue_token

    user, _created = User.objects.get_or_create(username=username)
    token, _raw = issue_token(user, "routes", by=user)
    return {"pk": token.pk}


def _in_30_days() -> str:
    import datetime

    from django.utils import timezone

    return (timezone.localdate() + datetime.timedelta(days=30)).isoformat()


ROUTES: list[Route] = [
    Route("accounts:login", anonymous="public"),
    Route("accounts:logout", method="post", allowed_status=302),
    Route("accounts:reauth"),
    # The code step of signing in: without a password just given in the session, back to the
    # password (anonymous or not); its own behaviour is in tests/accounts/test_totp.py.
    Route("accounts:login_code", allowed_status=302),
    # Anyone signed in may enrol an authenticator app for their own account.
    Route("accounts:totp_setup"),
    # Not enrolled: back to the enrolment page (the removal itself: test_totp.py).
    Route(
        "accounts:totp_disable",
        method="post",
        data=lambda world: {"password": "correct horse 9", "code": "123456"},
        allowed_status=302,
    ),
    # Not for a resident (nor a plain 党员): their roles give the API nothing (tokens.may_use_api).
    Route("accounts:token_list", denied_persona="resident"),
    Route(
        "accounts:token_create",
        method="post",
        data=lambda world: {"name": "routes", "scopes": ["read"], "expires_on": _in_30_days()},
        denied_persona="resident",
    ),
    Route(
        "accounts:token_revoke",
        in_scope=lambda world: _token_of("secretary_a"),
        out_of_scope=lambda world: _token_of("secretary_b"),
        two_roles="404",
    ),
]
