"""``dangjian backup`` and ``dangjian restore`` as an operator runs them (issue 15 point 10): a backup
of a running database and its uploads, restored into an empty database, gives identical row counts
and checksums for every table; a tampered backup is caught; nothing in a backup is readable by
others; a non-empty target is refused.

Each run uses its own data directory and database (a SQLite file, or on the PostgreSQL run new
databases on the test server), driven through the command line in subprocesses, as in production.
"""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
import uuid
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest
from django.db import connection

ROOT = Path(__file__).resolve().parent.parent

SEED = """
from dangjian.orgs.models import Area
from dangjian.core.models import Person
district = Area(name="示范区", code="110105", kind="district")
district.refresh_search_fields()
district = Area.objects.add_root(instance=district)
street = Area(name="和平街道", code="110105001", kind="street")
street.refresh_search_fields()
Area.objects.add_child(district, instance=street)
person = Person(name="张三", gender="male")
person.mobile = "13800138000"
person.id_number = "11010519491231002X"
person.save()
"""


def _dangjian(
    args: list[str], environment: dict[str, str], check: bool = True
) -> subprocess.CompletedProcess:
    completed = subprocess.run(
        [sys.executable, "-m", "dangjian", *args],
        env=environment,
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=600,
    )
    if check and completed.returncode != 0:
        raise AssertionError(f"dangjian {' '.join(args)} failed:\n{completed.stdout}\n{completed.stderr}")
    return completed


@pytest.fixture
def databases(tmp_path):
    """Two database URLs (the source and an empty target) of the vendor this run tests on."""
    if connection.vendor == "postgresql":
        server = os.environ["DATABASE_URL"]
        names = [f"dj_backup_{kind}_{uuid.uuid4().hex[:8]}" for kind in ("source", "target", "other")]
        parts = urlsplit(server)
        admin = connection.settings_dict
        for name in names:
            with connection.cursor() as cursor:
                cursor.execute(f'CREATE DATABASE "{name}" TEMPLATE template0 ENCODING UTF8')
        yield [urlunsplit(parts._replace(path=f"/{name}")) for name in names]
        with connection.cursor() as cursor:
            for name in names:
                cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        assert admin
    else:
        yield [f"sqlite:///{tmp_path / kind / 'dangjian.sqlite3'}" for kind in ("source", "target", "other")]


def _environment(data_dir: Path, database_url: str) -> dict[str, str]:
    environment = {key: value for key, value in os.environ.items() if not key.startswith("DANGJIAN_")}
    environment.update(
        DANGJIAN_DATA_DIR=str(data_dir),
        DATABASE_URL=database_url,
        DJANGO_SETTINGS_MODULE="dangjian.settings",
        PYTHONPATH=str(ROOT / "src"),
    )
    return environment


@pytest.mark.django_db(transaction=True)
def test_a_restored_backup_has_every_table_and_file_of_the_source(tmp_path, databases):
    source_url, target_url, other_url = databases
    source_dir, target_dir, other_dir = tmp_path / "source", tmp_path / "target", tmp_path / "other"
    source = _environment(source_dir, source_url)
    _dangjian(["manage", "migrate", "--verbosity", "0"], source)
    _dangjian(["manage", "shell", "-c", SEED], source)
    upload = source_dir / "media" / "life" / "meetings" / "1" / "签到表.jpg"
    upload.parent.mkdir(parents=True)
    upload.write_bytes(b"\xff\xd8\xff sign-in sheet")
    keys = {name: (source_dir / name).read_text() for name in ("secret_key", "encryption_key", "lookup_key")}

    output = _dangjian(["backup", "--output", str(tmp_path / "backups")], source).stdout
    [backup] = (tmp_path / "backups").iterdir()
    assert "keys are not in the backup" in output or "密钥不在备份中" in output

    # Owner-only, and no key inside.
    assert stat.S_IMODE(backup.stat().st_mode) == 0o700
    for path in backup.iterdir():
        assert stat.S_IMODE(path.stat().st_mode) == 0o600, path
        content = path.read_bytes()
        assert all(key.encode() not in content for key in keys.values()), path
    manifest = json.loads((backup / "manifest.json").read_text())
    assert manifest["tables"]["core_person"]["rows"] == 1
    assert manifest["tables"]["orgs_area"]["rows"] == 2
    assert list(manifest["files"]) == ["life/meetings/1/签到表.jpg"]

    # The restore needs the keys in force when the backup was taken: the operator copies them.
    target_dir.mkdir()
    for name, value in keys.items():
        (target_dir / name).write_text(value)
    target = _environment(target_dir, target_url)
    restored = _dangjian(["restore", str(backup)], target)
    assert "differ" not in restored.stdout + restored.stderr
    assert (
        target_dir / "media" / "life" / "meetings" / "1" / "签到表.jpg"
    ).read_bytes() == upload.read_bytes()
    mobile = _dangjian(
        [
            "manage",
            "shell",
            "-c",
            "from dangjian.core.models import Person; from dangjian.core.personal import decrypt; "
            "print('mobile=' + decrypt(Person.objects.get().mobile_cipher))",
        ],
        target,
    ).stdout
    assert "mobile=13800138000" in mobile

    # A second restore into the same (now full) database is refused and changes nothing.
    again = _dangjian(["restore", str(backup)], target, check=False)
    assert again.returncode != 0 and ("not empty" in again.stderr or "不是空的" in again.stderr)

    # A backup whose rows differ from its manifest is caught by the verification.
    manifest["tables"]["core_person"]["checksum"] = "0" * 32
    (backup / "manifest.json").write_text(json.dumps(manifest))
    tampered = _dangjian(["restore", str(backup)], _environment(other_dir, other_url), check=False)
    assert tampered.returncode != 0
    assert "core_person" in tampered.stderr
