"""The record of a meeting beyond attendance: 民主评议 grades, the minutes as PDF, attachments,
and the member history sections."""

from __future__ import annotations

import datetime
import re
import zlib

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from dangjian.core.choices import AuditAction
from dangjian.core.errors import RuleViolation
from dangjian.core.models import AuditEntry
from dangjian.life import services
from dangjian.life.choices import AttendanceStatus, MeetingKind, ReviewGrade
from dangjian.life.models import DemocraticReview, MeetingAttachment
from dangjian.members.history import history_sections
from tests.life.helpers import add_member, mark_all, plain_meeting

pytestmark = pytest.mark.django_db

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def review_meeting(org, title="2025年度民主评议党员", days_ago=3):
    return plain_meeting(
        org, title, kind=MeetingKind.DEMOCRATIC_REVIEW, starts_in=-datetime.timedelta(days=days_ago)
    )


# --- 民主评议 ---------------------------------------------------------------------------------


def test_review_grades_are_recorded_for_the_members_of_the_meeting(world, secretary_a):
    zhang = add_member(world.branch_a1, "张三")
    li = add_member(world.branch_a1, "李四")
    meeting = review_meeting(world.branch_a1)

    written = services.record_reviews(
        meeting, [(zhang, ReviewGrade.EXCELLENT, "带头"), (li, ReviewGrade.QUALIFIED, "")], by=secretary_a
    )

    assert written == 2
    year = timezone.localtime(meeting.starts_at).year
    assert DemocraticReview.objects.get(member=zhang).grade == ReviewGrade.EXCELLENT
    assert set(DemocraticReview.objects.values_list("year", flat=True)) == {year}
    assert AuditEntry.objects.filter(action=AuditAction.CREATE, object_repr__contains="张三").exists()


def test_a_member_has_one_review_result_per_year_and_organization(world, secretary_a):
    zhang = add_member(world.branch_a1, "张三")
    first = review_meeting(world.branch_a1)
    second = review_meeting(world.branch_a1, "补充评议", days_ago=1)
    services.record_reviews(first, [(zhang, ReviewGrade.QUALIFIED, "")], by=secretary_a)

    # The same meeting may correct its grade …
    services.record_reviews(first, [(zhang, ReviewGrade.EXCELLENT, "")], by=secretary_a)
    assert DemocraticReview.objects.get(member=zhang).grade == ReviewGrade.EXCELLENT

    # … but another meeting of the same year may not grade the member again.
    if timezone.localtime(first.starts_at).year == timezone.localtime(second.starts_at).year:
        with pytest.raises(RuleViolation) as refusal:
            services.record_reviews(second, [(zhang, ReviewGrade.UNQUALIFIED, "")], by=secretary_a)
        assert refusal.value.rule == "review_once_a_year"
    assert DemocraticReview.objects.filter(member=zhang).count() == 1


def test_review_grades_are_refused_on_other_kinds_of_meeting(world, secretary_a):
    zhang = add_member(world.branch_a1, "张三")
    meeting = plain_meeting(world.branch_a1, "主题党日")
    with pytest.raises(RuleViolation):
        services.record_reviews(meeting, [(zhang, ReviewGrade.QUALIFIED, "")], by=secretary_a)


def test_the_review_page_saves_the_sheet_and_the_meeting_shows_it(client, world, secretary_a):
    zhang = add_member(world.branch_a1, "张三")
    meeting = review_meeting(world.branch_a1)
    client.force_login(secretary_a)
    url = reverse("life:review_entry", kwargs={"pk": meeting.pk})

    assert client.get(url).status_code == 200
    response = client.post(
        url, {f"grade_{zhang.pk}": ReviewGrade.BASICALLY_QUALIFIED, f"note_{zhang.pk}": "需改进"}
    )

    assert response.status_code == 302
    detail = client.get(reverse("life:meeting_detail", kwargs={"pk": meeting.pk})).content.decode()
    assert "基本合格" in detail and "需改进" in detail


def test_member_history_shows_meetings_attended_and_review_grades(world, secretary_a):
    zhang = add_member(world.branch_a1, "张三")
    meeting = review_meeting(world.branch_a1)
    mark_all(meeting)
    services.record_reviews(meeting, [(zhang, ReviewGrade.EXCELLENT, "")], by=secretary_a)

    sections = {entry.key: section for entry, section in history_sections(zhang, secretary_a)}

    assert [row.meeting for row in sections["meetings"].context["attendances"]] == [meeting]
    assert sections["meetings"].context["present"] == 1
    assert sections["reviews"].context["reviews"][0].grade == ReviewGrade.EXCELLENT


def test_member_history_sections_are_hidden_without_the_permission(world, resident):
    zhang = add_member(world.branch_a1, "张三")
    keys = {entry.key for entry, _section in history_sections(zhang, resident)}
    assert not keys & {"meetings", "reviews"}


# --- Minutes as PDF -------------------------------------------------------------------------


def pdf_objects(content: bytes) -> bytes:
    """The PDF with its compressed streams inflated (WeasyPrint compresses the font objects)."""
    parts = [content]
    for stream in re.findall(rb"stream\r?\n(.*?)\r?\nendstream", content, flags=re.S):
        try:
            parts.append(zlib.decompress(stream))
        except zlib.error:
            continue
    return b"\n".join(parts)


def test_minutes_pdf_embeds_a_cjk_font_and_is_audited_as_an_export(client, world, secretary_a):
    add_member(world.branch_a1, "张三")
    add_member(world.branch_a1, "李四")
    meeting = plain_meeting(world.branch_a1, "第三季度支部党员大会", minutes="一、学习；二、讨论。")
    meeting.attendances.filter(member__person__name="张三").update(status=AttendanceStatus.PRESENT)
    meeting.attendances.filter(member__person__name="李四").update(
        status=AttendanceStatus.ABSENT_SICK, reason="住院"
    )
    client.force_login(secretary_a)

    response = client.get(reverse("life:meeting_minutes_pdf", kwargs={"pk": meeting.pk}))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    objects = pdf_objects(response.content)
    assert b"Noto-Serif-CJK-SC" in objects or b"Noto-Sans-CJK-SC" in objects
    assert b"/FontFile" in objects  # embedded, not only named
    assert AuditEntry.objects.filter(action=AuditAction.EXPORT, object_repr__contains="第三季度").exists()


def test_minutes_pdf_of_another_community_answers_404(client, world, secretary_a):
    meeting = plain_meeting(world.branch_b1, "光明社区会议")
    client.force_login(secretary_a)
    assert client.get(reverse("life:meeting_minutes_pdf", kwargs={"pk": meeting.pk})).status_code == 404


# --- Attachments ----------------------------------------------------------------------------


def test_a_photo_is_attached_downloaded_and_removed_with_audit(client, world, secretary_a, media):
    meeting = plain_meeting(world.branch_a1, "主题党日")
    client.force_login(secretary_a)

    response = client.post(
        reverse("life:attachment_add", kwargs={"pk": meeting.pk}),
        {"file": SimpleUploadedFile("合影.png", PNG, content_type="image/png")},
    )

    assert response.status_code == 302
    item = MeetingAttachment.objects.get(meeting=meeting)
    assert (item.original_name, item.content_type, item.size) == ("合影.png", "image/png", len(PNG))
    assert str(media) in item.file.path
    download = client.get(reverse("life:attachment_download", kwargs={"pk": item.pk}))
    assert b"".join(download.streaming_content) == PNG

    assert client.get(reverse("life:attachment_delete", kwargs={"pk": item.pk})).status_code == 200
    response = client.post(reverse("life:attachment_delete", kwargs={"pk": item.pk}))
    assert response.status_code == 302
    assert not MeetingAttachment.objects.exists()
    assert AuditEntry.objects.filter(action=AuditAction.DELETE, object_repr="合影.png").exists()
    assert AuditEntry.objects.filter(action=AuditAction.CREATE, object_repr="合影.png").exists()


def test_an_attachment_over_10_mb_is_refused_with_its_size(client, world, secretary_a, media):
    meeting = plain_meeting(world.branch_a1, "主题党日")
    client.force_login(secretary_a)
    big = PNG + b"\x00" * (10 * 1024 * 1024)

    response = client.post(
        reverse("life:attachment_add", kwargs={"pk": meeting.pk}),
        {"file": SimpleUploadedFile("大图.png", big, content_type="image/png")},
    )

    assert response.status_code == 200
    assert "10 MB" in response.content.decode()
    assert not MeetingAttachment.objects.exists()


@pytest.mark.parametrize(
    ("name", "content"),
    [("脚本.exe", b"MZ\x90\x00"), ("伪装.png", b"<html>not a picture</html>")],
)
def test_an_attachment_of_another_type_is_refused(world, secretary_a, media, name, content):
    meeting = plain_meeting(world.branch_a1, "主题党日")
    with pytest.raises(RuleViolation) as refusal:
        services.add_attachment(meeting, SimpleUploadedFile(name, content), by=secretary_a)
    assert name in refusal.value.message
    assert not MeetingAttachment.objects.exists()


def test_an_attachment_of_another_community_answers_404(client, world, secretary_a, secretary_b, media):
    meeting = plain_meeting(world.branch_b1, "光明社区会议")
    item = services.add_attachment(meeting, SimpleUploadedFile("a.pdf", b"%PDF-1.4 test"), by=secretary_b)
    client.force_login(secretary_a)
    assert client.get(reverse("life:attachment_download", kwargs={"pk": item.pk})).status_code == 404
