"""双报到 in the platform's figures store: members of an organization's subtree with an active
report to their residential community.

The unit page's "reports" tab lists the same reports through ``reported_q``; a report is active
until it is ended, so the figure counts now, whatever the period.
"""

from __future__ import annotations

from urllib.parse import urlencode

from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy

from dangjian.core.periods import Period
from dangjian.core.registry import Figure, register_figure
from dangjian.dual_reporting.choices import ReportState
from dangjian.dual_reporting.models import MemberReport

VIEW = "dual_reporting.view_memberreport"


def reported_q(org) -> Q:
    """Active reports of the members of ``org``'s subtree (one active report per member)."""
    return Q(member__org__path__startswith=org.path, state=ReportState.ACTIVE)


def members_reported(node, period: Period) -> int:
    return MemberReport.objects.filter(reported_q(node)).count()


def records_url(node, period: Period) -> str:
    query = {"tab": "reports", "year": period.start.year}
    return f"{reverse('dual_reporting:unit', args=[node.pk])}?{urlencode(query)}"


def register_figures() -> None:
    """Put the 双报到 figure in the figures store (called from ``DualReportingConfig.ready``)."""
    register_figure(
        Figure(
            key="dual_reporting.members_reported",
            label=gettext_lazy("Members reported to their community"),
            unit=gettext_lazy("members"),
            compute=members_reported,
            records_url=records_url,
            permission=VIEW,
            description=gettext_lazy(
                "Members of the organization and those below it with an active report to the community "
                "where they live, now, whatever the period."
            ),
        )
    )
