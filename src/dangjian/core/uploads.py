"""Checks of an uploaded photo or document before it is stored: the size, the extension among
those accepted, and the first bytes agreeing with the extension (a renamed file is refused).

Meeting attachments, rating evidence, demonstration evidence and announcement attachments all
accept the same files and say the same thing when they refuse one.
"""

from __future__ import annotations

from django.utils.translation import gettext

MAX_DOCUMENT_BYTES = 10 * 1024 * 1024

# Extension → (content type, the file's first bytes): the name and the content must agree.
DOCUMENT_TYPES: dict[str, tuple[str, tuple[bytes, ...]]] = {
    "jpg": ("image/jpeg", (b"\xff\xd8\xff",)),
    "jpeg": ("image/jpeg", (b"\xff\xd8\xff",)),
    "png": ("image/png", (b"\x89PNG\r\n\x1a\n",)),
    "pdf": ("application/pdf", (b"%PDF",)),
    "docx": ("application/vnd.openxmlformats-officedocument.wordprocessingml.document", (b"PK\x03\x04",)),
    "xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", (b"PK\x03\x04",)),
}


def document_refusal(
    name: str,
    size: int,
    head: bytes,
    *,
    types: dict[str, tuple[str, tuple[bytes, ...]]] = DOCUMENT_TYPES,
    max_bytes: int = MAX_DOCUMENT_BYTES,
) -> str | None:
    """Why a file cannot be attached (too large, a type not accepted, content not of its type),
    in words; None if it can."""
    if size > max_bytes:
        return gettext("“%(name)s” is %(size)s MB; files up to %(limit)s MB can be attached.") % {
            "name": name,
            "size": f"{size / 1024 / 1024:.1f}",
            "limit": max_bytes // 1024 // 1024,
        }
    extension = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    if extension not in types:
        return gettext("“%(name)s” is not a type that can be attached; accepted: %(types)s.") % {
            "name": name,
            "types": gettext(", ").join(sorted(types)),
        }
    if not any(head.startswith(magic) for magic in types[extension][1]):
        return gettext("The content of “%(name)s” is not a %(type)s file; check the file and try again.") % {
            "name": name,
            "type": extension.upper(),
        }
    return None
