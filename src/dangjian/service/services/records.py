"""Records on a request by staff (and the resident's photos): 走访, comments and photos; 评价 is in ``rating``."""

from __future__ import annotations

from django.utils.translation import gettext

from dangjian.service.choices import (
    PhotoKind,
)
from dangjian.service.models import (
    RatingLevel,
    RequestPhoto,
    ServiceRequest,
)
from dangjian.service.services.common import RESIDENT_NAME, _change, _required

# --- residents and staff records -------------------------------------------------------------------


def rating_levels() -> list[RatingLevel]:
    return list(RatingLevel.objects.filter(is_active=True))


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
