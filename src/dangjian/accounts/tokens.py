"""API tokens: issued once in clear, stored as SHA-256, revocable, with scopes and an expiry.

A token does only what its scopes say (``TokenScope``: read, write, reveal, export) under its
owner's roles, and stops working at its expiry: 90 days unless chosen, a year at most, so a token
forgotten in a script on some server does not work for ever.
"""

from __future__ import annotations

import datetime
import secrets

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from dangjian.accounts.choices import TokenScope
from dangjian.accounts.models import ApiToken, User, hash_token
from dangjian.core import audit
from dangjian.core.choices import AuditAction
from dangjian.core.errors import PermissionDenied, RuleViolation

TOKEN_PREFIX = "dj_"
DEFAULT_LIFETIME = datetime.timedelta(days=90)
MAX_LIFETIME = datetime.timedelta(days=366)  # a year, whatever day of it the token ends


def may_use_api(user) -> bool:
    """Whether the user's roles give the API something to work with, so a token is worth having.

    The API serves the platform's records to scripts and other systems under the caller's roles.
    A resident holds no role, and a plain 党员's role (party_member) only lets them see their own
    branch and report themselves, which they do on the pages; neither gets the token page. Anyone
    holding a permission beyond those of the two self-service roles does (secretaries, staff,
    grid workers, department handlers, administrators).
    """
    from dangjian.accounts.choices import BuiltinRole
    from dangjian.accounts.roles import builtin_role_permissions
    from dangjian.core.scoping import scope_of

    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    if user.is_superuser or user.is_staff:
        return True
    scope = scope_of(user)
    if scope.is_global:
        return True
    roles = builtin_role_permissions()
    self_service = roles[BuiltinRole.PARTY_MEMBER.value] | roles[BuiltinRole.RESIDENT.value]
    return any(grant.permissions - self_service for grant in scope.grants)


def issue_token(
    user: User,
    name: str,
    *,
    by: User,
    expires_at: datetime.datetime | None = None,
    scopes: tuple[str, ...] | list[str] = (TokenScope.READ, TokenScope.WRITE),
) -> tuple[ApiToken, str]:
    """Create a token for ``user``; returns the row and the clear token, which is never shown again.

    ``expires_at`` defaults to 90 days from now and may be at most a year away.
    """
    if by.pk != user.pk and not by.is_superuser:
        raise PermissionDenied(_("You can only create API tokens for yourself."), rule="token_owner")
    now = timezone.now()
    expires_at = expires_at or now + DEFAULT_LIFETIME
    if expires_at > now + MAX_LIFETIME:
        raise RuleViolation(
            _("An API token can be valid for one year at most; please choose an earlier date."),
            rule="token_lifetime",
            field="expires_on",
        )
    chosen = sorted({str(scope) for scope in scopes})
    if not chosen or any(scope not in TokenScope.values for scope in chosen):
        raise RuleViolation(
            _("Choose what the token may do: read, change, reveal personal information or export."),
            rule="token_scopes",
            field="scopes",
        )
    raw = TOKEN_PREFIX + secrets.token_urlsafe(32)
    with transaction.atomic():
        token = ApiToken.objects.create(
            user=user,
            name=name.strip() or "API",
            prefix=raw[:10],
            key_hash=hash_token(raw),
            expires_at=expires_at,
            scopes=chosen,
        )
        audit.record(
            AuditAction.TOKEN,
            token,
            by=by,
            changes={
                "issued": [None, token.prefix],
                "scopes": [None, chosen],
                "expires_at": [None, expires_at],
            },
        )
    return token, raw


def revoke_token(token: ApiToken, *, by: User) -> ApiToken:
    if by.pk != token.user_id and not by.is_superuser:
        raise PermissionDenied(_("You can only revoke your own API tokens."), rule="token_owner")
    with transaction.atomic():
        current = ApiToken.objects.select_for_update().get(pk=token.pk)
        if current.revoked_at is None:
            current.revoked_at = timezone.now()
            current.save(update_fields=["revoked_at"])
            audit.record(AuditAction.TOKEN, current, by=by, changes={"revoked": [None, current.prefix]})
    return current


def token_for(raw: str) -> ApiToken | None:
    """The usable token of an active user matching ``raw``, recording when it was last used (at
    most once a minute)."""
    if not raw or not raw.startswith(TOKEN_PREFIX):
        return None
    token = ApiToken.objects.usable().select_related("user").filter(key_hash=hash_token(raw)).first()
    if token is None or not token.user.is_active:
        return None
    now = timezone.now()
    if token.last_used_at is None or now - token.last_used_at > datetime.timedelta(minutes=1):
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token


def user_for_token(raw: str) -> User | None:
    """The active user behind a usable token."""
    token = token_for(raw)
    return token.user if token is not None else None
