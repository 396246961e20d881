"""我的: the pages of a party member (or an applicant) about themselves, phone first.

Every page opens for a user linked to an active party member or an open development file, with no
staff role needed, and answers 403 with the reason to anyone else. Each reads through
``mine.selectors``, which filters by the signed-in user's person only. Checking in to a meeting
is life's own service (``life.services.check_in``), called for a meeting the member is expected at.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as PageForbidden
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from dangjian.core.errors import RuleViolation
from dangjian.core.pagination import paginate
from dangjian.core.registry import render_panels
from dangjian.dual_reporting.services import is_self_service, may_report_self
from dangjian.life import services as life_services
from dangjian.life.models import Attendance
from dangjian.mine import selectors
from dangjian.mine.selectors import Me

ATTENDANCE_PAGE = 20
LOGS_PAGE = 20


def _me(request) -> Me:
    """The signed-in member, or 403 saying why 我的 is not for this user."""
    me = selectors.load_me(request.user)
    if me is None:
        raise PageForbidden(selectors.refusal(request.user) or _("“Mine” is not available for this account."))
    return me


@login_required
def index(request):
    """The overview: one card per section, this month's dues and today's meetings first."""
    me = _me(request)
    context: dict = {"me": me}
    if me.member is not None:
        context.update(
            dues=selectors.my_dues(me.member),
            upcoming=selectors.upcoming_meetings(me.member),
            ballots=selectors.my_ballots(request.user, me.member),
            service=selectors.my_service(me.member),
        )
    context["transfers"] = selectors.my_transfers(me)
    if me.applicant is not None and me.applicant.is_open:
        context["development"] = selectors.my_development(me.applicant)
    context["sections"] = render_panels("mine_sections", me, request)
    return render(request, "mine/index.html", context)


def _year(request, years: list[int]) -> int:
    raw = request.GET.get("year", "")
    if not raw:
        return years[0]
    try:
        year = int(raw)
    except ValueError:
        raise Http404 from None
    if year not in years:
        raise Http404
    return year


@login_required
def dues(request):
    """My dues month by month for a year, the rule my base falls under, and what is in arrears."""
    me = _me(request)
    context: dict = {"me": me}
    if me.member is not None:
        years = selectors.dues_years(me.member)
        context.update(years=years, dues=selectors.my_dues(me.member, year=_year(request, years)))
    return render(request, "mine/dues.html", context)


@login_required
def meetings(request):
    """Meetings I am expected at (today's with its check-in), and my attendance record, paged."""
    me = _me(request)
    context: dict = {"me": me}
    if me.member is not None:
        context.update(
            upcoming=selectors.upcoming_meetings(me.member),
            counts=selectors.attendance_counts(me.member),
            page=paginate(request, selectors.attendance_record(me.member), per_page=ATTENDANCE_PAGE),
        )
    return render(request, "mine/meetings.html", context)


@login_required
@require_POST
def meeting_checkin(request, pk: int):
    """Check in to a meeting I am expected at, through life's own check-in (its window, its rules).

    The meeting must be one the signed-in member is on the list of; any other id answers 404,
    so an id in the URL never reaches someone else's meeting.
    """
    me = _me(request)
    if me.member is None:
        raise Http404
    attendance = get_object_or_404(
        Attendance.objects.select_related("meeting"), meeting_id=pk, member=me.member
    )
    meeting = attendance.meeting
    try:
        life_services.check_in(meeting, token=meeting.check_in_token, user=request.user)
    except RuleViolation as refused:
        messages.error(request, refused.message)
    else:
        messages.success(
            request,
            _("You are checked in to “%(title)s” at %(time)s.")
            % {"title": meeting.title, "time": timezone.localtime().strftime("%H:%M")},
        )
    return redirect("mine:meetings" if request.POST.get("next") == "meetings" else "mine:index")


@login_required
def ballots(request):
    """Elections I may vote in now, each opening the existing phone ballot page."""
    me = _me(request)
    return render(
        request, "mine/ballots.html", {"me": me, "ballots": selectors.my_ballots(request.user, me.member)}
    )


@login_required
def service(request):
    """My 双报到: the community I reported to, what I claimed, and my confirmed hours."""
    me = _me(request)
    context: dict = {"me": me, "may_report": False}
    if me.member is not None:
        found = selectors.my_service(me.member)
        context.update(
            service=found,
            may_report=may_report_self(request.user),
            report_detail=found.active is not None and is_self_service(request.user, found.active),
            page=paginate(request, selectors.my_service_logs(me.member), per_page=LOGS_PAGE),
        )
    return render(request, "mine/service.html", context)


@login_required
def transfers(request):
    """My transfer letters: number, from and to, state; the printed letter only where allowed."""
    me = _me(request)
    return render(request, "mine/transfers.html", {"me": me, "transfers": selectors.my_transfers(me)})


@login_required
def development(request):
    """My development steps with their dates, and what comes next with its earliest date."""
    me = _me(request)
    found = selectors.my_development(me.applicant) if me.applicant is not None else None
    return render(
        request, "mine/development.html", {"me": me, "development": found, "today": timezone.localdate()}
    )
