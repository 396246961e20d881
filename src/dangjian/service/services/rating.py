"""评价 by the resident only: the proofs sent to the contact phone, the hourly limits, the rating.

满意率 scores organizations (评星定级), so a rating must come from the person who reported. The
proof is something staff never see: a one-time link in the rating invitation (``invite_rating``)
or a 6-digit code sent on request to the request's contact phone (``send_rating_code``). Only a
keyed hash of either is stored, each is used once, and a rating uses up every proof of its
request. A session of a user holding any staff role is refused even with a valid proof. Wrong
proofs are counted in the database (``RatingAttempt``), so the hourly limits per request and per
client address hold across all app processes.
"""

from __future__ import annotations

import datetime
import secrets
from collections.abc import Callable

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext

from dangjian.core import notifications
from dangjian.core.errors import PermissionDenied, RuleViolation
from dangjian.service.choices import FollowUpState
from dangjian.service.models import DepartmentMember, RatingAttempt, RatingLevel, RatingProof, ServiceRequest
from dangjian.service.services.common import NOTIFY_BAD_RATING, RESIDENT_NAME, _change, _now
from dangjian.service.services.rights import VIEW, S

CODE_LENGTH = 6
WINDOW = datetime.timedelta(hours=1)
# Roles a resident may hold with an account; any other role (or a department) makes a user staff.
RESIDENT_ROLES = ("party_member", "resident")


class TooManyAttempts(RuleViolation):
    """Too many wrong proofs in the hour for this request or from this address (the page answers 429)."""

    def __init__(self, message: str, *, rule: str, period: int) -> None:
        super().__init__(message, rule=rule)
        self.period = period


def holds_staff_role(user) -> bool:
    """Whether ``user`` works on requests or could: any role but 党员/居民, a department, or admin.

    A resident or party member with an account rates like any resident (with the proof sent to
    the phone); their account adds nothing. Everybody else who is signed in is staff.
    """
    if user is None or not getattr(user, "is_authenticated", False):
        return False
    if user.is_superuser or user.is_staff:
        return True
    if DepartmentMember.objects.filter(user=user).exists():
        return True
    from dangjian.accounts.models import RoleAssignment

    return (
        RoleAssignment.objects.filter(user=user, is_active=True)
        .exclude(role__code__in=RESIDENT_ROLES)
        .exists()
    )


def _staff_refusal() -> PermissionDenied:
    return PermissionDenied(
        gettext(
            "Staff accounts cannot rate requests: the satisfaction rate counts only residents' own "
            "ratings. Sign out, and let the resident rate with the link or code sent to their phone."
        ),
        rule="rate.staff",
    )


def _digest(request_obj: ServiceRequest, secret: str) -> str:
    return salted_hmac("dangjian.service.RatingProof", f"{request_obj.pk}:{secret.strip()}").hexdigest()


def _client_digest(client: str) -> str:
    return salted_hmac("dangjian.service.RatingAttempt", client).hexdigest() if client else ""


def rating_url(request_obj: ServiceRequest, token: str) -> str:
    """The rating page with the one-time token, as the resident's phone receives it."""
    path = reverse("portal:rate", args=[request_obj.tracking_code])
    return f"{settings.PUBLIC_URL}{path}?t={token}"


def issue_rating_link(request_obj: ServiceRequest, *, now: datetime.datetime | None = None) -> str:
    """A new one-time rating token for the request (returned once; only its hash is stored).

    Valid until the request would be archived unrated (``SERVICE_ARCHIVE_AFTER_DAYS``).
    """
    now = _now(now)
    token = secrets.token_urlsafe(24)
    RatingProof.objects.create(
        request=request_obj,
        kind=RatingProof.Kind.LINK,
        secret_hash=_digest(request_obj, token),
        created_at=now,
        expires_at=now + datetime.timedelta(days=settings.SERVICE_ARCHIVE_AFTER_DAYS),
    )
    return token


def send_rating_code(request_obj: ServiceRequest, *, by=None, now: datetime.datetime | None = None) -> None:
    """Send a 6-digit rating code to the request's contact phone (for a resident without the link).

    Earlier codes stop working. The phone is never shown; the page says only where it went
    (the masked number).
    """
    now = _now(now)
    if holds_staff_role(by):
        raise _staff_refusal()
    _require_ratable(request_obj)
    if not request_obj.contact_phone_masked:
        raise RuleViolation(
            gettext("This request was registered without a mobile number, so it cannot be rated online."),
            rule="rate.no_phone",
        )
    code = f"{secrets.randbelow(10**CODE_LENGTH):0{CODE_LENGTH}d}"
    minutes = settings.PORTAL_CODE_VALID_MINUTES
    with transaction.atomic():
        RatingProof.objects.filter(
            request=request_obj, kind=RatingProof.Kind.CODE, used_at__isnull=True, expires_at__gt=now
        ).update(expires_at=now)
        RatingProof.objects.create(
            request=request_obj,
            kind=RatingProof.Kind.CODE,
            secret_hash=_digest(request_obj, code),
            created_at=now,
            expires_at=now + datetime.timedelta(minutes=minutes),
        )
    from dangjian.service.sms import send_sms

    send_sms(
        request_obj.contact_phone.clear(),
        gettext(
            "Your rating code for request %(code)s is %(secret)s, valid for %(minutes)s minutes. "
            "Staff will never ask you for it."
        )
        % {"code": request_obj.tracking_code, "secret": code, "minutes": minutes},
    )


def _require_ratable(request_obj: ServiceRequest) -> None:
    if request_obj.state != S.RESOLVED:
        if request_obj.rated_at is not None:
            raise RuleViolation(gettext("This request has already been rated."), rule="rate.once")
        raise RuleViolation(
            gettext("A request can be rated once it is resolved; it is “%(state)s” now.")
            % {"state": request_obj.get_state_display()},
            rule="rate.state",
        )


def check_attempts(
    request_obj: ServiceRequest, *, client: str = "", now: datetime.datetime | None = None
) -> None:
    """Raise ``TooManyAttempts`` when this request, or this client address, used up its wrong
    proofs of the last hour (``PORTAL_RATE_ATTEMPTS_PER_HOUR`` and ``…_PER_IP_HOUR``)."""
    since = _now(now) - WINDOW
    message = gettext("Too many wrong rating links or codes in the last hour; please try again later.")
    recent = RatingAttempt.objects.filter(created_at__gt=since)
    if recent.filter(request=request_obj).count() >= settings.PORTAL_RATE_ATTEMPTS_PER_HOUR:
        raise TooManyAttempts(message, rule="rate.attempts", period=int(WINDOW.total_seconds()))
    digest = _client_digest(client)
    if digest and recent.filter(client_hash=digest).count() >= settings.PORTAL_RATE_ATTEMPTS_PER_IP_HOUR:
        raise TooManyAttempts(message, rule="rate.attempts_ip", period=int(WINDOW.total_seconds()))


def rate_request(
    request_obj: ServiceRequest,
    *,
    level: str,
    proof: str,
    comment: str = "",
    by=None,
    client: str = "",
    now: datetime.datetime | None = None,
) -> ServiceRequest:
    """评价: the resident rates a resolved request once, proving it with the link's token or the code.

    ``by`` is the signed-in user, if any (a staff role refuses); ``client`` the address the
    attempt came from (hashed; counted against the hourly limit). A 差评 opens a follow-up for
    the dispatcher.
    """
    now = _now(now)
    if holds_staff_role(by):
        raise _staff_refusal()
    rating = RatingLevel.objects.filter(code=level, is_active=True).first()
    if rating is None:
        raise RuleViolation(
            gettext("Please choose one of the rating levels."), rule="rate.level", field="level"
        )
    check_attempts(request_obj, client=client, now=now)
    digest = _digest(request_obj, proof or "")
    match = RatingProof.objects.filter(
        request=request_obj, secret_hash=digest, used_at__isnull=True, expires_at__gt=now
    ).first()
    if match is None:
        # Counted before and outside the rating's transaction: a refusal must not undo its own
        # count (so callers do not wrap this function in a transaction of their own).
        _count_wrong_proof(request_obj, client, now)
        raise RuleViolation(
            gettext(
                "This rating link or code is not valid (mistyped, expired or already used). "
                "You can have a new code sent to your phone."
            ),
            rule="rate.proof",
            field="proof",
        )

    def check(current: ServiceRequest) -> None:
        _require_ratable(current)
        # Every proof of the request is used up by this rating; the matched one must still be free.
        RatingProof.objects.filter(request=current, used_at__isnull=True).exclude(pk=match.pk).update(
            used_at=now
        )
        if not RatingProof.objects.filter(pk=match.pk, used_at__isnull=True).update(used_at=now):
            raise RuleViolation(gettext("This request has already been rated."), rule="rate.once")

    # The change and its notice in one transaction (all or nothing).
    with transaction.atomic():
        return _record_rating(request_obj, rating, match, comment, check, now)


def _record_rating(
    request_obj: ServiceRequest,
    rating: RatingLevel,
    match: RatingProof,
    comment: str,
    check: Callable[[ServiceRequest], None],
    now: datetime.datetime,
) -> ServiceRequest:
    request_obj = _change(
        request_obj,
        "rate",
        by=None,
        by_name=RESIDENT_NAME,
        to_state=S.RATED,
        fields={
            "rating_level": rating.code,
            "rating_is_bad": rating.is_bad,
            "rating_comment": comment.strip(),
            "rated_at": now,
            "follow_up_state": FollowUpState.OPEN if rating.is_bad else FollowUpState.NONE,
        },
        note=f"{rating.name}" + (f"：{comment.strip()}" if comment.strip() else ""),
        data={"proof": str(RatingProof.Kind(match.kind).label)},
        now=now,
        check=check,
        system=True,  # the resident has no role: the proof sent to their phone is their right
    )
    if rating.is_bad and request_obj.org_id is not None:
        notifications.notify(
            kind=NOTIFY_BAD_RATING,
            title=gettext("差评 on request %(code)s: follow up or reopen it")
            % {"code": request_obj.tracking_code},
            body=comment.strip(),
            link=reverse("service:request_detail", args=[request_obj.pk]),
            org=request_obj.org,
            permission=VIEW,
            obj=request_obj,
            dedupe_key=f"service-bad-rating:{request_obj.pk}:{request_obj.reopen_count}",
        )
    return request_obj


def _count_wrong_proof(request_obj: ServiceRequest, client: str, now: datetime.datetime) -> None:
    RatingAttempt.objects.create(request=request_obj, client_hash=_client_digest(client), created_at=now)
