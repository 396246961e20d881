"""Members' reports to a community: 我要报到 for the member, a report added by the community, a
report's page and its end."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as PageForbidden
from django.db.models import Q, Sum
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from dangjian.core.models import Person
from dangjian.core.pagination import paginate
from dangjian.core.scoping import scope_of
from dangjian.dual_reporting import services
from dangjian.dual_reporting.forms import (
    EndForm,
    MemberPickForm,
    OfferFields,
    SelfReportForm,
)
from dangjian.dual_reporting.models import Claim, MemberReport, ServiceLog, YearlyFeedback
from dangjian.dual_reporting.views.common import SEARCH_LIMIT, _allowed_on, _apply, _report, _require
from dangjian.members.models import PartyMember
from dangjian.orgs.choices import AreaKind
from dangjian.orgs.models import Area

# --- reports ----------------------------------------------------------------------------------


@login_required
def report_self(request):
    """我要报到: a member reports to the community of their home, and sees their reports."""
    user = request.user
    member = services.own_member(user)
    if member is None:
        raise PageForbidden(_("Only party members can report themselves."))
    # The party_member role's report_self, or staff rights over the member's own organization.
    scope = scope_of(user)
    if not (
        scope.has_any(services.SELF_SERVICE)
        or scope.has_perm("dual_reporting.add_memberreport", org_path=member.org.path)
    ):
        raise PageForbidden(services.SELF_SERVICE)
    reports = list(
        MemberReport.objects.filter(member=member)
        .select_related("community", "community_org")
        .order_by("-reported_on")[:20]
    )
    active = next((report for report in reports if report.is_active), None)
    home = services.residential_community(member) if active is None else None
    form = SelfReportForm(request.POST or None)
    if request.method == "POST" and active is None and form.is_valid():
        report = _apply(form, lambda: services.report_member(member, by=user, **form.service_fields()))
        if report is not None:
            messages.success(
                request, _("You have reported to %(community)s.") % {"community": report.community.name}
            )
            return redirect("dual_reporting:report_detail", pk=report.pk)
    return render(
        request,
        "dual_reporting/report_self.html",
        {"member": member, "reports": reports, "active": active, "home": home, "form": form},
    )


@login_required
def report_create(request, pk: int):
    """Staff record a member's report to this community (found by search among members they see
    and residents of the community)."""
    user = request.user
    area = get_object_or_404(Area.objects.visible_to(user).filter(kind=AreaKind.COMMUNITY), pk=pk)
    community_org = services.community_org_of(area)
    org_path = community_org.path if community_org else None
    if not _allowed_on(user, "dual_reporting.add_memberreport", area_path=area.path, org_path=org_path):
        raise PageForbidden("dual_reporting.add_memberreport")
    members = PartyMember.objects.filter(
        Q(pk__in=PartyMember.objects.visible_to(user).values("pk"))
        | Q(person__residences__area__path__startswith=area.path, person__residences__is_current=True),
        is_active=True,
    ).distinct()
    picker = MemberPickForm(request.POST or None, members=members)
    form = OfferFields(request.POST or None)
    if request.method == "POST" and all([picker.is_valid(), form.is_valid()]):
        report = _apply(
            form,
            lambda: services.report_member(
                picker.cleaned_data["member"],
                area,
                by=user,
                community_org=community_org,
                **form.service_fields(),
            ),
        )
        if report is not None:
            messages.success(
                request,
                _("%(name)s reported to %(community)s.") % {"name": report.member, "community": area.name},
            )
            return redirect("dual_reporting:report_detail", pk=report.pk)
    query = (request.GET.get("q") or "").strip()
    candidates: list[PartyMember] = []
    if query:
        found = Person.objects.search(query).values("pk")
        candidates = list(members.filter(person__in=found).select_related("person", "org")[:SEARCH_LIMIT])
    elif request.method == "POST" and str(picker.data.get("member") or "").isdigit():
        candidates = list(members.filter(pk=picker.data["member"]).select_related("person", "org")[:1])
    options = [(m.pk, m.person.name, f"{m.org.name} · {m.get_category_display()}") for m in candidates]
    return render(
        request,
        "dual_reporting/report_form.html",
        {
            "area": area,
            "form": form,
            "options": options,
            "query": query,
            "chosen": str(picker.data.get("member") or ""),
            "picker": picker,
        },
    )


@login_required
@require_GET
def report_detail(request, pk: int):
    """One member's report: what they offered, claimed and served, and the yearly feedback."""
    report = _report(request, pk)
    return _subject_page(request, report, "dual_reporting/report_detail.html")


def _subject_page(request, subject, template: str):
    user = request.user
    side = "report" if isinstance(subject, MemberReport) else "pairing"
    claims = list(Claim.objects.filter(**{side: subject}).order_by("-claimed_on", "-id")[:50])
    logs = paginate(
        request,
        ServiceLog.objects.filter(**{side: subject})
        .select_related("confirmed_by", "claim")
        .order_by("-served_on", "-id"),
    )
    feedback = list(
        YearlyFeedback.objects.filter(**{side: subject}).select_related("to_org").order_by("-year")
    )
    year = timezone.localdate().year
    hours = ServiceLog.objects.filter(**{side: subject}, served_on__year=year).aggregate(total=Sum("hours"))[
        "total"
    ]
    is_self = services.is_self_service(user, subject)
    return render(
        request,
        template,
        {
            "subject": subject,
            "side": side,
            "claims": claims,
            "page": logs,
            "feedback": feedback,
            "year": year,
            "hours_this_year": hours or 0,
            "is_self": is_self,
            "can_claim": subject.is_active
            and services.may(user, "dual_reporting.add_claim", subject, self_service=True),
            "can_change_claim": services.may(user, "dual_reporting.change_claim", subject, self_service=True),
            "can_log": subject.is_active
            and services.may(user, "dual_reporting.add_servicelog", subject, self_service=True),
            "can_confirm": services.may_as_community(user, "dual_reporting.change_servicelog", subject),
            "can_feedback": services.may_as_community(user, "dual_reporting.add_yearlyfeedback", subject),
            "can_end": subject.is_active
            and services.may(
                user,
                f"dual_reporting.change_{'memberreport' if side == 'report' else 'unitpairing'}",
                subject,
                self_service=side == "report",
            ),
        },
    )


@login_required
def report_end(request, pk: int):
    """End a report after confirmation (moved house, changed work); the history stays."""
    report = _report(request, pk)
    _require(request.user, "dual_reporting.change_memberreport", report, self_service=True)
    form = EndForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        done = _apply(
            form, lambda: services.end_report(report, by=request.user, ended_on=form.cleaned_data["ended_on"])
        )
        if done is not None:
            messages.success(request, _("The report has ended."))
            return redirect("dual_reporting:report_detail", pk=report.pk)
    return render(
        request, "dual_reporting/end_form.html", {"subject": report, "form": form, "side": "report"}
    )
