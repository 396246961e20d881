"""What the 双报到 pages share: permission checks on a report's or pairing's community, the year
asked for, totals of service, and applying a form through a service."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied as PageForbidden
from django.db.models import Count, DecimalField, IntegerField, OuterRef, QuerySet, Subquery, Sum, Value
from django.db.models.functions import Coalesce
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.utils import timezone

from dangjian.core.errors import PermissionDenied, RuleViolation
from dangjian.core.scoping import scope_of
from dangjian.dual_reporting import services
from dangjian.dual_reporting.choices import ClaimState, FeedbackRating
from dangjian.dual_reporting.models import Claim, MemberReport, ServiceLog, UnitPairing, YearlyFeedback

VIEW = "dual_reporting.view_memberreport"
SEARCH_LIMIT = 20
REPORT_RELATED = ["member__person", "member__org", "community", "community_org"]
PAIRING_RELATED = ["unit_org", "community", "community_org"]


# --- helpers ----------------------------------------------------------------------------------


def _allowed_on(user, permission: str, *, org_path: str | None = None, area_path: str | None = None) -> bool:
    return scope_of(user).has_perm(permission, org_path=org_path or None, area_path=area_path or None)


def _year(request) -> int:
    try:
        year = int(request.GET.get("year") or 0)
    except ValueError:
        year = 0
    this_year = timezone.localdate().year
    return year if 2000 <= year <= this_year else this_year


def _totals(queryset: QuerySet, side: str, year: int) -> QuerySet:
    """Claims, hours served in ``year`` and the feedback of ``year``, as subqueries (fixed cost)."""
    logs = (
        ServiceLog.objects.filter(**{side: OuterRef("pk")}, served_on__year=year)
        .order_by()
        .values(side)
        .annotate(total=Sum("hours"))
        .values("total")
    )
    claims = (
        Claim.objects.filter(**{side: OuterRef("pk")})
        .exclude(state=ClaimState.CANCELLED)
        .order_by()
        .values(side)
        .annotate(total=Count("pk"))
        .values("total")
    )
    feedback = YearlyFeedback.objects.filter(**{side: OuterRef("pk")}, year=year).values("rating")[:1]
    return queryset.annotate(
        hours_in_year=Coalesce(
            Subquery(logs), Value(0), output_field=DecimalField(max_digits=8, decimal_places=1)
        ),
        claim_count=Coalesce(Subquery(claims), Value(0), output_field=IntegerField()),
        feedback_rating=Subquery(feedback),
    )


def _labelled(page):
    """Give rows annotated by ``_totals`` the label of their feedback rating."""
    labels = dict(FeedbackRating.choices)
    for row in page:
        row.feedback_label = labels.get(getattr(row, "feedback_rating", None) or "", "")
    return page


def _report(request, pk: int) -> MemberReport:
    """A report the user may see: in scope with the view permission, or their own."""
    user = request.user
    report = MemberReport.objects.select_related(*REPORT_RELATED).filter(pk=pk).first()
    if report is None:
        raise Http404
    if services.is_self_service(user, report):
        return report
    if not MemberReport.objects.visible_to(user).filter(pk=pk).exists():
        raise Http404
    if not services.may(user, VIEW, report):
        raise PageForbidden(VIEW)
    return report


def _pairing(request, pk: int) -> UnitPairing:
    pairing = get_object_or_404(
        UnitPairing.objects.visible_to(request.user).select_related(*PAIRING_RELATED), pk=pk
    )
    if not services.may(request.user, "dual_reporting.view_unitpairing", pairing):
        raise PageForbidden("dual_reporting.view_unitpairing")
    return pairing


def _subject(request, kind: str, pk: int):
    return _report(request, pk) if kind == "report" else _pairing(request, pk)


def _require(user, permission: str, subject, *, self_service: bool = False) -> None:
    if not services.may(user, permission, subject, self_service=self_service):
        raise PageForbidden(permission)


def _require_community(user, permission: str, subject) -> None:
    if not services.may_as_community(user, permission, subject):
        raise PageForbidden(permission)


def _apply(form, call) -> object | None:
    """Run a service call; a refused rule becomes a form error (None), a missing right a 403."""
    try:
        return call()
    except PermissionDenied as error:
        raise PageForbidden(error.message) from error
    except RuleViolation as error:
        form.add_error(error.field if error.field in form.fields else None, error.message)
        return None


def _detail(subject):
    if isinstance(subject, MemberReport):
        return redirect("dual_reporting:report_detail", pk=subject.pk)
    return redirect("dual_reporting:pairing_detail", pk=subject.pk)
