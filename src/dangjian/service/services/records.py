"""Records on a request by residents and staff: 评价, 走访, comments and photos."""

from __future__ import annotations

from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext

from dangjian.core import notifications
from dangjian.core.errors import RuleViolation
from dangjian.service.choices import (
    FollowUpState,
    PhotoKind,
)
from dangjian.service.models import (
    RatingLevel,
    RequestPhoto,
    ServiceRequest,
)
from dangjian.service.services.common import NOTIFY_BAD_RATING, RESIDENT_NAME, _change, _now, _required
from dangjian.service.services.rights import VIEW, S

# --- residents and staff records -------------------------------------------------------------------


def rating_levels() -> list[RatingLevel]:
    return list(RatingLevel.objects.filter(is_active=True))


# Its notices are written in the same transaction as the change (all or nothing).
@transaction.atomic
def rate_request(
    request_obj: ServiceRequest, *, level: str, comment: str = "", by=None, now=None
) -> ServiceRequest:
    """评价: the resident rates a resolved request once; a 差评 opens a follow-up for the dispatcher."""
    now = _now(now)
    rating = RatingLevel.objects.filter(code=level, is_active=True).first()
    if rating is None:
        raise RuleViolation(
            gettext("Please choose one of the rating levels."), rule="rate.level", field="level"
        )

    def check(current: ServiceRequest) -> None:
        if current.state != S.RESOLVED:
            if current.rated_at is not None:
                raise RuleViolation(gettext("This request has already been rated."), rule="rate.once")
            raise RuleViolation(
                gettext("A request can be rated once it is resolved; it is “%(state)s” now.")
                % {"state": current.get_state_display()},
                rule="rate.state",
            )

    request_obj = _change(
        request_obj,
        "rate",
        by=by,
        by_name="" if getattr(by, "is_authenticated", False) else RESIDENT_NAME,
        to_state=S.RATED,
        fields={
            "rating_level": rating.code,
            "rating_is_bad": rating.is_bad,
            "rating_comment": comment.strip(),
            "rated_at": now,
            "follow_up_state": FollowUpState.OPEN if rating.is_bad else FollowUpState.NONE,
        },
        note=f"{rating.name}" + (f"：{comment.strip()}" if comment.strip() else ""),
        now=now,
        check=check,
        system=True,  # the portal proves the resident by tracking code; staff may record a phone rating
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


def log_visit(request_obj: ServiceRequest, *, by, note: str = "", now=None) -> ServiceRequest:
    """最多跑一次: one more visit in person by the resident about this request."""
    return _change(
        request_obj,
        "visit",
        by=by,
        prepare=lambda current: {"visit_count": current.visit_count + 1},
        note=note,
        now=now,
    )


def add_comment(request_obj: ServiceRequest, *, by, note: str, now=None) -> ServiceRequest:
    note = _required(note, "note", gettext("the comment"))
    return _change(request_obj, "comment", by=by, note=note, now=now)


def add_photo(
    request_obj: ServiceRequest,
    *,
    upload,
    kind: str = PhotoKind.REPORT,
    by=None,
    now=None,
    system: bool = False,
) -> RequestPhoto:
    """Attach a photo (checked, resized, EXIF location kept for staff only)."""
    from dangjian.service.photos import process_photo

    processed = process_photo(upload)
    photos: list[RequestPhoto] = []

    def check(current: ServiceRequest) -> None:
        photo = RequestPhoto(
            request=current,
            kind=kind,
            width=processed.width,
            height=processed.height,
            exif_latitude=processed.latitude,
            exif_longitude=processed.longitude,
            uploaded_by=by if getattr(by, "is_authenticated", False) else None,
        )
        photo.image.save(processed.name, processed.content, save=False)
        photo.save()
        photos.append(photo)

    _change(
        request_obj,
        "photo",
        by=by,
        by_name="" if getattr(by, "is_authenticated", False) else RESIDENT_NAME,
        check=check,
        now=now,
        system=system,
        data={"kind": kind},
    )
    return photos[0]
