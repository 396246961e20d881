"""``dangjian backup`` and ``dangjian restore``: a consistent online backup of the database and the
uploaded files, and a restore into an empty database that checks every table against the backup.

A backup is a directory (owner-only, like the data directory) holding:

- ``database.dump`` (PostgreSQL, ``pg_dump --format=custom``) or ``database.sqlite3`` (SQLite's
  online backup API): consistent while the server runs;
- ``media.tar.gz``: the uploaded files (``$DANGJIAN_DATA_DIR/media``);
- ``manifest.json``: for every table its row count and a checksum of its rows, taken from the
  same snapshot as the dump (PostgreSQL: ``pg_export_snapshot()`` shared with ``pg_dump
  --snapshot``), and a SHA-256 of each uploaded file. ``restore`` recomputes both after loading
  and fails on any difference: a backup is only as good as its last verified restore.

The keys (secret, encryption, lookup) are never in a backup: a dump with its key discloses the
personal information it protects (docs/operations.md), so they are kept apart, and the restore
needs the keys in force when the backup was taken.
"""

from __future__ import annotations

import datetime
import hashlib
import json
import os
import sqlite3
import subprocess
import tarfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import connection, transaction
from django.utils.translation import gettext

MANIFEST = "manifest.json"
PG_DUMP = "database.dump"
SQLITE_COPY = "database.sqlite3"
MEDIA_ARCHIVE = "media.tar.gz"
# A row's checksum is the MD5 of its repr; a table's is their sum modulo 2**128, so it does not
# depend on the order the database returns the rows in, and needs no memory per row.
_MODULUS = 1 << 128


class BackupError(Exception):
    """A backup or restore that cannot go on, with the reason for the operator."""


@dataclass(frozen=True)
class Verification:
    """What a restore found: the tables and files that differ from the manifest (none = good)."""

    tables: int
    rows: int
    files: int
    differences: list[str]

    @property
    def ok(self) -> bool:
        return not self.differences


def _owner_only_dir(path: Path) -> Path:
    path.mkdir(mode=0o700, parents=True, exist_ok=True)
    os.chmod(path, 0o700)
    return path


def _owner_only(path: Path) -> Path:
    os.chmod(path, 0o600)
    return path


def _plain(value: Any) -> Any:
    if isinstance(value, memoryview):
        return bytes(value)
    return value


def _summed_rows(cursor) -> dict[str, Any]:
    """The row count and checksum of the rows a cursor has just selected."""
    total = rows = 0
    while batch := cursor.fetchmany(5000):
        for row in batch:
            digest = hashlib.md5(repr(tuple(_plain(value) for value in row)).encode(), usedforsecurity=False)
            total = (total + int.from_bytes(digest.digest(), "big")) % _MODULUS
            rows += 1
    return {"rows": rows, "checksum": f"{total:032x}"}


def table_checksums(cursor) -> dict[str, dict[str, Any]]:
    """``{table: {"rows": n, "checksum": hex}}`` of every table of the database, read in the
    cursor's transaction (for PostgreSQL, the snapshot the dump is taken from)."""
    result = {}
    for table in sorted(connection.introspection.table_names(cursor)):
        quoted = connection.ops.quote_name(table)
        cursor.execute(f"SELECT * FROM {quoted}")
        result[table] = _summed_rows(cursor)
    return result


def _file_hashes(root: Path) -> dict[str, str]:
    hashes = {}
    if root.is_dir():
        for path in sorted(root.rglob("*")):
            if path.is_file():
                hashes[path.relative_to(root).as_posix()] = hashlib.sha256(path.read_bytes()).hexdigest()
    return hashes


def _pg_environment() -> tuple[list[str], dict[str, str]]:
    """Connection options for the PostgreSQL client programs, the password in the environment."""
    database = settings.DATABASES["default"]
    options = ["--dbname", database["NAME"]]
    if database.get("HOST"):
        options += ["--host", str(database["HOST"])]
    if database.get("PORT"):
        options += ["--port", str(database["PORT"])]
    if database.get("USER"):
        options += ["--username", str(database["USER"])]
    environment = dict(os.environ)
    if database.get("PASSWORD"):
        environment["PGPASSWORD"] = str(database["PASSWORD"])
    return options, environment


def _run(command: list[str], environment: dict[str, str] | None = None) -> None:
    try:
        completed = subprocess.run(command, env=environment, capture_output=True, text=True, check=False)
    except FileNotFoundError:
        raise BackupError(
            gettext("%(program)s is not installed (it comes with the PostgreSQL client).")
            % {"program": command[0]}
        ) from None
    if completed.returncode != 0:
        raise BackupError(
            gettext("%(program)s failed: %(error)s")
            % {"program": command[0], "error": completed.stderr.strip()[-2000:]}
        )


def backup(output_dir: Path, *, now: datetime.datetime | None = None) -> Path:
    """Write a backup under ``output_dir`` and return its directory."""
    now = now or datetime.datetime.now()
    target = _owner_only_dir(Path(output_dir) / f"dangjian-backup-{now:%Y%m%d-%H%M%S}")
    if any(target.iterdir()):
        raise BackupError(gettext("%(path)s exists and is not empty.") % {"path": target})
    vendor = connection.vendor
    manifest: dict[str, Any] = {"created_at": now.isoformat(), "vendor": vendor}
    if vendor == "postgresql":
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            cursor.execute("SELECT pg_export_snapshot()")
            snapshot = cursor.fetchone()[0]
            options, environment = _pg_environment()
            _run(
                [
                    "pg_dump",
                    "--format=custom",
                    "--no-owner",
                    "--no-privileges",
                    f"--snapshot={snapshot}",
                    "--file",
                    str(target / PG_DUMP),
                    *options,
                ],
                environment,
            )
            manifest["tables"] = table_checksums(cursor)
        _owner_only(target / PG_DUMP)
    elif vendor == "sqlite":
        connection.ensure_connection()
        copy = sqlite3.connect(target / SQLITE_COPY)
        try:
            connection.connection.backup(copy)
        finally:
            copy.close()
        _owner_only(target / SQLITE_COPY)
        reading = sqlite3.connect(target / SQLITE_COPY)
        try:
            manifest["tables"] = _sqlite_checksums(reading)
        finally:
            reading.close()
    else:
        raise BackupError(gettext("Backups of %(vendor)s databases are not supported.") % {"vendor": vendor})
    media = Path(settings.MEDIA_ROOT)
    manifest["files"] = _file_hashes(media)
    with tarfile.open(target / MEDIA_ARCHIVE, "w:gz") as archive:
        if media.is_dir():
            archive.add(media, arcname="media")
    _owner_only(target / MEDIA_ARCHIVE)
    (target / MANIFEST).write_text(json.dumps(manifest, ensure_ascii=False, indent=2), encoding="utf-8")
    _owner_only(target / MANIFEST)
    return target


def _sqlite_checksums(database: sqlite3.Connection) -> dict[str, dict[str, Any]]:
    """``table_checksums`` of a SQLite file opened directly (the copy, not the live database)."""
    names = [
        row[0]
        for row in database.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name"
        )
    ]

    class Cursor:
        def __init__(self) -> None:
            self.rows: sqlite3.Cursor | None = None

        def execute(self, sql: str) -> None:
            self.rows = database.execute(sql)

        def fetchmany(self, size: int) -> list:
            return self.rows.fetchmany(size)

    result = {}
    cursor = Cursor()
    for table in sorted(names):
        cursor.execute(f'SELECT * FROM "{table}"')
        result[table] = _summed_rows(cursor)
    return result


def read_manifest(backup_dir: Path) -> dict[str, Any]:
    path = Path(backup_dir) / MANIFEST
    if not path.is_file():
        raise BackupError(
            gettext("%(path)s is not a dangjian backup: %(file)s is missing.")
            % {"path": backup_dir, "file": MANIFEST}
        )
    return json.loads(path.read_text(encoding="utf-8"))


def _database_is_empty() -> bool:
    with connection.cursor() as cursor:
        return not connection.introspection.table_names(cursor)


def restore(backup_dir: Path) -> Verification:
    """Load a backup into the configured database, which must be empty (no tables), and the
    uploaded files into an empty media directory; then verify both against the manifest."""
    backup_dir = Path(backup_dir)
    manifest = read_manifest(backup_dir)
    vendor = connection.vendor
    if manifest["vendor"] != vendor:
        raise BackupError(
            gettext("This backup is of a %(backup)s database; the configured one is %(vendor)s.")
            % {"backup": manifest["vendor"], "vendor": vendor}
        )
    if not _database_is_empty():
        raise BackupError(gettext("The database is not empty. Restore into a new, empty database."))
    media = Path(settings.MEDIA_ROOT)
    if media.is_dir() and any(media.iterdir()):
        raise BackupError(
            gettext("%(path)s is not empty. Restore the files into an empty data directory.")
            % {"path": media}
        )
    if vendor == "postgresql":
        options, environment = _pg_environment()
        _run(
            [
                "pg_restore",
                "--no-owner",
                "--no-privileges",
                "--exit-on-error",
                *options,
                str(backup_dir / PG_DUMP),
            ],
            environment,
        )
    else:
        connection.close()
        name = Path(settings.DATABASES["default"]["NAME"])
        source = sqlite3.connect(backup_dir / SQLITE_COPY)
        destination = sqlite3.connect(name)
        try:
            source.backup(destination)
        finally:
            source.close()
            destination.close()
        _owner_only(name)
    with tarfile.open(backup_dir / MEDIA_ARCHIVE, "r:gz") as archive:
        archive.extractall(media.parent, filter="data")
    if media.is_dir():
        for path in [media, *media.rglob("*")]:
            os.chmod(path, 0o700 if path.is_dir() else 0o600)
    return verify(manifest)


def verify(manifest: dict[str, Any]) -> Verification:
    """Compare the configured database and media directory with a backup's manifest."""
    if connection.vendor == "postgresql":
        with transaction.atomic(), connection.cursor() as cursor:
            tables = table_checksums(cursor)
    else:
        reading = sqlite3.connect(settings.DATABASES["default"]["NAME"])
        try:
            tables = _sqlite_checksums(reading)
        finally:
            reading.close()
    differences = []
    expected = manifest["tables"]
    for table in sorted(set(expected) | set(tables)):
        if table not in tables:
            differences.append(f"table {table}: missing after the restore")
        elif table not in expected:
            differences.append(f"table {table}: not in the backup")
        elif tables[table] != expected[table]:
            differences.append(
                f"table {table}: {tables[table]['rows']} rows (checksum {tables[table]['checksum']}), "
                f"the backup has {expected[table]['rows']} (checksum {expected[table]['checksum']})"
            )
    files = _file_hashes(Path(settings.MEDIA_ROOT))
    for name in sorted(set(manifest["files"]) | set(files)):
        if files.get(name) != manifest["files"].get(name):
            differences.append(f"file media/{name}: differs from the backup")
    return Verification(
        tables=len(tables),
        rows=sum(entry["rows"] for entry in tables.values()),
        files=len(files),
        differences=differences,
    )
