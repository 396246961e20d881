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
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from dangjian.core.errors import PermissionDenied, RuleViolation
from dangjian.core.models import Person
from dangjian.core.pagination import paginate
from dangjian.core.scoping import scope_of
from dangjian.life import services
from dangjian.life.choices import AttendanceStatus, MeetingState
from dangjian.life.forms import AttendanceForm, MeetingFilterSet, MeetingForm
from dangjian.life.models import Attendance, Meeting
from dangjian.orgs.models import Organization


def _allowed(user, permission: str, obj) -> bool:
    org_path, area_path = obj.audit_scope_paths()
    return scope_of(user).has_perm(permission, org_path=org_path or None, area_path=area_path or None)


def _require(user, permission: str, obj) -> None:
    """Answer 403 when the user sees ``obj`` but may not do this to it."""
    if not _allowed(user, permission, obj):
        raise PageForbidden(permission)


def _meeting(request, pk: int) -> Meeting:
    meeting = get_object_or_404(Meeting.objects.visible_to(request.user).select_related("org"), pk=pk)
    _require(request.user, "life.view_meeting", meeting)
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
            Organization.objects.visible_to(request.user)
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
            "can_add": org is not None and _allowed(request.user, "life.add_meeting", org),
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
    can_change = _allowed(request.user, "life.change_meeting", meeting)
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
    }
    if check_in_open and can_change:
        url = _check_in_url(request, meeting)
        context.update(check_in_url=url, qr_svg=_qr_svg(url))
    return render(request, "life/meeting_detail.html", context)


@login_required
def meeting_create(request, org_pk: int):
    """Plan a meeting of an organization; its members become the expected attendees."""
    org = get_object_or_404(Organization.objects.visible_to(request.user), pk=org_pk)
    _require(request.user, "life.add_meeting", org)
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
    _require(request.user, "life.change_meeting", meeting)
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
    _require(request.user, "life.change_meeting", meeting)
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
def meeting_close(request, pk: int):
    """Close a meeting after confirmation; refused without minutes, full attendance or quorum."""
    meeting = _meeting(request, pk)
    _require(request.user, "life.change_meeting", meeting)
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
