"""A lesson's video or PDF is served by our own view to those who see the lesson, with range
requests (206 with Content-Range, 416 for a range beyond the file); uploads are checked."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from dangjian.core.errors import RuleViolation
from dangjian.learning import services
from dangjian.learning.choices import LessonKind
from dangjian.learning.ranges import parse_range
from tests.learning.helpers import PDF_BYTES, VIDEO_BYTES, course_a, learner, lesson_of

pytestmark = pytest.mark.django_db


def _body(response) -> bytes:
    return b"".join(response.streaming_content)


def test_parse_range_reads_the_three_forms_and_refuses_what_lies_beyond():
    assert parse_range("", 100) is None
    assert parse_range("bytes=0-9", 100) == (0, 9)
    assert parse_range("bytes=90-", 100) == (90, 99)
    assert parse_range("bytes=-10", 100) == (90, 99)
    assert parse_range("bytes=50-500", 100) == (50, 99)
    assert parse_range("items=0-1", 100) is None
    assert parse_range("bytes=100-", 100) is False
    assert parse_range("bytes=9-3", 100) is False
    assert parse_range("bytes=x-y", 100) is False


def test_a_video_is_served_whole_or_in_ranges(world, client):
    video = lesson_of(course_a(world), LessonKind.VIDEO)
    client.force_login(learner(world.branch_a1))
    url = reverse("learning:lesson_file", args=[video.pk])
    whole = client.get(url)
    assert whole.status_code == 200 and whole["Accept-Ranges"] == "bytes"
    assert _body(whole) == VIDEO_BYTES and whole["Content-Type"] == "video/mp4"
    part = client.get(url, HTTP_RANGE="bytes=4-11")
    assert part.status_code == 206
    assert part["Content-Range"] == f"bytes 4-11/{len(VIDEO_BYTES)}"
    assert part["Content-Length"] == "8" and _body(part) == b"ftypmp42"
    tail = client.get(url, HTTP_RANGE="bytes=-4")
    assert tail.status_code == 206 and _body(tail) == VIDEO_BYTES[-4:]
    beyond = client.get(url, HTTP_RANGE=f"bytes={len(VIDEO_BYTES)}-")
    assert beyond.status_code == 416 and beyond["Content-Range"] == f"bytes */{len(VIDEO_BYTES)}"


def test_a_video_is_not_served_outside_the_audience(world, client):
    video = lesson_of(course_a(world), LessonKind.VIDEO)
    client.force_login(learner(world.branch_b1, "学员乙"))
    assert (
        client.get(reverse("learning:lesson_file", args=[video.pk]), HTTP_RANGE="bytes=0-3").status_code
        == 404
    )
    client.logout()
    assert client.get(reverse("learning:lesson_file", args=[video.pk])).status_code == 302


def test_uploads_are_checked_by_their_first_bytes(world, secretary_a):
    made = course_a(world)
    fake = SimpleUploadedFile("evil.pdf", b"<script>alert(1)</script>", content_type="application/pdf")
    with pytest.raises(RuleViolation, match="PDF"):
        services.save_lesson(
            None, course=made, by=secretary_a, title="假的", kind=LessonKind.PDF, minutes=5, upload=fake
        )
    renamed = SimpleUploadedFile("movie.mp4", PDF_BYTES, content_type="video/mp4")
    with pytest.raises(RuleViolation):
        services.save_lesson(
            None, course=made, by=secretary_a, title="假的", kind=LessonKind.VIDEO, minutes=5, upload=renamed
        )
    with pytest.raises(RuleViolation):
        services.save_lesson(
            None, course=made, by=secretary_a, title="无文件", kind=LessonKind.VIDEO, minutes=5
        )
    pdf = SimpleUploadedFile("讲义.pdf", PDF_BYTES, content_type="application/octet-stream")
    lesson = services.save_lesson(
        None, course=made, by=secretary_a, title="讲义", kind=LessonKind.PDF, minutes=5, upload=pdf
    )
    assert lesson.content_type == "application/pdf" and lesson.size == len(PDF_BYTES) and lesson.number == 3
    video = SimpleUploadedFile("课.mp4", VIDEO_BYTES, content_type="video/mp4")
    lesson = services.save_lesson(
        None, course=made, by=secretary_a, title="视频", kind=LessonKind.VIDEO, minutes=5, upload=video
    )
    assert lesson.content_type == "video/mp4"


def test_the_lesson_form_uploads_a_pdf(world, secretary_a, client):
    made = course_a(world)
    client.force_login(secretary_a)
    response = client.post(
        reverse("learning:lesson_create", args=[made.pk]),
        {"title": "讲义", "kind": "pdf", "minutes": 5, "file": SimpleUploadedFile("a.pdf", PDF_BYTES)},
    )
    assert response.status_code == 302
    lesson = made.lessons.get(title="讲义")
    page = client.get(reverse("learning:lesson_detail", args=[lesson.pk]))
    assert (
        page.status_code == 200 and reverse("learning:lesson_file", args=[lesson.pk]).encode() in page.content
    )
