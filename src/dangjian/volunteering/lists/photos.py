"""Photos proving a 微心愿 fulfilled: which files are accepted (JPEG, PNG or WebP by their content,
not their name; at most three of at most 5 MB each) and how they are stored with the wish.

``life``'s meeting attachments accept documents too and judge by the name first; a wish's proof is
photos only, so the check is this small one rather than theirs.
"""

from __future__ import annotations

from collections.abc import Sequence

from django.utils.translation import gettext

from dangjian.core import audit
from dangjian.core.choices import AuditAction
from dangjian.volunteering.models import Wish, WishPhoto

MAX_PHOTOS = 3
MAX_PHOTO_BYTES = 5 * 1024 * 1024
# Content type → file extension stored (the stored name is random; the original is kept in the row).
EXTENSIONS = {"image/jpeg": "jpg", "image/png": "png", "image/webp": "webp"}


def image_type(head: bytes) -> str | None:
    """The picture type a file's first bytes announce, or None when they announce none we take."""
    if head.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "image/webp"
    return None


def _name(upload) -> str:
    return (getattr(upload, "name", "") or "photo").rsplit("/", 1)[-1][:200]


def _head(upload) -> bytes:
    upload.seek(0)
    head = upload.read(16)
    upload.seek(0)
    return head


def photos_refusal(uploads: Sequence) -> str | None:
    """Why these uploads cannot prove a wish (too many, too large, not a picture), or None."""
    if len(uploads) > MAX_PHOTOS:
        return gettext("Please add at most %(count)s photos.") % {"count": MAX_PHOTOS}
    for upload in uploads:
        name = _name(upload)
        if upload.size > MAX_PHOTO_BYTES:
            return gettext("The photo “%(name)s” is %(size)s MB; photos may be at most %(limit)s MB.") % {
                "name": name,
                "size": round(upload.size / 1024 / 1024, 1),
                "limit": MAX_PHOTO_BYTES // 1024 // 1024,
            }
        if image_type(_head(upload)) is None:
            return gettext(
                "“%(name)s” is not a JPEG, PNG or WebP picture; please choose a photo taken with a phone "
                "or a camera."
            ) % {"name": name}
    return None


def save_photos(wish: Wish, uploads: Sequence, *, by) -> list[WishPhoto]:
    """Store checked uploads with ``wish`` and audit each; the caller holds the transaction."""
    saved = []
    for upload in uploads:
        content_type = image_type(_head(upload)) or ""
        photo = WishPhoto(
            wish=wish,
            original_name=_name(upload),
            content_type=content_type,
            size=upload.size,
            uploaded_by=by if getattr(by, "pk", None) else None,
        )
        photo.file.save(f"photo.{EXTENSIONS[content_type]}", upload, save=False)
        photo.save()
        audit.record(
            AuditAction.CREATE,
            photo,
            by=by,
            changes=audit.diff({}, {"file": photo.original_name, "size": photo.size}),
            note=gettext("Photo of the micro-wish “%(title)s”") % {"title": wish.title},
        )
        saved.append(photo)
    return saved
