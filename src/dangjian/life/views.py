"""Pages of organizational life: the meeting list, a meeting with its attendance and QR code,
planning and editing, the attendance sheet, closing, and the phone page members reach by
scanning the QR code. Querysets go through ``visible_to(user)``; changes through ``life.services``.
"""

from __future__ import annotations

import segno
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as PageForbidden
from django.db.models import Count, Q
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.encoding import escape_uri_path
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.utils.translation import pgettext_lazy
from django.views.decorators.http import require_GET, require_POST

from dangjian.core import audit
from dangjian.core.choices import AuditAction
from dangjian.core.errors import PermissionDenied, RuleViolation
from dangjian.core.excel import export_workbook, record_export, text_column
from dangjian.core.excel_views import attachment as attachment_response
from dangjian.core.models import Person
from dangjian.core.page_permissions import allowed, require
from dangjian.core.pagination import paginate
from dangjian.core.pdf import pdf_response
from dangjian.core.periods import Period
from dangjian.core.reauth import recent_auth_required
from dangjian.core.registry import get_figure
from dangjian.core.scoping import scope_of
from dangjian.life import compliance, services, silence
from dangjian.life import figures as life_figures
from dangjian.life.choices import AttendanceStatus, MeetingKind, MeetingState
from dangjian.life.forms import (
    MISSING_ANY,
    AttachmentForm,
    AttendanceForm,
    CompliancePeriodForm,
    MeetingFilterSet,
    MeetingForm,
    MeetingVoteForm,
    ReviewForm,
)
from dangjian.life.models import Attendance, DemocraticReview, Meeting, MeetingAttachment
from dangjian.orgs.models import Organization


def _meeting(request, pk: int) -> Meeting:
    meeting = get_object_or_404(Meeting.objects.visible_to(request.user).select_related("org"), pk=pk)
    require(request.user, "life.view_meeting", meeting)
    return meeting


def _people(org: Organization):
    """Candidates for host and recorder: the members of the organization and its groups."""
    return Person.objects.filter(
        membership__org__path__startswith=org.path, membership__is_active=True
    ).order_by("name_pinyin", "id")


@login_required
@require_GET
def meeting_list(request):
    """Meetings in the user's scope, newest first, filtered by organization, kind, state and month."""
    if not scope_of(request.user).has_any("life.view_meeting"):
        raise PageForbidden("life.view_meeting")
    meetings = (
        Meeting.objects.visible_to(request.user)
        .select_related("org", "host")
        .annotate(
            expected=Count("attendances"),
            present=Count("attendances", filter=Q(attendances__status=AttendanceStatus.PRESENT)),
        )
        .order_by("-starts_at", "-id")
    )
    filterset = MeetingFilterSet(request.GET or None, queryset=meetings)
    org = None
    if filterset.form.is_valid() and filterset.form.cleaned_data.get("org"):
        org = (
            Organization.objects.visible_to(request.user, "life.view_meeting")
            .filter(pk=filterset.form.cleaned_data["org"])
            .first()
        )
    page = paginate(request, filterset.qs)
    return render(
        request,
        "life/meeting_list.html",
        {
            "filterset": filterset,
            "page": page,
            "org": org,
            "can_add": org is not None and allowed(request.user, "life.add_meeting", org),
        },
    )


def _check_in_url(request, meeting: Meeting) -> str:
    return request.build_absolute_uri(
        reverse("life:meeting_checkin", kwargs={"pk": meeting.pk, "token": meeting.check_in_token})
    )


def _qr_svg(url: str) -> str:
    """The check-in URL as an inline SVG QR code (server-side, no script, no network)."""
    svg = segno.make(url, error="m").svg_inline(scale=6, border=2, dark="#000", light="#fff", omitsize=True)
    # Safe: segno generates the markup from our own URL; nothing in it comes from user input.
    return mark_safe(svg)


@login_required
@require_GET
def meeting_detail(request, pk: int):
    """A meeting: its record, the attendance table and, while check-in is open, the QR code."""
    meeting = _meeting(request, pk)
    rows = list(
        Attendance.objects.filter(meeting=meeting)
        .select_related("member__person", "member__org")
        .order_by("member__person__name_pinyin", "id")
    )
    can_change = allowed(request.user, "life.change_meeting", meeting)
    check_in_open = services.is_check_in_open(meeting)
    context = {
        "meeting": meeting,
        "rows": rows,
        "present": sum(1 for row in rows if row.status == AttendanceStatus.PRESENT),
        "unrecorded": sum(1 for row in rows if not row.status),
        "can_change": can_change and meeting.state != MeetingState.CLOSED,
        "check_in_open": check_in_open,
        "window": services.check_in_window(meeting),
        "host": meeting.host,
        "recorder": meeting.recorder,
        "attachments": list(meeting.attachments.order_by("uploaded_at", "id")),
        "can_attach": allowed(request.user, "life.add_meetingattachment", meeting),
        "can_remove_attachment": allowed(request.user, "life.delete_meetingattachment", meeting),
        "reviews": list(
            meeting.reviews.select_related("member__person").order_by("member__person__name_pinyin", "id")
        )
        if meeting.kind == MeetingKind.DEMOCRATIC_REVIEW
        else [],
        "votes": list(meeting.votes.order_by("id")) if meeting.kind == MeetingKind.BRANCH_GENERAL else [],
        "can_vote": can_change
        and meeting.state != MeetingState.CLOSED
        and meeting.kind == MeetingKind.BRANCH_GENERAL,
        "can_review": meeting.kind == MeetingKind.DEMOCRATIC_REVIEW
        and allowed(request.user, "life.add_democraticreview", meeting),
    }
    if check_in_open and can_change:
        url = _check_in_url(request, meeting)
        context.update(check_in_url=url, qr_svg=_qr_svg(url))
    return render(request, "life/meeting_detail.html", context)


@login_required
def meeting_create(request, org_pk: int):
    """Plan a meeting of an organization; its members become the expected attendees."""
    org = get_object_or_404(Organization.objects.visible_to(request.user, "life.add_meeting"), pk=org_pk)
    require(request.user, "life.add_meeting", org)
    form = MeetingForm(request.POST or None, people=_people(org))
    if request.method == "POST" and form.is_valid():
        try:
            meeting = services.schedule_meeting(org, by=request.user, **form.service_fields())
        except PermissionDenied as error:
            raise PageForbidden(error.message) from error
        except RuleViolation as error:
            form.add_error(error.field if error.field in form.fields else None, error.message)
        else:
            messages.success(request, _("Planned “%(title)s”.") % {"title": meeting.title})
            return redirect("life:meeting_detail", pk=meeting.pk)
    return render(request, "life/meeting_form.html", {"form": form, "org": org, "creating": True})


@login_required
def meeting_edit(request, pk: int):
    """Edit a meeting (minutes included) until it is closed; carries its version (optimistic lock)."""
    meeting = _meeting(request, pk)
    require(request.user, "life.change_meeting", meeting)
    form = MeetingForm(request.POST or None, instance=meeting, people=_people(meeting.org))
    if request.method == "POST" and form.is_valid():
        try:
            meeting = services.update_meeting(
                meeting,
                by=request.user,
                expected_version=form.cleaned_data.get("version"),
                **form.service_fields(),
            )
        except PermissionDenied as error:
            raise PageForbidden(error.message) from error
        except RuleViolation as error:
            form.add_error(error.field if error.field in form.fields else None, error.message)
        else:
            messages.success(request, _("Saved “%(title)s”.") % {"title": meeting.title})
            return redirect("life:meeting_detail", pk=meeting.pk)
    return render(
        request,
        "life/meeting_form.html",
        {"form": form, "org": meeting.org, "meeting": meeting, "creating": False},
    )


@login_required
def attendance_edit(request, pk: int):
    """The attendance sheet: present, or absent with 病假/事假/公假 or without leave, and a reason."""
    meeting = _meeting(request, pk)
    require(request.user, "life.change_meeting", meeting)
    rows = (
        Attendance.objects.filter(meeting=meeting)
        .select_related("member__person")
        .order_by("member__person__name_pinyin", "id")
    )
    form = AttendanceForm(request.POST or None, rows=rows)
    if request.method == "POST" and form.is_valid():
        try:
            count = services.record_attendance_sheet(meeting, form.entries(), by=request.user)
        except PermissionDenied as error:
            raise PageForbidden(error.message) from error
        except RuleViolation as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("Attendance saved (%(count)s changed).") % {"count": count})
            return redirect("life:meeting_detail", pk=meeting.pk)
    return render(request, "life/attendance_form.html", {"form": form, "meeting": meeting})


@login_required
@require_POST
def meeting_vote_add(request, pk: int):
    """Record a motion voted at a 支部党员大会 (quorum and majority of 支部工作条例 第十一条)."""
    meeting = _meeting(request, pk)
    require(request.user, "life.change_meeting", meeting)
    form = MeetingVoteForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Enter the motion and the numbers of votes."))
        return redirect("life:meeting_detail", pk=meeting.pk)
    try:
        vote = services.record_vote(meeting, by=request.user, **form.cleaned_data)
    except PermissionDenied as refusal:
        raise PageForbidden(refusal.message) from refusal
    except RuleViolation as refusal:
        messages.error(request, refusal.message)
    else:
        if vote.passed:
            messages.success(request, _("“%(subject)s” passed.") % {"subject": vote.subject})
        else:
            messages.warning(
                request,
                _("“%(subject)s” did not pass: %(favour)s in favour of %(voters)s members with a vote.")
                % {"subject": vote.subject, "favour": vote.in_favour, "voters": vote.voters},
            )
    return redirect("life:meeting_detail", pk=meeting.pk)


@login_required
def meeting_close(request, pk: int):
    """Close a meeting after confirmation; refused without minutes, full attendance or quorum."""
    meeting = _meeting(request, pk)
    require(request.user, "life.change_meeting", meeting)
    error = None
    if request.method == "POST":
        try:
            services.close_meeting(meeting, by=request.user)
        except PermissionDenied as refusal:
            raise PageForbidden(refusal.message) from refusal
        except RuleViolation as refusal:
            error = refusal.message
        else:
            messages.success(request, _("Closed “%(title)s”.") % {"title": meeting.title})
            return redirect("life:meeting_detail", pk=meeting.pk)
    return render(request, "life/meeting_close.html", {"meeting": meeting, "error": error})


@login_required
def meeting_checkin(request, pk: int, token: str):
    """The phone page a member reaches by scanning the QR code: the meeting and a big 签到 button.

    The token in the URL is the key: a wrong token answers 404 and shows nothing of the meeting.
    """
    meeting = get_object_or_404(Meeting.objects.select_related("org"), pk=pk)
    if token != meeting.check_in_token:
        raise Http404(_("This check-in link is not valid."))
    if request.method == "POST":
        try:
            services.check_in(meeting, token=token, user=request.user)
        except RuleViolation as refusal:
            messages.error(request, refusal.message)
        else:
            messages.success(request, _("You are checked in. Welcome!"))
        return redirect("life:meeting_checkin", pk=meeting.pk, token=token)
    attendance = (
        Attendance.objects.filter(meeting=meeting, member__person_id=request.user.person_id).first()
        if request.user.person_id
        else None
    )
    checked_in = attendance is not None and attendance.checked_in_at is not None
    refusal = None if checked_in else services.check_in_refusal(meeting, user=request.user)
    return render(
        request,
        "life/checkin.html",
        {
            "meeting": meeting,
            "attendance": attendance,
            "checked_in": checked_in,
            "refusal": refusal,
            "now": timezone.now(),
        },
    )


# --- Compliance (三会一课 落实情况) and silent branches ---------------------------------------


def _root_org(request, permission: str = "life.view_meeting") -> Organization:
    """The organization named by ``?org=`` (in scope, else 404), or the user's top organization."""
    scope = scope_of(request.user)
    if not scope.has_any(permission):
        raise PageForbidden(permission)
    visible = Organization.objects.visible_to(request.user, permission)
    raw = request.GET.get("org", "")
    if raw:
        try:
            org = visible.get(pk=int(raw))
        except (ValueError, Organization.DoesNotExist) as error:
            raise Http404 from error
    else:
        org = compliance.default_root(request.user, permission)
        if org is None:
            raise Http404
    require(request.user, permission, org)
    return org


def _compliance_rows(request, org: Organization):
    rules = compliance.active_rules()
    form = CompliancePeriodForm(request.GET or None, rules=rules)
    window = form.period()
    data = form.cleaned_data if form.is_valid() else {}
    if data.get("outstanding"):
        units = compliance.outstanding(org, window, rules=rules)
    else:
        units = compliance.compliance(org, window, rules=rules)
    missing_kind = data.get("missing") or ""
    if missing_kind == MISSING_ANY:
        rows = [unit for unit in units if unit.missing_total]
    else:
        rows = [
            unit
            for unit in units
            if not missing_kind or (unit.get(missing_kind) and unit.get(missing_kind).missing)
        ]
    if data.get("sort") == "missing":
        rows.sort(key=lambda unit: (-unit.missing_total, unit.path))
    return form, window, rules, units, rows, missing_kind


def _store_figures(org: Organization, window: Period, units: list) -> list[dict]:
    """The subtree's 三会一课 figures read through the figures store, from the units the page
    computed anyway (no query more), each linking to its records."""
    sums = compliance.totals(units)
    shown = []
    for key in life_figures.KEYS:
        figure = get_figure(key)
        shown.append(
            {"label": figure.label, "value": figure.pick(sums), "url": figure.records_url(org, window)}
        )
    return shown


@login_required
@require_GET
def compliance_view(request):
    """三会一课 compliance of an organization's subtree in a year or quarter.

    For a branch (or a party group): each required kind with required, held, missing and late.
    For a higher organization: every branch and group below with its missing kinds, filterable
    to one missing kind and sortable, paginated, each row linking to the branch's own page.
    """
    org = _root_org(request)
    form, window, rules, units, rows, missing_kind = _compliance_rows(request, org)
    context = {
        "org": org,
        "form": form,
        "window": window,
        "rules": rules,
        "missing_kind": missing_kind,
        "late_after_days": compliance.LATE_AFTER.days,
        # The figures count ended cadence periods; "still to hold" counts the running one.
        "figures": [] if form.is_outstanding else _store_figures(org, window, units),
        "outstanding": form.is_outstanding,
    }
    if compliance.holds_meetings(org, rules):
        context["units"] = units
        context["detail"] = True
    else:
        context["summary"] = [
            (rule, sum(1 for unit in units if (entry := unit.get(rule.kind)) and entry.missing))
            for rule in rules
            if any(unit.get(rule.kind) for unit in units)
        ]
        context["unit_count"] = len(units)
        context["page"] = paginate(request, rows)
    return render(request, "life/compliance.html", context)


COMPLIANCE_COLUMNS = [
    text_column("org", _lazy("Organization"), width=40),
    text_column("kind", _lazy("Kind"), width=20),
    text_column("period", _lazy("Period"), width=10),
    text_column("required", pgettext_lazy("meetings owed", "Required"), width=10),
    text_column("held", _lazy("Held"), width=10),
    text_column("missing", _lazy("Missing"), width=10),
    text_column("late", _lazy("Late"), width=10),
]


@login_required
@require_GET
@recent_auth_required
def compliance_export(request):
    """The roll-up as an Excel workbook, one row per organization and required kind (audited)."""
    org = _root_org(request)
    _form, window, _rules, _units, rows, missing_kind = _compliance_rows(request, org)
    lines = [
        {
            "org": unit.name,
            "kind": str(entry.rule.get_kind_display()),
            "period": str(entry.rule.get_period_display()),
            "required": entry.required,
            "held": entry.held,
            "missing": entry.missing,
            "late": entry.late,
        }
        for unit in rows
        for entry in unit.kinds
    ]
    title = _("Meeting compliance")
    file_name = f"{title}-{org.name}-{window.label}.xlsx"
    counter: list[int] = []
    content = export_workbook(COMPLIANCE_COLUMNS, lines, title=title, counter=counter)
    record_export(
        title,
        by=request.user,
        filters={
            "org": org.pk,
            "year": window.start.year,
            "quarter": window.quarter_number,
            "missing": missing_kind,
        },
        count=counter[0],
        file_name=file_name,
    )
    return attachment_response(content, file_name)


@login_required
@require_GET
def silent_branches_view(request):
    """静默支部: branches below an organization without a held or closed meeting for 30 days."""
    org = _root_org(request)
    rows = silence.silent_branches([org])
    return render(
        request,
        "life/silent_branches.html",
        {"org": org, "page": paginate(request, rows), "days": silence.SILENT_AFTER.days},
    )


# --- Minutes as PDF, 民主评议, attachments ------------------------------------------------------


@login_required
@require_GET
def meeting_minutes_pdf(request, pk: int):
    """The minutes as a printable PDF: facts, attendance with reasons, agenda, minutes (audited)."""
    meeting = _meeting(request, pk)
    rows = list(
        Attendance.objects.filter(meeting=meeting)
        .select_related("member__person")
        .order_by("member__person__name_pinyin", "id")
    )
    audit.record(AuditAction.EXPORT, meeting, by=request.user, note=_("Printed the minutes"))
    context = {
        "meeting": meeting,
        "present": [row for row in rows if row.status == AttendanceStatus.PRESENT],
        "absent": [row for row in rows if row.status != AttendanceStatus.PRESENT],
        "host": meeting.host,
        "recorder": meeting.recorder,
        "printed_on": timezone.localdate(),
    }
    day = timezone.localdate(meeting.starts_at)
    return pdf_response(
        "life/pdf/minutes.html",
        context,
        filename=f"会议记录-{meeting.org.name}-{day:%Y%m%d}.pdf",
        request=request,
    )


@login_required
def review_entry(request, pk: int):
    """The 民主评议 sheet of a democratic review meeting: a grade for each member, one form."""
    meeting = _meeting(request, pk)
    require(request.user, "life.add_democraticreview", meeting)
    if meeting.kind != MeetingKind.DEMOCRATIC_REVIEW:
        raise Http404
    rows = list(
        Attendance.objects.filter(meeting=meeting)
        .select_related("member__person")
        .order_by("member__person__name_pinyin", "id")
    )
    existing = {review.member_id: review for review in DemocraticReview.objects.filter(meeting=meeting)}
    form = ReviewForm(request.POST or None, rows=rows, existing=existing)
    if request.method == "POST" and form.is_valid():
        try:
            count = services.record_reviews(meeting, form.entries(), by=request.user)
        except PermissionDenied as error:
            raise PageForbidden(error.message) from error
        except RuleViolation as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("Review results saved (%(count)s changed).") % {"count": count})
            return redirect("life:meeting_detail", pk=meeting.pk)
    return render(request, "life/review_form.html", {"form": form, "meeting": meeting})


@login_required
def attachment_add(request, pk: int):
    """Attach a photo or document to a meeting (JPG/PNG/PDF/DOCX/XLSX, at most 10 MB)."""
    meeting = _meeting(request, pk)
    require(request.user, "life.add_meetingattachment", meeting)
    form = AttachmentForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            item = services.add_attachment(meeting, form.cleaned_data["file"], by=request.user)
        except PermissionDenied as error:
            raise PageForbidden(error.message) from error
        except RuleViolation as error:
            form.add_error("file", error.message)
        else:
            messages.success(request, _("Attached “%(name)s”.") % {"name": item.original_name})
            return redirect("life:meeting_detail", pk=meeting.pk)
    return render(request, "life/attachment_form.html", {"form": form, "meeting": meeting})


def _attachment(request, pk: int, permission: str) -> MeetingAttachment:
    item = get_object_or_404(
        MeetingAttachment.objects.visible_to(request.user).select_related("meeting__org"), pk=pk
    )
    require(request.user, permission, item)
    return item


@login_required
@require_GET
def attachment_download(request, pk: int):
    """A meeting's file, only to users who see the meeting (never served from a public URL)."""
    item = _attachment(request, pk, "life.view_meeting")
    try:
        handle = item.file.open("rb")
    except FileNotFoundError as error:
        raise Http404 from error
    response = FileResponse(
        handle, content_type=item.content_type or "application/octet-stream", filename=item.original_name
    )
    if not item.is_image and item.content_type != "application/pdf":
        response["Content-Disposition"] = (
            f"attachment; filename*=UTF-8''{escape_uri_path(item.original_name)}"
        )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
def attachment_delete(request, pk: int):
    """Remove an attachment after confirmation."""
    item = _attachment(request, pk, "life.delete_meetingattachment")
    if request.method == "POST":
        try:
            services.remove_attachment(item, by=request.user)
        except PermissionDenied as error:
            raise PageForbidden(error.message) from error
        messages.success(request, _("Removed “%(name)s”.") % {"name": item.original_name})
        return redirect("life:meeting_detail", pk=item.meeting_id)
    return render(request, "life/attachment_delete.html", {"item": item, "meeting": item.meeting})
