"""Photos of requests from phone cameras: size limit, real image check, resize, EXIF location.

The photo is re-encoded as JPEG with its longest side at most ``SERVICE_PHOTO_MAX_SIDE``; the
re-encoding drops every EXIF field, so the location the camera wrote is kept only in the photo's
own fields, which staff see and residents do not.
"""

from __future__ import annotations

import io
import uuid
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.core.files.base import ContentFile
from django.utils.translation import gettext
from PIL import Image, ImageOps, UnidentifiedImageError

from dangjian.core.errors import RuleViolation

GPS_IFD = 0x8825


@dataclass
class ProcessedPhoto:
    name: str
    content: ContentFile
    width: int
    height: int
    latitude: Decimal | None
    longitude: Decimal | None


def _degrees(values, reference: str) -> Decimal | None:
    try:
        degrees, minutes, seconds = (float(value) for value in values)
    except (TypeError, ValueError, ZeroDivisionError):
        return None
    result = degrees + minutes / 60 + seconds / 3600
    if reference in ("S", "W"):
        result = -result
    return Decimal(str(round(result, 6)))


def exif_location(image: Image.Image) -> tuple[Decimal | None, Decimal | None]:
    """(latitude, longitude) from the camera's EXIF GPS block, or (None, None)."""
    try:
        gps = image.getexif().get_ifd(GPS_IFD)
    except (AttributeError, KeyError, ValueError):
        return None, None
    if not gps or 2 not in gps or 4 not in gps:
        return None, None
    return _degrees(gps[2], gps.get(1, "N")), _degrees(gps[4], gps.get(3, "E"))


def process_photo(upload) -> ProcessedPhoto:
    """Check and resize an uploaded photo; a refusal names the limit."""
    limit = settings.SERVICE_PHOTO_MAX_BYTES
    size = getattr(upload, "size", None)
    if size is not None and size > limit:
        raise RuleViolation(
            gettext("The photo is %(size)s MB; photos may be at most %(limit)s MB.")
            % {"size": round(size / 1024 / 1024, 1), "limit": round(limit / 1024 / 1024)},
            rule="photo.size",
            field="photo",
        )
    data = upload.read()
    if len(data) > limit:
        raise RuleViolation(
            gettext("Photos may be at most %(limit)s MB.") % {"limit": round(limit / 1024 / 1024)},
            rule="photo.size",
            field="photo",
        )
    try:
        image = Image.open(io.BytesIO(data))
        image.load()
    except (UnidentifiedImageError, OSError, Image.DecompressionBombError) as error:
        raise RuleViolation(
            gettext("This file is not a photo we can read; please send a JPEG or PNG picture."),
            rule="photo.type",
            field="photo",
        ) from error
    latitude, longitude = exif_location(image)
    image = ImageOps.exif_transpose(image).convert("RGB")
    image.thumbnail((settings.SERVICE_PHOTO_MAX_SIDE, settings.SERVICE_PHOTO_MAX_SIDE))
    output = io.BytesIO()
    image.save(output, format="JPEG", quality=85, optimize=True)
    return ProcessedPhoto(
        name=f"{uuid.uuid4().hex}.jpg",
        content=ContentFile(output.getvalue()),
        width=image.width,
        height=image.height,
        latitude=latitude,
        longitude=longitude,
    )
