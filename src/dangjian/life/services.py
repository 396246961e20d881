"""State changes of organizational life: scheduling, attendance, QR check-in, closing a meeting.

Each function checks the permission over the meeting's organization, applies the rules of
DOMAIN.md ("Organizational life"), writes the change with its audit line in one transaction and
raises RuleViolation with a message naming the rule. Pages (and later the API) call these.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext

from dangjian.core import audit
from dangjian.core.choices import AuditAction
from dangjian.core.errors import ConcurrentChange, PermissionDenied, RuleViolation
from dangjian.core.scoping import check_perm
from dangjian.core.uploads import DOCUMENT_TYPES, MAX_DOCUMENT_BYTES, document_refusal
from dangjian.life.choices import AttendanceStatus, MeetingKind, MeetingState, ReviewGrade
from dangjian.life.compliance import LATE_AFTER
from dangjian.life.models import Attendance, DemocraticReview, Meeting, MeetingAttachment, MeetingVote
from dangjian.members.models import PartyMember
from dangjian.members.voters import members_with_a_vote
from dangjian.orgs.models import CommitteeMember, Organization

# The check-in window: the QR code works from this long before the start until the meeting ends,
# so members arriving early can check in at the door.
CHECK_IN_OPENS_BEFORE = datetime.timedelta(minutes=30)

EDITABLE_FIELDS = ["kind", "title", "starts_at", "ends_at", "place", "host", "recorder", "agenda", "minutes"]


def check_in_window(meeting: Meeting) -> tuple[datetime.datetime, datetime.datetime]:
    """When the QR code of ``meeting`` works: 30 minutes before the start until its end."""
    return meeting.starts_at - CHECK_IN_OPENS_BEFORE, meeting.ends_at


def is_check_in_open(meeting: Meeting, now: datetime.datetime | None = None) -> bool:
    now = now or timezone.now()
    opens, closes = check_in_window(meeting)
    return meeting.state != MeetingState.CLOSED and opens <= now <= closes


def expected_members(org: Organization, kind: str):
    """The members expected at a meeting of ``kind`` held by ``org``.

    A 支部委员会会议 expects the sitting committee members; every other kind expects the active
    members of the organization and the party groups below it (a 党小组会 its group's members,
    a 支部党员大会 the whole branch).
    """
    if kind == MeetingKind.COMMITTEE:
        seated = CommitteeMember.objects.filter(
            committee__org=org, committee__is_current=True, ended_on__isnull=True
        ).values("person_id")
        return PartyMember.objects.filter(person_id__in=seated, is_active=True)
    return PartyMember.objects.filter(org__path__startswith=org.path, is_active=True)


def _clean(fields: dict[str, Any]) -> dict[str, Any]:
    unknown = set(fields) - set(EDITABLE_FIELDS)
    if unknown:
        raise RuleViolation(
            gettext("These fields cannot be changed: %(fields)s.")
            % {"fields": gettext(", ").join(sorted(unknown))},
            rule="fields",
        )
    if "title" in fields:
        fields["title"] = (fields["title"] or "").strip()
        if not fields["title"]:
            raise RuleViolation(gettext("The topic cannot be empty."), rule="required", field="title")
    return fields


def _check_times(meeting: Meeting) -> None:
    if meeting.ends_at <= meeting.starts_at:
        raise RuleViolation(
            gettext("A meeting must end after it starts."), rule="meeting_times", field="ends_at"
        )


def schedule_meeting(org: Organization, *, by, **fields: Any) -> Meeting:
    """Plan a meeting of ``org`` and list its expected attendees (one attendance row each)."""
    fields = _clean(dict(fields))
    with transaction.atomic():
        org = Organization.objects.select_for_update().get(pk=org.pk)
        check_perm(by, "life.add_meeting", org)
        if not org.is_active:
            raise RuleViolation(
                gettext("The organization “%(name)s” is deactivated.") % {"name": org.name},
                rule="inactive_org",
            )
        meeting = Meeting(org=org, **fields)
        _check_times(meeting)
        meeting.save()
        members = list(expected_members(org, meeting.kind).values_list("pk", flat=True))
        Attendance.objects.bulk_create([Attendance(meeting=meeting, member_id=pk) for pk in members])
        audit.record(
            AuditAction.CREATE,
            meeting,
            by=by,
            changes=audit.diff({}, audit.snapshot(meeting, [*EDITABLE_FIELDS, "org", "state"])),
            note=gettext("%(count)s expected attendees") % {"count": len(members)},
        )
    return meeting


def _locked(meeting: Meeting, by, permission: str = "life.change_meeting") -> Meeting:
    current = Meeting.objects.select_for_update().select_related("org").get(pk=meeting.pk)
    check_perm(by, permission, current)
    return current


def _refuse_if_closed(meeting: Meeting) -> None:
    if meeting.state == MeetingState.CLOSED:
        raise RuleViolation(
            gettext("This meeting is closed; its record can no longer be changed."), rule="meeting_closed"
        )


def update_meeting(meeting: Meeting, *, by, expected_version: int | None = None, **fields: Any) -> Meeting:
    """Edit a meeting that is not closed; refuses if someone else saved it since ``expected_version``."""
    fields = _clean(dict(fields))
    with transaction.atomic():
        current = _locked(meeting, by)
        _refuse_if_closed(current)
        if expected_version is not None and current.version != expected_version:
            raise ConcurrentChange(
                gettext(
                    "This meeting has been changed by someone else (now version %(version)s); "
                    "refresh the page and edit again."
                )
                % {"version": current.version},
                rule="concurrent_change",
            )
        before = audit.snapshot(current)
        for name, value in fields.items():
            setattr(current, name, value)
        _check_times(current)
        current.version += 1
        current.save()
        changes = audit.diff(before, audit.snapshot(current))
        changes.pop("version", None)
        if changes:
            audit.record(AuditAction.UPDATE, current, by=by, changes=changes)
    return current


def _attendance(meeting: Meeting, member: PartyMember) -> Attendance:
    row = Attendance.objects.select_for_update().filter(meeting=meeting, member=member).first()
    if row is None:
        raise RuleViolation(
            gettext("%(name)s is not an expected attendee of this meeting.") % {"name": member},
            rule="expected_attendee",
        )
    return row


def record_attendance(
    meeting: Meeting, member: PartyMember, *, status: str, reason: str = "", by
) -> Attendance:
    """Record whether an expected attendee was present or absent (病假/事假/公假/无故缺席)."""
    if status not in AttendanceStatus.values:
        raise RuleViolation(gettext("Choose a valid attendance."), rule="attendance_status", field="status")
    with transaction.atomic():
        current = _locked(meeting, by)
        _refuse_if_closed(current)
        row = _attendance(current, member)
        before = {"status": row.status, "reason": row.reason}
        row.status = status
        row.reason = (reason or "").strip()
        if status != AttendanceStatus.PRESENT:
            row.checked_in_at = None
        row.save(update_fields=["status", "reason", "checked_in_at"])
        _mark_held(current)
        changes = audit.diff(before, {"status": row.status, "reason": row.reason})
        if changes:
            audit.record(AuditAction.UPDATE, row, by=by, changes=changes)
    return row


def record_attendance_sheet(meeting: Meeting, entries: list[tuple[PartyMember, str, str]], *, by) -> int:
    """Record a whole attendance sheet at once (all or nothing); returns the rows written."""
    with transaction.atomic():
        for member, status, reason in entries:
            record_attendance(meeting, member, status=status, reason=reason, by=by)
    return len(entries)


def _mark_held(meeting: Meeting) -> None:
    if meeting.state == MeetingState.PLANNED:
        Meeting.objects.filter(pk=meeting.pk).update(state=MeetingState.HELD)
        meeting.state = MeetingState.HELD


def check_in_refusal(meeting: Meeting, *, user, now: datetime.datetime | None = None) -> str | None:
    """Why ``user`` cannot check in to ``meeting`` now, in words for the phone page; None if they can."""
    now = now or timezone.now()
    if meeting.state == MeetingState.CLOSED:
        return gettext("This meeting is closed; check-in has ended.")
    membership = PartyMember.objects.filter(person_id=getattr(user, "person_id", None)).first()
    if membership is None or not Attendance.objects.filter(meeting=meeting, member=membership).exists():
        return gettext(
            "You are not on the list of expected attendees of this meeting; "
            "ask the meeting's organizer to record your attendance."
        )
    opens, closes = check_in_window(meeting)
    if now < opens:
        return gettext("Check-in opens at %(time)s (30 minutes before the meeting starts).") % {
            "time": date_format(timezone.localtime(opens), "DATETIME_FORMAT")
        }
    if now > closes:
        return gettext("Check-in closed at %(time)s, when the meeting ended.") % {
            "time": date_format(timezone.localtime(closes), "DATETIME_FORMAT")
        }
    return None


def check_in(meeting: Meeting, *, token: str, user, now: datetime.datetime | None = None) -> Attendance:
    """Check ``user`` in by the meeting's QR code; a second check-in keeps the first time."""
    now = now or timezone.now()
    with transaction.atomic():
        current = Meeting.objects.select_for_update().select_related("org").get(pk=meeting.pk)
        if not token or token != current.check_in_token:
            raise PermissionDenied(
                gettext("This check-in link is not valid for this meeting; scan the QR code again."),
                rule="check_in_token",
            )
        refusal = check_in_refusal(current, user=user, now=now)
        if refusal:
            raise RuleViolation(refusal, rule="check_in")
        row = Attendance.objects.select_for_update().get(meeting=current, member__person_id=user.person_id)
        if row.status == AttendanceStatus.PRESENT and row.checked_in_at is not None:
            return row
        before = {"status": row.status, "checked_in_at": row.checked_in_at}
        row.status = AttendanceStatus.PRESENT
        row.checked_in_at = now
        row.save(update_fields=["status", "checked_in_at"])
        _mark_held(current)
        audit.record(
            AuditAction.UPDATE,
            row,
            by=user,
            changes=audit.diff(before, {"status": row.status, "checked_in_at": now}),
            note=gettext("QR check-in"),
        )
    return row


def close_meeting(meeting: Meeting, *, by) -> Meeting:
    """Close a held meeting: it needs minutes and attendance for everyone expected. A 支部委员会会议
    needs more than half of the committee present (支部工作条例 第十二条); a 支部党员大会 that voted
    needs more than half of the members with a vote present (第十一条), one that took no vote any
    attendance. Only closed meetings count."""
    with transaction.atomic():
        current = _locked(meeting, by)
        if current.state == MeetingState.CLOSED:
            return current
        if not current.minutes.strip():
            raise RuleViolation(
                gettext("A meeting cannot be closed without its minutes; write the minutes first."),
                rule="minutes_required",
                field="minutes",
            )
        rows = list(current.attendances.values_list("status", flat=True))
        missing = sum(1 for status in rows if not status)
        if missing:
            raise RuleViolation(
                gettext(
                    "Attendance is not recorded for %(count)s expected attendees; "
                    "record everyone's attendance before closing."
                )
                % {"count": missing},
                rule="attendance_required",
            )
        present = sum(1 for status in rows if status == AttendanceStatus.PRESENT)
        if current.kind == MeetingKind.COMMITTEE and present * 2 <= len(rows):
            # 支部委员会会议: more than half of the committee present (支部工作条例 第十二条).
            raise RuleViolation(
                gettext(
                    "Quorum rule: a %(kind)s needs more than half of its expected attendees present; "
                    "%(present)s of %(expected)s were present."
                )
                % {"kind": current.get_kind_display(), "present": present, "expected": len(rows)},
                rule="quorum",
            )
        if current.kind == MeetingKind.BRANCH_GENERAL and current.votes.exists():
            # A 党员大会 that voted needs its quorum of members with a vote (支部工作条例第十一条); one that
            # took no vote is not refused for attendance.
            present_with_vote, voters = vote_quorum(current)
            _refuse_without_quorum(present_with_vote, voters)
        current.state = MeetingState.CLOSED
        current.closed_at = timezone.now()
        current.closed_late = current.closed_at > current.ends_at + LATE_AFTER
        current.version += 1
        current.save(update_fields=["state", "closed_at", "closed_late", "version"])
        audit.record(
            AuditAction.UPDATE,
            current,
            by=by,
            changes={"state": [MeetingState.HELD.value, MeetingState.CLOSED.value]},
            note=gettext("%(present)s of %(expected)s present") % {"present": present, "expected": len(rows)},
        )
    return current


# --- Votes of a 支部党员大会 (支部工作条例 第十一条) ---------------------------------------------------

ARTICLE_GENERAL_MEETING = "《中国共产党支部工作条例（试行）》第十一条"


def vote_quorum(meeting: Meeting) -> tuple[int, int]:
    """(members with a vote present, 应到会有表决权) of a meeting, on the meeting's date.

    Both come from ``members.voters``: the branch's 正式党员 with those of its 党小组, without
    预备党员 and without members under 留党察看 or with rights suspended.
    """
    day = timezone.localtime(meeting.starts_at).date()
    with_a_vote = members_with_a_vote(meeting.org, day)
    present = meeting.attendances.filter(
        status=AttendanceStatus.PRESENT, member__in=with_a_vote.values("pk")
    ).count()
    return present, with_a_vote.count()


def _refuse_without_quorum(present_with_vote: int, voters: int) -> None:
    if present_with_vote * 2 <= voters:
        raise RuleViolation(
            gettext(
                "Quorum rule (%(article)s): a 党员大会 that votes needs more than half of the members with a "
                "vote present; %(present)s of %(voters)s were present (预备党员 and members under 留党察看 "
                "have no vote)."
            )
            % {"article": ARTICLE_GENERAL_MEETING, "present": present_with_vote, "voters": voters},
            rule="quorum",
        )


def record_vote(
    meeting: Meeting, *, subject: str, in_favour: int, against: int = 0, abstain: int = 0, by
) -> MeetingVote:
    """Record a motion voted at a 支部党员大会 and whether it passed (支部工作条例 第十一条).

    Refused without the quorum of members with a vote present, or with more votes than members
    with a vote present. The motion passes with more than half of 应到会有表决权, not of those
    present; a motion that does not pass is recorded as not passed.
    """
    subject = (subject or "").strip()
    if not subject:
        raise RuleViolation(gettext("Enter the motion put to the vote."), rule="required", field="subject")
    if min(in_favour, against, abstain) < 0:
        raise RuleViolation(gettext("Vote counts cannot be negative."), rule="vote_counts", field="in_favour")
    with transaction.atomic():
        current = _locked(meeting, by)
        _refuse_if_closed(current)
        if current.kind != MeetingKind.BRANCH_GENERAL:
            raise RuleViolation(
                gettext("Votes are recorded on a branch general meeting (支部党员大会) only."),
                rule="vote_meeting",
            )
        present_with_vote, voters = vote_quorum(current)
        _refuse_without_quorum(present_with_vote, voters)
        if in_favour + against + abstain > present_with_vote:
            raise RuleViolation(
                gettext(
                    "%(votes)s votes recorded but only %(present)s members with a vote are marked present; "
                    "check the attendance and the tally."
                )
                % {"votes": in_favour + against + abstain, "present": present_with_vote},
                rule="vote_counts",
                field="in_favour",
            )
        vote = MeetingVote.objects.create(
            meeting=current,
            subject=subject,
            in_favour=in_favour,
            against=against,
            abstain=abstain,
            voters=voters,
            present_with_vote=present_with_vote,
            passed=in_favour * 2 > voters,
        )
        _mark_held(current)
        audit.record(
            AuditAction.CREATE,
            vote,
            by=by,
            changes=audit.diff(
                {},
                audit.snapshot(
                    vote,
                    ["subject", "in_favour", "against", "abstain", "voters", "present_with_vote", "passed"],
                ),
            ),
        )
    return vote


# --- 民主评议党员: one grade per member, organization and year ---------------------------------


def record_reviews(meeting: Meeting, entries: list[tuple[PartyMember, str, str]], *, by) -> int:
    """Record the grades of a 民主评议 meeting (all or nothing); returns the rows written or changed.

    The year is the meeting's; a member graded in another meeting of the same organization and
    year is refused (one result per member, organization and year).
    """
    with transaction.atomic():
        current = _locked(meeting, by, "life.add_democraticreview")
        if current.kind != MeetingKind.DEMOCRATIC_REVIEW:
            raise RuleViolation(
                gettext("Review grades are recorded on a democratic review meeting only."),
                rule="review_meeting",
            )
        year = timezone.localtime(current.starts_at).year
        expected = set(current.attendances.values_list("member_id", flat=True))
        existing = {
            review.member_id: review
            for review in DemocraticReview.objects.select_for_update().filter(
                org=current.org, year=year, member_id__in=[member.pk for member, _grade, _note in entries]
            )
        }
        written = 0
        for member, grade, note in entries:
            if grade not in ReviewGrade.values:
                raise RuleViolation(gettext("Choose a valid grade."), rule="review_grade", field="grade")
            if member.pk not in expected:
                raise RuleViolation(
                    gettext("%(name)s is not an expected attendee of this meeting.") % {"name": member},
                    rule="expected_attendee",
                )
            note = (note or "").strip()
            review = existing.get(member.pk)
            if review is not None and review.meeting_id != current.pk:
                raise RuleViolation(
                    gettext(
                        "%(name)s already has a democratic review result for %(year)s in this organization "
                        "(one result per member and year)."
                    )
                    % {"name": member.person.name, "year": year},
                    rule="review_once_a_year",
                )
            if review is None:
                review = DemocraticReview.objects.create(
                    org=current.org, year=year, member=member, meeting=current, grade=grade, note=note
                )
                audit.record(
                    AuditAction.CREATE,
                    review,
                    by=by,
                    changes=audit.diff({}, {"grade": grade, "note": note, "year": year}),
                )
                written += 1
            elif (review.grade, review.note) != (grade, note):
                before = {"grade": review.grade, "note": review.note}
                review.grade, review.note = grade, note
                review.save(update_fields=["grade", "note", "recorded_at"])
                audit.record(
                    AuditAction.UPDATE,
                    review,
                    by=by,
                    changes=audit.diff(before, {"grade": grade, "note": note}),
                )
                written += 1
    return written


# --- Attachments: photos and documents of a meeting --------------------------------------------

# The documents every attachment accepts (``core.uploads``): the name and the content must agree.
MAX_ATTACHMENT_BYTES = MAX_DOCUMENT_BYTES
ATTACHMENT_TYPES = DOCUMENT_TYPES


def attachment_refusal(name: str, size: int, head: bytes) -> str | None:
    """Why a file cannot be attached (too large, a type not accepted), in words; None if it can."""
    return document_refusal(name, size, head, types=ATTACHMENT_TYPES, max_bytes=MAX_ATTACHMENT_BYTES)


def add_attachment(meeting: Meeting, upload, *, by) -> MeetingAttachment:
    """Attach an uploaded photo or document (at most 10 MB, JPG/PNG/PDF/DOCX/XLSX) to a meeting."""
    name = (getattr(upload, "name", "") or "file").rsplit("/", 1)[-1][:200]
    upload.seek(0)
    head = upload.read(16)
    upload.seek(0)
    refusal = attachment_refusal(name, upload.size, head)
    if refusal:
        raise RuleViolation(refusal, rule="attachment_file", field="file")
    extension = name.rsplit(".", 1)[-1].lower()
    with transaction.atomic():
        current = _locked(meeting, by, "life.add_meetingattachment")
        attachment = MeetingAttachment(
            meeting=current,
            original_name=name,
            content_type=ATTACHMENT_TYPES[extension][0],
            size=upload.size,
            uploaded_by=by if getattr(by, "pk", None) else None,
        )
        attachment.file.save(name, upload, save=False)
        attachment.save()
        audit.record(
            AuditAction.CREATE,
            attachment,
            by=by,
            changes=audit.diff({}, {"file": name, "size": upload.size}),
            note=gettext("Attachment of %(meeting)s") % {"meeting": current.title},
        )
    return attachment


def remove_attachment(attachment: MeetingAttachment, *, by) -> None:
    """Remove an attachment; the file is deleted once the transaction has committed."""
    with transaction.atomic():
        current = (
            MeetingAttachment.objects.select_for_update().select_related("meeting__org").get(pk=attachment.pk)
        )
        check_perm(by, "life.delete_meetingattachment", current)
        audit.record(
            AuditAction.DELETE,
            current,
            by=by,
            changes=audit.diff({"file": current.original_name, "size": current.size}, {}),
            note=gettext("Attachment of %(meeting)s") % {"meeting": current.meeting.title},
        )
        storage, file_name = current.file.storage, current.file.name
        current.delete()
        transaction.on_commit(lambda: storage.delete(file_name))
