"""Send and check the 6-digit codes that prove a resident owns the phone they give.

``send_code`` stores the code hashed and sends it through ``service.sms``; ``check_code`` counts a
wrong guess against the newest code of that phone (at most ``PORTAL_CODE_MAX_ATTEMPTS``) and
returns the verification to mark used, which ``mark_used`` does with a conditional update so a
code can verify one report only.
"""

from __future__ import annotations

import datetime
import hmac
import secrets

from django.conf import settings
from django.db.models import F
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext

from dangjian.core.errors import RuleViolation
from dangjian.core.personal import MOBILE, lookup_hash, normalize
from dangjian.portal.models import PhoneVerification
from dangjian.service.sms import send_sms

CODE_LENGTH = 6


def _code_hash(phone_hash: str, code: str) -> str:
    return salted_hmac("dangjian.portal.PhoneVerification", f"{phone_hash}:{code}").hexdigest()


def phone_hash(phone: str) -> str:
    return lookup_hash(MOBILE, phone)


def send_code(phone: str, *, now: datetime.datetime | None = None) -> PhoneVerification:
    """Create a fresh code for the phone and send it; earlier unused codes stop working."""
    now = now or timezone.now()
    phone = normalize(MOBILE, phone)
    digest = phone_hash(phone)
    code = f"{secrets.randbelow(10**CODE_LENGTH):0{CODE_LENGTH}d}"
    PhoneVerification.objects.filter(phone_hash=digest, used_at__isnull=True, expires_at__gt=now).update(
        expires_at=now
    )
    verification = PhoneVerification.objects.create(
        phone_hash=digest,
        code_hash=_code_hash(digest, code),
        created_at=now,
        expires_at=now + datetime.timedelta(minutes=settings.PORTAL_CODE_VALID_MINUTES),
    )
    send_sms(
        phone,
        gettext("Your verification code is %(code)s; it is valid for %(minutes)s minutes.")
        % {"code": code, "minutes": settings.PORTAL_CODE_VALID_MINUTES},
    )
    return verification


def check_code(phone: str, code: str, *, now: datetime.datetime | None = None) -> PhoneVerification:
    """The verification the code matches; a refusal says why (wrong, expired, too many attempts)."""
    now = now or timezone.now()
    digest = phone_hash(phone)
    code = (code or "").strip()
    verification = (
        PhoneVerification.objects.filter(phone_hash=digest, used_at__isnull=True)
        .order_by("-created_at", "-id")
        .first()
    )
    if verification is None:
        raise RuleViolation(
            gettext("Please first get a verification code for this phone number."),
            rule="code.missing",
            field="code",
        )
    if verification.attempts >= settings.PORTAL_CODE_MAX_ATTEMPTS:
        raise RuleViolation(
            gettext("The code was entered wrongly too many times; please get a new code."),
            rule="code.attempts",
            field="code",
        )
    if verification.expires_at <= now:
        raise RuleViolation(
            gettext("The verification code has expired; please get a new code."),
            rule="code.expired",
            field="code",
        )
    if not hmac.compare_digest(verification.code_hash, _code_hash(digest, code)):
        PhoneVerification.objects.filter(pk=verification.pk).update(attempts=F("attempts") + 1)
        left = settings.PORTAL_CODE_MAX_ATTEMPTS - verification.attempts - 1
        if left <= 0:
            raise RuleViolation(
                gettext("The code was entered wrongly too many times; please get a new code."),
                rule="code.attempts",
                field="code",
            )
        raise RuleViolation(
            gettext("The verification code is not right; %(left)s more tries.") % {"left": left},
            rule="code.wrong",
            field="code",
        )
    return verification


def mark_used(verification: PhoneVerification, *, now: datetime.datetime | None = None) -> None:
    """Use the code up; a code already used (a second report sent at the same time) is refused."""
    now = now or timezone.now()
    claimed = PhoneVerification.objects.filter(pk=verification.pk, used_at__isnull=True).update(used_at=now)
    if claimed != 1:
        raise RuleViolation(
            gettext("This verification code has already been used; please get a new code."),
            rule="code.used",
            field="code",
        )
