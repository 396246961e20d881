"""Where uploads (meeting attachments, request and wish photos, evidence) are written: a file
appears under its name only once all of it is on disk.

Django's ``FileSystemStorage`` writes straight into the final name, so a disk that fills up in
the middle of an upload leaves a partial file there (Django 5.2 does not remove it). This
storage writes into a temporary file in the same directory and links it to its name only when
the last byte is written and flushed; on any error the temporary file is removed, and the
error (``OSError`` with ``ENOSPC`` for a full disk) reaches the error page of ``core.errors``.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from typing import BinaryIO

from django.core.files.storage import FileSystemStorage
from django.core.files.storage.filesystem import safe_makedirs


def _open_for_writing(descriptor: int) -> BinaryIO:
    # Apart so that a test can make the disk fill up in the middle of a file.
    return os.fdopen(descriptor, "wb")


class WholeFileStorage(FileSystemStorage):
    """``FileSystemStorage`` that never leaves a partial file under an upload's name."""

    def _save(self, name: str, content) -> str:
        full_path = self.path(name)
        directory = os.path.dirname(full_path)
        if self.directory_permissions_mode is not None:
            safe_makedirs(directory, self.directory_permissions_mode, exist_ok=True)
        else:
            os.makedirs(directory, exist_ok=True)
        # mkstemp creates the file 0600 whatever the umask; hidden by its leading dot.
        descriptor, temporary = tempfile.mkstemp(dir=directory, prefix=".upload-")
        try:
            with _open_for_writing(descriptor) as out:
                for chunk in content.chunks():
                    out.write(chunk if isinstance(chunk, bytes) else chunk.encode())
                out.flush()
                os.fsync(out.fileno())  # a full disk may only show here, at the latest on close
            if self.file_permissions_mode is not None:
                os.chmod(temporary, self.file_permissions_mode)
            while True:
                try:
                    # A hard link never replaces an existing file (two uploads of one name).
                    os.link(temporary, full_path)
                    break
                except FileExistsError:
                    name = self.get_available_name(name)
                    full_path = self.path(name)
        finally:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(temporary)
        return str(name).replace("\\", "/")
