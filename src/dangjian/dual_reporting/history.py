"""The 双报到 section of a member's history page: where they reported, what they claimed, hours."""

from __future__ import annotations

from django.db.models import Count, DecimalField, IntegerField, OuterRef, Subquery, Sum, Value
from django.db.models.functions import Coalesce
from django.urls import reverse

from dangjian.dual_reporting.choices import ClaimState
from dangjian.dual_reporting.models import Claim, MemberReport, ServiceLog
from dangjian.members.history import HistorySection

LATEST = 5


def dual_reporting_history(member, user) -> HistorySection | None:
    """The member's latest reports with claims and hours served (one query); None if never reported."""
    hours = (
        ServiceLog.objects.filter(report=OuterRef("pk"))
        .order_by()
        .values("report")
        .annotate(total=Sum("hours"))
        .values("total")
    )
    claims = (
        Claim.objects.filter(report=OuterRef("pk"))
        .exclude(state=ClaimState.CANCELLED)
        .order_by()
        .values("report")
        .annotate(total=Count("pk"))
        .values("total")
    )
    reports = list(
        MemberReport.objects.filter(member=member)
        .select_related("community")
        .annotate(
            hours_served=Coalesce(
                Subquery(hours), Value(0), output_field=DecimalField(max_digits=8, decimal_places=1)
            ),
            claim_count=Coalesce(Subquery(claims), Value(0), output_field=IntegerField()),
        )
        .order_by("-reported_on", "-id")[:LATEST]
    )
    if not reports:
        return None
    return HistorySection(
        template="dual_reporting/_history.html",
        context={"reports": reports},
        more_url=reverse("dual_reporting:report_detail", kwargs={"pk": reports[0].pk}),
    )
