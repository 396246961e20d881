"""Two-step sign-in with an authenticator app (TOTP, RFC 6238), optional unless a role requires it.

After the password, an enrolled user gives the 6-digit code of their app, or one of ten recovery
codes shown once at enrolment. Codes are checked by pyotp with one time step of slack either side
(clocks of phones drift); a code of a step already used is refused. The secret is kept encrypted
(``TotpDevice.secret``) and recovery codes as keyed hashes. ``DANGJIAN_TOTP_REQUIRED_FOR`` names
the built-in roles whose holders are sent to enrolment after signing in until they enrol.
"""

from __future__ import annotations

import datetime
import hmac
import re
import secrets
import time

import pyotp
import segno
from django.conf import settings
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from dangjian.accounts.models import RoleAssignment, TotpDevice, User
from dangjian.core import audit
from dangjian.core.choices import AuditAction
from dangjian.core.errors import PermissionDenied, RuleViolation
from dangjian.core.personal import lookup_hash
from dangjian.core.scoping import scope_of

RECOVERY_CODES = 10
# Ten characters of the base32 alphabet (50 bits), shown as two groups of five: long enough that
# guessing one within the lockout's five attempts is hopeless, short enough to type from paper.
_RECOVERY_ALPHABET = "abcdefghijkmnpqrstuvwxyz23456789"
_RECOVERY_KIND = "totp_recovery"
_SIX_DIGITS = re.compile(r"^\d{6}$")
# Steps of 30 seconds accepted either side of now (RFC 6238 section 5.2 recommends at most one).
VALID_WINDOW = 1
ISSUER = "dangjian"
# The audit note of a wrong code at sign-in: a failed sign-in that counts toward the lockout.
WRONG_CODE_NOTE = "wrong verification code"

# Session keys: the half-done sign-in awaiting its code, the secret of an enrolment in progress
# (encrypted), and the mark that the user's role requires enrolment before anything else.
PENDING_KEY = "dangjian_totp_pending"
ENROL_KEY = "dangjian_totp_enrol"
REQUIRED_KEY = "dangjian_totp_required"
# How long the code may take after the password (then the password is asked again).
PENDING_SECONDS = 5 * 60


# --- The authenticator's side ------------------------------------------------------------------


def new_secret() -> str:
    """A fresh shared secret: 32 base32 characters (160 bits, RFC 4226's recommended length)."""
    return pyotp.random_base32()


def provisioning_uri(user: User, secret: str) -> str:
    """The ``otpauth://`` address an authenticator app reads from the QR code."""
    return pyotp.TOTP(secret).provisioning_uri(name=user.get_username(), issuer_name=ISSUER)


def qr_svg(uri: str) -> str:
    """The QR code of ``uri`` as inline SVG markup, drawn on the server (no script, no network)."""
    svg = segno.make(uri, error="m").svg_inline(scale=5, border=2, dark="#000", light="#fff", omitsize=True)
    # Safe: the data is drawn as modules, never written into the markup as text.
    return mark_safe(svg)


def _recovery_hash(code: str) -> str:
    # Keyed like the lookup hashes of personal data: a copy of the database alone cannot test
    # guesses against them.
    return lookup_hash(_RECOVERY_KIND, code.strip().lower())


def _new_recovery_codes() -> list[str]:
    codes = []
    for _i in range(RECOVERY_CODES):
        raw = "".join(secrets.choice(_RECOVERY_ALPHABET) for _j in range(10))
        codes.append(f"{raw[:5]}-{raw[5:]}")
    return codes


def _matching_step(secret: str, code: str, *, after: int | None, now: datetime.datetime) -> int | None:
    """The time step whose code ``code`` is, within the window and later than ``after``; else None."""
    totp = pyotp.TOTP(secret)
    current = totp.timecode(now)
    for step in range(current - VALID_WINDOW, current + VALID_WINDOW + 1):
        if (after is None or step > after) and hmac.compare_digest(totp.generate_otp(step), code):
            return step
    return None


def _wrong_code() -> RuleViolation:
    return RuleViolation(
        _(
            "The verification code is not correct or has already been used. Please enter the "
            "current 6-digit code of your authenticator app, or one of your recovery codes."
        ),
        rule="totp_code",
        field="code",
    )


# --- Who has it, who needs it -----------------------------------------------------------------


def device_of(user: User) -> TotpDevice | None:
    return TotpDevice.objects.filter(user_id=user.pk).first()


def is_enrolled(user: User) -> bool:
    return TotpDevice.objects.filter(user_id=user.pk).exists()


def required_for(user: User) -> bool:
    """Whether one of the user's active built-in roles is listed in ``DANGJIAN_TOTP_REQUIRED_FOR``
    (one query, at sign-in only; empty by default so the demo's logins work as they are)."""
    codes = settings.TOTP_REQUIRED_FOR
    if not codes:
        return False
    return RoleAssignment.objects.filter(
        user_id=user.pk, is_active=True, role__is_builtin=True, role__code__in=codes
    ).exists()


# --- The half-done sign-in ---------------------------------------------------------------------


def begin_second_step(request: HttpRequest, user: User, next_url: str) -> None:
    """The password was right: remember who is signing in, without signing them in yet."""
    request.session.cycle_key()
    request.session[PENDING_KEY] = {
        "user": user.pk,
        "backend": user.backend,
        "at": int(time.time()),
        "next": next_url,
    }


def pending_sign_in(request: HttpRequest) -> tuple[User, str] | None:
    """The user whose password was given in this session in the last ``PENDING_SECONDS``, and
    where they were going; None when there is none (the password is then asked again)."""
    data = request.session.get(PENDING_KEY)
    if not data or time.time() - int(data.get("at", 0)) > PENDING_SECONDS:
        request.session.pop(PENDING_KEY, None)
        return None
    user = User.objects.filter(pk=data["user"], is_active=True).first()
    if user is None:
        return None
    user.backend = data["backend"]
    return user, data.get("next") or "/"


# --- State changes ---------------------------------------------------------------------------


def enrol(user: User, secret: str, code: str) -> list[str]:
    """Enrol ``user``'s authenticator app once it shows it holds ``secret`` (``code`` is its
    current code); returns the ten recovery codes in clear, to be shown this once."""
    code = code.strip().replace(" ", "")
    now = timezone.now()
    step = _matching_step(secret, code, after=None, now=now) if _SIX_DIGITS.match(code) else None
    if step is None:
        raise _wrong_code()
    codes = _new_recovery_codes()
    with transaction.atomic():
        User.objects.select_for_update().filter(pk=user.pk).first()
        if TotpDevice.objects.filter(user=user).exists():
            raise RuleViolation(
                _(
                    "An authenticator app is already enrolled for your account. Remove it first to enrol another."
                ),
                rule="totp_enrolled",
            )
        device = TotpDevice(user=user, enrolled_at=now, last_used_step=step)
        device.secret = secret
        device.recovery_code_hashes = [_recovery_hash(item) for item in codes]
        device.save()
        audit.record(
            AuditAction.CREATE,
            device,
            by=user,
            changes={"enrolled_at": [None, now], "recovery_codes_left": [None, RECOVERY_CODES]},
            note=_("Enrolled an authenticator app for two-step sign-in"),
        )
    return codes


def verify(user: User, code: str) -> str:
    """Accept one code of ``user``'s enrolled app, or one of their recovery codes, and use it up.

    Returns ``"totp"`` or ``"recovery"``; raises ``RuleViolation`` (rule ``totp_code``) for a
    wrong, expired or already used code. The caller counts that as a failed sign-in.
    """
    code = (code or "").strip().replace(" ", "")
    with transaction.atomic():
        device = TotpDevice.objects.select_for_update().filter(user_id=user.pk).first()
        if device is None or not code:
            raise _wrong_code()
        if _SIX_DIGITS.match(code):
            step = _matching_step(
                device.secret.clear(), code, after=device.last_used_step, now=timezone.now()
            )
            if step is None:
                raise _wrong_code()
            device.last_used_step = step
            device.save(update_fields=["last_used_step"])
            return "totp"
        hashed = _recovery_hash(code)
        if hashed not in device.recovery_code_hashes:
            raise _wrong_code()
        before = device.recovery_codes_left
        device.recovery_code_hashes = [item for item in device.recovery_code_hashes if item != hashed]
        device.save(update_fields=["recovery_code_hashes"])
        audit.record(
            AuditAction.UPDATE,
            device,
            by=user,
            changes={"recovery_codes_left": [before, device.recovery_codes_left]},
            note=_("Used a recovery code to sign in"),
        )
        return "recovery"


def remove(user: User, *, by: User) -> bool:
    """Remove ``user``'s authenticator app; False when none was enrolled.

    The user themselves, after giving their password and a code (``TotpDisableForm``), or a
    system administrator (a lost phone, from the user admin): it takes away the account's second
    factor, so no one else may. Recovery codes go with it.
    """
    if by.pk != user.pk and not scope_of(by).is_global:
        raise PermissionDenied(
            _("Only a system administrator can remove another user's authenticator app."), rule="totp_remove"
        )
    with transaction.atomic():
        device = TotpDevice.objects.select_for_update().filter(user_id=user.pk).first()
        if device is None:
            return False
        if by.pk == user.pk:
            note = _("Removed their authenticator app")
        else:
            note = _("An administrator removed the authenticator app of %(user)s") % {"user": user}
        audit.record(
            AuditAction.DELETE,
            device,
            by=by,
            changes={"user": [user.get_username(), None], "enrolled_at": [device.enrolled_at, None]},
            note=note,
        )
        device.delete()
    return True


def holds_a_role(user) -> bool:
    """Whether ``user`` holds a role anywhere (or is staff): the accounts the menu offers two-step
    sign-in to."""
    from dangjian.core.scoping import scope_of

    scope = scope_of(user)
    return bool(user.is_staff or scope.is_global or scope.grants)
