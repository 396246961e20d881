"""No clear personal data on disk, and nothing in the data directory readable by others (issue 15
point 2): a checked import upload is kept encrypted in the database and deleted on confirm,
cancel and expiry; every file and directory the platform writes is owner-only."""

from __future__ import annotations

import datetime
import io
import os
import stat
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

import dangjian.settings
from dangjian.core.data_dir import MARKER, owner_only_directory
from dangjian.core.models import PendingImport
from dangjian.core.scheduler import registered_jobs
from dangjian.core.tasks import REMOVE_EXPIRED_UPLOADS_EVERY, remove_expired_uploads
from dangjian.volunteering.choices import WishState
from dangjian.volunteering.models import Volunteer
from tests.members.ledger_data import nth_id_number
from tests.volunteering.ledger.test_import_export import row, workbook_bytes
from tests.volunteering.lists.helpers import JPEG, member_user, wish_a

ROOT = Path(__file__).resolve().parent.parent.parent
LOOSE = stat.S_IRWXG | stat.S_IRWXO
ID_NUMBER = nth_id_number(7)
MOBILE = "13900000007"
FILE_NAME = "孔繁星家庭台账.xlsx"


@pytest.fixture
def data_dir(settings, tmp_path):
    """A data directory of the test's own, as the platform lays it out."""
    settings.DATA_DIR = tmp_path / "data"
    settings.MEDIA_ROOT = settings.DATA_DIR / "media"
    settings.DATA_DIR.mkdir(mode=0o700)
    return settings.DATA_DIR


def readable_bytes(root: Path) -> bytes:
    """Everything someone with a copy of ``root`` reads without a key: each file's bytes and, for
    an .xlsx or any zip, its members unpacked (a workbook's cells are deflated inside)."""
    found = []
    for path in sorted(root.rglob("*")):
        if not path.is_file() or path.is_symlink():
            continue
        content = path.read_bytes()
        found.append(content)
        if zipfile.is_zipfile(io.BytesIO(content)):
            with zipfile.ZipFile(io.BytesIO(content)) as archive:
                found += [archive.read(name) for name in archive.namelist()]
    return b"\n".join(found)


def loose_entries(root: Path) -> list[str]:
    """Every file or directory under ``root`` (itself included) that the group or others may use."""
    return [
        f"{path.relative_to(root.parent)} {stat.filemode(mode)}"
        for path in [root, *sorted(root.rglob("*"))]
        if not path.is_symlink() and (mode := path.lstat().st_mode) & LOOSE
    ]


def check_upload(client, name: str = FILE_NAME):
    upload = io.BytesIO(workbook_bytes([row(7)]))
    upload.name = name
    response = client.post(reverse("volunteering:volunteer_import"), {"file": upload})
    assert response.status_code == 200 and response.context["token"]
    return response


@pytest.fixture
def permissive_umask():
    """The umask of a process not started by ``dangjian`` (a bare gunicorn, a test runner)."""
    previous = os.umask(0o022)
    yield
    os.umask(previous)


def test_a_checked_upload_leaves_no_clear_id_number_mobile_or_file_name_on_disk(
    client, world, secretary_a, data_dir
):
    client.force_login(secretary_a)

    check_upload(client)

    on_disk = readable_bytes(data_dir)
    for clear in (ID_NUMBER, MOBILE, FILE_NAME):
        assert clear.encode() not in on_disk, clear
    [kept] = PendingImport.objects.all()
    stored = bytes(kept.content)
    for clear in (ID_NUMBER, MOBILE, FILE_NAME):
        assert clear.encode() not in stored, clear
    assert not zipfile.is_zipfile(io.BytesIO(stored))


def test_confirming_imports_the_kept_upload_and_deletes_it(client, world, secretary_a, data_dir):
    client.force_login(secretary_a)
    token = check_upload(client).context["token"]

    response = client.post(reverse("volunteering:volunteer_import"), {"token": token})

    assert response.context["report"].committed and response.context["report"].file_name == FILE_NAME
    assert Volunteer.objects.get().person.id_number.clear() == ID_NUMBER
    assert not PendingImport.objects.exists()


def test_cancel_on_the_check_page_is_a_post_that_deletes_the_upload_and_imports_nothing(
    client, world, secretary_a, data_dir
):
    client.force_login(secretary_a)
    checked = check_upload(client)
    page = checked.content.decode()
    form = page[page.index('<form method="post"') : page.index("</form>", page.index('name="token"'))]
    assert 'name="cancel"' in form and 'type="submit"' in form

    response = client.post(
        reverse("volunteering:volunteer_import"), {"token": checked.context["token"], "cancel": "1"}
    )

    assert response.status_code == 200
    assert response.context["cancelled"] and str(response.context["cancelled"]) in response.content.decode()
    assert not PendingImport.objects.exists() and not Volunteer.objects.exists()
    again = client.post(reverse("volunteering:volunteer_import"), {"token": checked.context["token"]})
    assert again.status_code == 400 and not Volunteer.objects.exists()


def test_cancelling_someone_elses_upload_deletes_nothing(
    client, world, secretary_a, district_admin, data_dir
):
    client.force_login(secretary_a)
    token = check_upload(client).context["token"]
    client.force_login(district_admin)

    client.post(reverse("volunteering:volunteer_import"), {"token": token, "cancel": "1"})

    assert PendingImport.objects.filter(token=token).exists()


def test_the_hourly_job_deletes_expired_uploads_and_clear_files_of_earlier_versions(
    client, world, secretary_a, data_dir
):
    [job] = [job for job in registered_jobs() if job.name.endswith("remove_expired_uploads")]
    assert job.every == REMOVE_EXPIRED_UPLOADS_EVERY == datetime.timedelta(hours=1)
    client.force_login(secretary_a)
    expired = check_upload(client).context["token"]
    fresh = check_upload(client).context["token"]
    PendingImport.objects.filter(token=expired).update(
        created_at=timezone.now() - datetime.timedelta(hours=25)
    )
    # What versions before the encryption left: the workbook and its sidecar, in clear.
    legacy = data_dir / "imports"
    legacy.mkdir()
    (legacy / "0b7c.xlsx").write_bytes(workbook_bytes([row(8)]))
    (legacy / "0b7c.json").write_text('{"original_name": "台账.xlsx"}')

    assert remove_expired_uploads.call() == 2

    assert [str(token) for token in PendingImport.objects.values_list("token", flat=True)] == [fresh]
    assert not legacy.exists()
    assert remove_expired_uploads.call() == 0


@pytest.mark.usefixtures("permissive_umask")
def test_what_the_platform_writes_is_owner_only_even_under_a_permissive_umask(
    client, world, secretary_a, data_dir, monkeypatch
):
    # A key generated on first run, the directories settings creates.
    monkeypatch.setattr(dangjian.settings, "DATA_DIR", data_dir)
    dangjian.settings._key_from_file("encryption_key", lambda: "k" * 44, "")
    owner_only_directory(data_dir / "static")
    # An import checked and kept.
    client.force_login(secretary_a)
    check_upload(client)
    # Photos uploaded through a page (a 微心愿 fulfilled), stored under media/.
    member = member_user(world, "member_a", "周党员")
    wish = wish_a(world, state=WishState.CLAIMED, claimed_by=member.person, claimed_at=timezone.now())
    client.force_login(member)
    response = client.post(
        reverse("volunteering:wish_fulfil", kwargs={"pk": wish.pk}),
        {
            "proof": "书包已送到",
            "photos": [SimpleUploadedFile("送书包.jpg", JPEG, content_type="image/jpeg")],
        },
    )
    assert response.status_code == 302
    assert list((data_dir / "media").rglob("*.jpg"))

    assert loose_entries(data_dir) == []


def test_the_dangjian_command_creates_a_new_data_directory_owner_only(tmp_path):
    data_dir = tmp_path / "fresh"
    environment = {key: value for key, value in os.environ.items() if not key.startswith("DANGJIAN_")}
    environment.update(
        DANGJIAN_DATA_DIR=str(data_dir),
        DJANGO_SETTINGS_MODULE="dangjian.settings",
        PYTHONPATH=str(ROOT / "src"),
    )
    environment.pop("DATABASE_URL", None)
    script = (
        "import os\n"
        "from django.db import connection\n"
        "from django.core.files.base import ContentFile\n"
        "from django.core.files.storage import default_storage\n"
        "connection.ensure_connection()\n"  # the SQLite file, its WAL and shared memory
        "default_storage.save('life/meetings/1/签到表.txt', ContentFile(b'sign-in'))\n"
        "print('umask', oct(os.umask(0o077)))\n"
    )

    result = subprocess.run(
        [sys.executable, "-m", "dangjian", "manage", "shell", "-c", script],
        env=environment,
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=300,
        check=False,
    )

    assert result.returncode == 0, result.stderr
    assert "umask 0o77" in result.stdout
    assert {"dangjian.sqlite3", "encryption_key", "lookup_key", "secret_key", "static", "media"} <= {
        path.name for path in data_dir.iterdir()
    }
    assert loose_entries(data_dir) == []


def test_secure_data_dir_tightens_what_an_earlier_version_left_once(data_dir, tmp_path, settings):
    media = data_dir / "media" / "service" / "photos"
    media.mkdir(parents=True)
    os.chmod(data_dir / "media", 0o755)
    os.chmod(media, 0o775)
    photo = media / "1.jpg"
    photo.write_bytes(JPEG)
    os.chmod(photo, 0o644)
    read_only = data_dir / "encryption_key"
    read_only.write_text("key")
    os.chmod(read_only, 0o444)
    outside = tmp_path / "outside.txt"
    outside.write_text("not ours to change")
    os.chmod(outside, 0o644)
    (data_dir / "link").symlink_to(outside)

    call_command("secure_data_dir", "--once", stdout=io.StringIO())

    assert loose_entries(data_dir) == []
    assert stat.S_IMODE(read_only.stat().st_mode) == 0o400  # bits removed, never added
    assert stat.S_IMODE(outside.stat().st_mode) == 0o644  # a link is not followed
    assert (data_dir / MARKER).is_file()
    os.chmod(photo, 0o644)
    call_command("secure_data_dir", "--once", stdout=io.StringIO())
    assert stat.S_IMODE(photo.stat().st_mode) == 0o644  # recorded as done: no walk at each start
    output = io.StringIO()
    call_command("secure_data_dir", stdout=output)
    assert stat.S_IMODE(photo.stat().st_mode) == 0o600
    assert str(data_dir) in output.getvalue()
