"""Uploads kept between the dry run and the commit, per user, removed after a day."""

from __future__ import annotations

import datetime
import json
import time
import uuid
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.utils import timezone

from dangjian.core.excel.cells import PENDING_MAX_AGE
from dangjian.core.excel.specs import ImportSpec

# --- Uploads kept between the dry run and the commit ----------------------------------------


@dataclass(frozen=True)
class PendingUpload:
    token: str
    path: Path
    user_id: int
    spec: str
    original_name: str
    uploaded_at: str

    def read(self) -> bytes:
        return self.path.read_bytes()


def pending_dir() -> Path:
    directory = Path(settings.DATA_DIR) / "imports"
    directory.mkdir(parents=True, exist_ok=True)
    return directory


def remove_stale_uploads(max_age: datetime.timedelta = PENDING_MAX_AGE) -> int:
    """Delete kept uploads older than ``max_age``; called at each upload, so no scheduler is needed."""
    limit = time.time() - max_age.total_seconds()
    removed = 0
    for path in pending_dir().iterdir():
        if path.suffix in {".xlsx", ".json"} and path.stat().st_mtime < limit:
            path.unlink(missing_ok=True)
            removed += path.suffix == ".xlsx"
    return removed


def keep_upload(spec: ImportSpec, data: bytes, *, by, original_name: str) -> str:
    """Keep an upload that passed its dry run until the user confirms; returns the token."""
    remove_stale_uploads()
    token = str(uuid.uuid4())
    directory = pending_dir()
    (directory / f"{token}.xlsx").write_bytes(data)
    sidecar = {
        "user_id": by.pk,
        "spec": spec.name,
        "original_name": original_name,
        "uploaded_at": timezone.now().isoformat(),
    }
    (directory / f"{token}.json").write_text(json.dumps(sidecar, ensure_ascii=False))
    return token


def load_upload(spec: ImportSpec, token: str, *, by) -> PendingUpload | None:
    """The kept upload for ``token`` if it belongs to this user and this ledger, else None."""
    try:
        token = str(uuid.UUID(str(token)))  # also refuses anything that could escape the directory
    except ValueError:
        return None
    directory = pending_dir()
    data_path, sidecar_path = directory / f"{token}.xlsx", directory / f"{token}.json"
    if not data_path.exists() or not sidecar_path.exists():
        return None
    if time.time() - data_path.stat().st_mtime > PENDING_MAX_AGE.total_seconds():
        return None
    sidecar = json.loads(sidecar_path.read_text())
    if sidecar.get("user_id") != by.pk or sidecar.get("spec") != spec.name:
        return None
    return PendingUpload(
        token=token,
        path=data_path,
        user_id=sidecar["user_id"],
        spec=sidecar["spec"],
        original_name=sidecar.get("original_name", ""),
        uploaded_at=sidecar.get("uploaded_at", ""),
    )


def discard_upload(upload: PendingUpload) -> None:
    upload.path.unlink(missing_ok=True)
    upload.path.with_suffix(".json").unlink(missing_ok=True)
