"""Owner-only files in the data directory: the keys, the SQLite database, uploads, kept imports and
static files are readable and writable by the platform's own account only (个人信息保护法 article 51:
technical measures against unauthorised access).

Three things hold it: the ``dangjian`` command sets a umask of 0o077 before anything is written;
the platform creates its own files and directories with explicit modes (this module, and
``FILE_UPLOAD_PERMISSIONS`` for Django's storage), so a process started some other way writes
owner-only too; and ``tighten`` removes group and other bits from what an earlier version left.
Imported by ``settings``, so it imports nothing from Django.
"""

from __future__ import annotations

import contextlib
import os
import stat
from dataclasses import dataclass, field
from pathlib import Path

OWNER_ONLY_UMASK = 0o077
FILE_MODE = 0o600
DIRECTORY_MODE = 0o700
# Any permission for the group or for others: none is wanted anywhere in the data directory.
LOOSE_BITS = stat.S_IRWXG | stat.S_IRWXO
# Written once a full walk found nothing it could not tighten, so ``dangjian serve`` walks the
# tree once after an upgrade instead of at every start (a walk costs ~0.8 s per 100,000 files
# with a warm cache, docs/security.md "Files on disk"). Its content is the version of the walk.
MARKER = ".owner-only"
MARKER_VERSION = "1"


def owner_only_directory(path: Path) -> Path:
    """Create ``path`` (and its missing parents) owner-only, and tighten it if it was already there.

    A directory the process does not own (created by root for the service, say) is left as it is:
    the operator decides, and ``dangjian manage secure_data_dir`` names it.
    """
    path = Path(path)
    path.mkdir(mode=DIRECTORY_MODE, parents=True, exist_ok=True)
    mode = stat.S_IMODE(path.stat().st_mode)
    if mode & LOOSE_BITS:
        with contextlib.suppress(PermissionError):
            os.chmod(path, mode & ~LOOSE_BITS)
    return path


def write_owner_only(path: Path, data: bytes) -> None:
    """Create ``path`` with mode 0600 from its first byte (never briefly readable by others).

    Fails with ``FileExistsError`` rather than write through an existing file or link.
    """
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, FILE_MODE)
    with os.fdopen(descriptor, "wb") as handle:
        handle.write(data)


@dataclass
class Tightened:
    """What a walk found: how many entries it read, which it tightened, which it could not."""

    checked: int = 0
    changed: list[Path] = field(default_factory=list)
    refused: list[Path] = field(default_factory=list)


def tighten(root: Path) -> Tightened:
    """Remove group and other permissions from ``root`` and everything under it.

    Only bits are removed (a file the owner made read-only stays read-only); symbolic links are
    neither followed nor changed, so a link cannot send the walk outside the data directory.
    """
    root = Path(root)
    result = Tightened()
    if not root.is_dir():
        return result
    pending = [root]
    _tighten_entry(root, root.lstat(), result)
    while pending:
        directory = pending.pop()
        try:
            entries = list(os.scandir(directory))
        except PermissionError:
            result.refused.append(Path(directory))
            continue
        for entry in entries:
            info = entry.stat(follow_symlinks=False)
            if stat.S_ISLNK(info.st_mode):
                continue
            _tighten_entry(Path(entry.path), info, result)
            if stat.S_ISDIR(info.st_mode):
                pending.append(Path(entry.path))
    return result


def _tighten_entry(path: Path, info: os.stat_result, result: Tightened) -> None:
    result.checked += 1
    mode = stat.S_IMODE(info.st_mode)
    if not mode & LOOSE_BITS:
        return
    try:
        os.chmod(path, mode & ~LOOSE_BITS)
    except PermissionError:
        result.refused.append(path)
    else:
        result.changed.append(path)


def tighten_once(root: Path) -> Tightened | None:
    """``tighten`` unless a complete walk of this version is recorded; None when it was."""
    marker = Path(root) / MARKER
    if marker.is_file() and marker.read_text().strip() == MARKER_VERSION:
        return None
    result = tighten(root)
    if not result.refused:
        marker.unlink(missing_ok=True)
        write_owner_only(marker, (MARKER_VERSION + "\n").encode())
    return result
