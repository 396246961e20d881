"""What 双报到 shows on a person's page: the communities the person reports to as a party member.

Registered in the registry's ``person_panels`` from ``DualReportingConfig.ready()``: the person
page lives below this app and never imports it.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from dangjian.core.registry import Panel
from dangjian.dual_reporting.models import MemberReport


def person_reports(person, user) -> dict | None:
    """The person's community reports the user may see, newest first (one query); None if none."""
    reports = list(
        MemberReport.objects.visible_to(user)
        .filter(member__person=person)
        .select_related("community")
        .order_by("-reported_on", "-id")[:10]
    )
    if not reports:
        return None
    return {"reports": reports}


PERSON_REPORTS_PANEL = Panel(
    key="dual_reporting",
    title=_("Dual reporting"),
    template="dual_reporting/panels/person_reports.html",
    provider=person_reports,
    order=60,
)
