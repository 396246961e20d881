"""党员积分 in the figures store: points posted in an organization's subtree in a period.

The entry list (``member_points:entry_list``) filters with the same definition (``entries_q``),
so the figure's number is the sum of its list.
"""

from __future__ import annotations

from django.db.models import Q, Sum
from django.urls import reverse
from django.utils.translation import gettext_lazy

from dangjian.core.periods import Period
from dangjian.core.registry import Figure, register_figure
from dangjian.core.workbench import with_query
from dangjian.member_points.models import PointEntry

VIEW = "member_points.view_pointentry"


def entries_q(org, period: Period) -> Q:
    return Q(org__path__startswith=org.path, occurred_on__gte=period.start, occurred_on__lt=period.end)


def points_posted(node, period: Period):
    return PointEntry.objects.filter(entries_q(node, period)).aggregate(total=Sum("points"))["total"] or 0


def entries_url(node, period: Period) -> str:
    return with_query(
        reverse("member_points:entry_list"),
        org=node.pk,
        start=period.start.isoformat(),
        end=period.last_day.isoformat(),
    )


def register_figures() -> None:
    register_figure(
        Figure(
            key="member_points.points_posted",
            label=gettext_lazy("Member points posted"),
            unit=gettext_lazy("points"),
            compute=points_posted,
            records_url=entries_url,
            permission=VIEW,
            description=gettext_lazy(
                "Points of the members of the organization and those below it in the period: posted "
                "from records, awarded or deducted by hand, and reversals."
            ),
        )
    )
