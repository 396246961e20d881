"""Audit lines for signing in and out, and for failed attempts (which also drive the lockout).

Django's authentication signals are used here, unlike elsewhere, because they fire inside the
request that signs in, so the request ID and client address reach the audit line; a failed
attempt records the login name that was typed, never the password.
"""

from __future__ import annotations

from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver

from dangjian.accounts.models import User
from dangjian.core import audit
from dangjian.core.choices import AuditAction


@receiver(user_logged_in, dispatch_uid="dangjian_audit_login")
def audit_login(sender, request, user: User, **kwargs) -> None:
    audit.record(AuditAction.LOGIN, user, by=user)


@receiver(user_logged_in, dispatch_uid="dangjian_session_stamps")
def stamp_session(sender, request, user: User, **kwargs) -> None:
    """A fresh sign-in is recent authentication (core.reauth) and the start of the idle clock."""
    import time

    from dangjian.accounts.middleware import LAST_SEEN_KEY
    from dangjian.core.reauth import mark_authenticated

    if request is not None and hasattr(request, "session"):
        mark_authenticated(request)
        request.session[LAST_SEEN_KEY] = int(time.time())


@receiver(user_logged_in, dispatch_uid="dangjian_totp_required")
def require_enrolment(sender, request, user: User, **kwargs) -> None:
    """Mark the session of a user whose role requires two-step sign-in and who has not enrolled
    (``DANGJIAN_TOTP_REQUIRED_FOR``); ``TotpEnrolmentMiddleware`` sends them to enrol."""
    from dangjian.accounts import totp

    on_page = request is not None and hasattr(request, "session")
    if on_page and totp.required_for(user) and not totp.is_enrolled(user):
        request.session[totp.REQUIRED_KEY] = True


@receiver(user_logged_out, dispatch_uid="dangjian_audit_logout")
def audit_logout(sender, request, user: User | None, **kwargs) -> None:
    if user is not None:
        audit.record(AuditAction.LOGOUT, user, by=user)


@receiver(user_login_failed, dispatch_uid="dangjian_audit_login_failed")
def audit_login_failed(sender, credentials: dict, request=None, **kwargs) -> None:
    from dangjian.accounts.services import record_failed_login

    record_failed_login(str(credentials.get("username") or ""))
