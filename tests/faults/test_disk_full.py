"""A disk that fills up in the middle of an upload (issue 15, point 11): a clear answer in the
reader's language, no row pointing at a missing or partial file, no partial file left on disk,
and the same upload succeeds once there is room again."""

from __future__ import annotations

import errno

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import translation
from django.utils.html import escape

from dangjian.core import storage
from dangjian.core.models import AuditEntry
from dangjian.life.models import MeetingAttachment
from tests.life.helpers import plain_meeting

pytestmark = pytest.mark.django_db

# A PDF of 200 kB: several chunks, so the disk fills up after part of it is written.
PDF = b"%PDF-1.4\n" + b"0" * 200_000


class FillingUpFile:
    """A file on a disk with room for ``room`` more bytes: writes what fits, then ENOSPC."""

    def __init__(self, real, room: int) -> None:
        self.real, self.room = real, room

    def write(self, data: bytes) -> int:
        if len(data) > self.room:
            self.real.write(data[: self.room])
            self.real.flush()
            self.room = 0
            raise OSError(errno.ENOSPC, "No space left on device")
        self.room -= len(data)
        return self.real.write(data)

    def __getattr__(self, name):
        return getattr(self.real, name)

    def __enter__(self):
        return self

    def __exit__(self, *exc_info):
        self.real.close()


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.DEBUG = False
    return settings.MEDIA_ROOT


def _files(root) -> list:
    return [path for path in root.rglob("*") if path.is_file()] if root.exists() else []


def test_a_disk_full_in_the_middle_of_an_attachment_saves_nothing_and_leaves_no_partial_file(
    world, secretary_a, media, monkeypatch
):
    meeting = plain_meeting(world.branch_a1, "主题党日")
    client = Client(raise_request_exception=False)
    client.force_login(secretary_a)
    audit_lines = AuditEntry.objects.count()
    original = storage._open_for_writing
    monkeypatch.setattr(storage, "_open_for_writing", lambda fd: FillingUpFile(original(fd), room=70_000))
    url = reverse("life:attachment_add", kwargs={"pk": meeting.pk})

    response = client.post(
        url, {"file": SimpleUploadedFile("会议记录.pdf", PDF, content_type="application/pdf")}
    )

    page = response.content.decode()
    with translation.override("zh-hans"):
        message = translation.gettext(
            "The server's disk is full, so the file was not saved and nothing was changed. "
            "Please tell the administrator and try again later."
        )
    assert response.status_code == 503 and escape(message) in page and '<html lang="zh-hans">' in page
    assert "Traceback" not in page and "ENOSPC" not in page
    assert not MeetingAttachment.objects.exists()
    assert AuditEntry.objects.count() == audit_lines
    assert _files(media) == []  # neither the partial file nor its temporary name

    monkeypatch.setattr(storage, "_open_for_writing", original)  # room again
    response = client.post(
        url, {"file": SimpleUploadedFile("会议记录.pdf", PDF, content_type="application/pdf")}
    )

    assert response.status_code == 302
    item = MeetingAttachment.objects.get(meeting=meeting)
    assert [path.read_bytes() for path in _files(media)] == [PDF]
    assert item.file.path == str(_files(media)[0])


def test_two_uploads_of_one_name_keep_both_files_whole(media):
    first = storage.WholeFileStorage().save("life/a.pdf", SimpleUploadedFile("a.pdf", b"%PDF-1 first"))
    second = storage.WholeFileStorage().save("life/a.pdf", SimpleUploadedFile("a.pdf", b"%PDF-1 second"))

    assert first != second
    assert sorted(path.read_bytes() for path in _files(media)) == [b"%PDF-1 first", b"%PDF-1 second"]
