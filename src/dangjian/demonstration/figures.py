"""示范点 in the platform's figures store: ``demonstration.designated``, the designations in force
at the end of a period for the organizations of a subtree.

The designation list (``demonstration:designation_list``) filters with the same definition
(``in_force_q``) when it gets ``org`` and ``at``, so the figure's number is its list's length.
"""

from __future__ import annotations

import datetime

from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy

from dangjian.core.periods import Period
from dangjian.core.registry import Figure, register_figure
from dangjian.core.workbench import with_query
from dangjian.demonstration.models import Designation

VIEW = "demonstration.view_designation"


def in_force_q(org, day: datetime.date) -> Q:
    """Designations of ``org``'s subtree in force on ``day``."""
    return Q(org__path__startswith=org.path, since__lte=day) & (
        Q(ended_on__isnull=True) | Q(ended_on__gt=day)
    )


def designated(node, period: Period) -> int:
    return Designation.objects.filter(in_force_q(node, period.last_day)).count()


def designated_url(node, period: Period) -> str:
    return with_query(reverse("demonstration:designation_list"), org=node.pk, at=period.last_day.isoformat())


def register_figures() -> None:
    register_figure(
        Figure(
            key="demonstration.designated",
            label=gettext_lazy("Demonstration points"),
            unit=gettext_lazy("points"),
            compute=designated,
            records_url=designated_url,
            permission=VIEW,
            description=gettext_lazy(
                "Designations in force on the last day of the period, of the organization and those below it."
            ),
        )
    )
