"""Uploads kept between the dry run and the commit, per user, encrypted, removed when used or expired.

A ledger's workbook holds clear ID numbers and phones, so it is never stored in clear: a
``core.PendingImport`` row holds one Fernet token (the platform's encryption key,
core/personal.py) of the original file name and the workbook's bytes. The row is deleted on
confirm and on cancel, and by the periodic job ``core.tasks.remove_expired_uploads`` once
``PENDING_MAX_AGE`` has passed.
"""

from __future__ import annotations

import datetime
import json
import uuid
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.utils import timezone

from dangjian.core.excel.cells import PENDING_MAX_AGE
from dangjian.core.excel.specs import ImportSpec
from dangjian.core.models import PendingImport
from dangjian.core.personal import decrypt_bytes, encrypt_bytes


@dataclass(frozen=True)
class PendingUpload:
    token: str
    user_id: int
    spec: str
    original_name: str
    uploaded_at: str
    data: bytes = field(repr=False)

    def read(self) -> bytes:
        return self.data


def pending_dir() -> Path:
    """Where versions before 2026-12 kept uploads in clear (a workbook and a ``.json`` sidecar)."""
    return Path(settings.DATA_DIR) / "imports"


def remove_stale_uploads(max_age: datetime.timedelta = PENDING_MAX_AGE) -> int:
    """Delete kept uploads older than ``max_age``; returns how many. Run hourly by the periodic
    job ``core.tasks.remove_expired_uploads``.

    Also deletes whatever an earlier version left in clear in ``imports/`` of the data directory,
    whatever its age: it can no longer be confirmed, and it holds clear personal data.
    """
    removed, _by_model = PendingImport.objects.filter(created_at__lt=timezone.now() - max_age).delete()
    directory = pending_dir()
    if directory.is_dir():
        for path in directory.iterdir():
            if path.is_file() and path.suffix in {".xlsx", ".json"}:
                path.unlink(missing_ok=True)
                removed += path.suffix == ".xlsx"
        if not any(directory.iterdir()):
            directory.rmdir()
    return removed


def keep_upload(spec: ImportSpec, data: bytes, *, by, original_name: str) -> str:
    """Keep an upload that passed its dry run until the user confirms; returns the token.

    The original file name is encrypted with the bytes: it often names people or a place.
    """
    header = json.dumps({"original_name": original_name}, ensure_ascii=False).encode()
    pending = PendingImport.objects.create(
        user=by, spec=spec.name, content=encrypt_bytes(header + b"\n" + data)
    )
    return str(pending.token)


def load_upload(spec: ImportSpec, token: str, *, by) -> PendingUpload | None:
    """The kept upload for ``token`` if it belongs to this user and this ledger, else None."""
    try:
        token = str(uuid.UUID(str(token)))
    except ValueError:
        return None
    pending = PendingImport.objects.filter(
        token=token, user_id=by.pk, spec=spec.name, created_at__gte=timezone.now() - PENDING_MAX_AGE
    ).first()
    if pending is None:
        return None
    try:
        header, _newline, data = decrypt_bytes(bytes(pending.content)).partition(b"\n")
    except ValueError:
        return None  # encrypted under a key no longer in force: upload it again
    return PendingUpload(
        token=token,
        user_id=pending.user_id,
        spec=pending.spec,
        original_name=json.loads(header).get("original_name", ""),
        uploaded_at=pending.created_at.isoformat(),
        data=data,
    )


def discard_upload(upload: PendingUpload) -> None:
    """Delete a kept upload (confirmed or cancelled); deleting one already gone changes nothing."""
    PendingImport.objects.filter(token=upload.token).delete()
