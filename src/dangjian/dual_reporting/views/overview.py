"""The 双报到 overview pages: the index, the community's view (who reported, what they claimed and
served, paired units, feedback per year) and the unit's view (what its members did in communities)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as PageForbidden
from django.db.models import Count, IntegerField, OuterRef, Q, Subquery, Value
from django.db.models.functions import Coalesce
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.views.decorators.http import require_GET

from dangjian.core.pagination import paginate
from dangjian.core.scoping import scope_of
from dangjian.dual_reporting import services
from dangjian.dual_reporting.choices import ReportState
from dangjian.dual_reporting.figures import reported_q
from dangjian.dual_reporting.models import Claim, MemberReport, ServiceLog, UnitPairing
from dangjian.dual_reporting.views.common import VIEW, _allowed_on, _labelled, _totals, _year
from dangjian.orgs.choices import AreaKind
from dangjian.orgs.models import Area, Organization

# --- overview pages ---------------------------------------------------------------------------


@login_required
@require_GET
def index(request):
    """Entry page: the communities and units in the user's scope, and the member's own reports."""
    user = request.user
    scope = scope_of(user)
    member = services.own_member(user)
    if not scope.has_any(VIEW) and member is None:
        raise PageForbidden(VIEW)
    communities = None
    units: list[Organization] = []
    if scope.has_any(VIEW):
        active_reports = (
            MemberReport.objects.filter(community=OuterRef("pk"), state=ReportState.ACTIVE)
            .order_by()
            .values("community")
            .annotate(total=Count("pk"))
            .values("total")
        )
        active_pairings = (
            UnitPairing.objects.filter(community=OuterRef("pk"), state=ReportState.ACTIVE)
            .order_by()
            .values("community")
            .annotate(total=Count("pk"))
            .values("total")
        )
        communities = paginate(
            request,
            Area.objects.visible_to(user)
            .filter(kind=AreaKind.COMMUNITY)
            .annotate(
                report_count=Coalesce(Subquery(active_reports), Value(0), output_field=IntegerField()),
                pairing_count=Coalesce(Subquery(active_pairings), Value(0), output_field=IntegerField()),
            )
            .order_by("path"),
        )
        if not scope.is_global:
            units = list(Organization.objects.filter(path__in=scope.org_paths).order_by("path"))
    return render(
        request,
        "dual_reporting/index.html",
        {"page": communities, "units": units, "member": member},
    )


@login_required
@require_GET
def community(request, pk: int):
    """A community's 双报到 ledger: members who reported, paired units, claims; hours of one year."""
    user = request.user
    area = get_object_or_404(Area.objects.visible_to(user).filter(kind=AreaKind.COMMUNITY), pk=pk)
    community_org = services.community_org_of(area)
    org_path = community_org.path if community_org else None
    if not _allowed_on(user, VIEW, area_path=area.path, org_path=org_path):
        raise PageForbidden(VIEW)
    year = _year(request)
    tab = request.GET.get("tab") or "reports"
    state = request.GET.get("state") or ReportState.ACTIVE
    if tab == "pairings":
        rows = _totals(
            UnitPairing.objects.visible_to(user).filter(community=area).select_related("unit_org"),
            "pairing",
            year,
        )
    elif tab == "claims":
        rows = (
            Claim.objects.visible_to(user)
            .filter(Q(report__community=area) | Q(pairing__community=area))
            .select_related("report__member__person", "report__member__org", "pairing__unit_org")
            .order_by("-claimed_on", "-id")
        )
        state = ""
    else:
        tab = "reports"
        rows = _totals(
            MemberReport.objects.visible_to(user)
            .filter(community=area)
            .select_related("member__person", "member__org"),
            "report",
            year,
        ).order_by("member__person__name_pinyin", "id")
    if state in ReportState.values:
        rows = rows.filter(state=state)
    page = _labelled(paginate(request, rows))
    return render(
        request,
        "dual_reporting/community.html",
        {
            "area": area,
            "community_org": community_org,
            "page": page,
            "tab": tab,
            "year": year,
            "state": state,
            "years": range(timezone.localdate().year, timezone.localdate().year - 5, -1),
            "can_report": _allowed_on(
                user, "dual_reporting.add_memberreport", area_path=area.path, org_path=org_path
            ),
            "can_pair": _allowed_on(
                user, "dual_reporting.add_unitpairing", area_path=area.path, org_path=org_path
            ),
            "can_feedback": _allowed_on(
                user, "dual_reporting.add_yearlyfeedback", area_path=area.path, org_path=org_path
            ),
        },
    )


@login_required
@require_GET
def unit(request, pk: int):
    """A unit's side: where its members reported, what they claimed and served; its pairings."""
    user = request.user
    org = get_object_or_404(Organization.objects.visible_to(user), pk=pk)
    if not _allowed_on(user, VIEW, org_path=org.path):
        raise PageForbidden(VIEW)
    year = _year(request)
    tab = request.GET.get("tab") or "reports"
    if tab == "pairings":
        rows = _totals(
            UnitPairing.objects.visible_to(user)
            .filter(unit_org__path__startswith=org.path)
            .select_related("unit_org", "community"),
            "pairing",
            year,
        )
    elif tab == "logs":
        rows = (
            ServiceLog.objects.visible_to(user)
            .filter(
                Q(report__member__org__path__startswith=org.path)
                | Q(pairing__unit_org__path__startswith=org.path)
            )
            .select_related(
                "report__member__person", "report__community", "pairing__unit_org", "pairing__community"
            )
            .order_by("-served_on", "-id")
        )
    else:
        tab = "reports"
        rows = _totals(
            MemberReport.objects.visible_to(user)
            .filter(reported_q(org))
            .select_related("member__person", "member__org", "community"),
            "report",
            year,
        ).order_by("member__person__name_pinyin", "id")
    page = _labelled(paginate(request, rows))
    return render(
        request,
        "dual_reporting/unit.html",
        {
            "org": org,
            "page": page,
            "tab": tab,
            "year": year,
            "years": range(timezone.localdate().year, timezone.localdate().year - 5, -1),
        },
    )
