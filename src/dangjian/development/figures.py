"""The development pipeline in the platform's figures store: steps falling due in a period and
steps late now, over an organization's subtree.

Both read the next step stored on each applicant (``next_due_on``, ``next_due_is_deadline``), as
the board and the reminders do; ``due_q`` and ``late_q`` are the one definition the figures and
the applicant list (their records page) filter by.
"""

from __future__ import annotations

import datetime
from urllib.parse import urlencode

from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy

from dangjian.core.periods import Period
from dangjian.core.registry import Figure, register_figure
from dangjian.development.choices import OPEN_STATES
from dangjian.development.models import Applicant

VIEW = "development.view_applicant"


def due_q(start: datetime.date | None, end: datetime.date | None) -> Q:
    """Open files whose next step falls due in ``[start, end)`` (either end may be open)."""
    query = Q(state__in=OPEN_STATES, next_due_on__isnull=False)
    if start is not None:
        query &= Q(next_due_on__gte=start)
    if end is not None:
        query &= Q(next_due_on__lt=end)
    return query


def late_q(today: datetime.date) -> Q:
    """Open files whose next step had a deadline before ``today``."""
    return Q(state__in=OPEN_STATES, next_due_is_deadline=True, next_due_on__lt=today)


def steps_due(node, period: Period) -> int:
    return Applicant.objects.in_subtree(node).filter(due_q(period.start, period.end)).count()


def steps_late(node, period: Period) -> int:
    return Applicant.objects.in_subtree(node).filter(late_q(timezone.localdate())).count()


def _list(node, **query) -> str:
    return f"{reverse('development:applicant_list')}?{urlencode({'org': node.pk, **query})}"


def register_figures() -> None:
    """Put the pipeline figures in the figures store (called from ``DevelopmentConfig.ready``)."""
    register_figure(
        Figure(
            key="development.steps_due",
            label=gettext_lazy("Pipeline steps due"),
            unit=gettext_lazy("applicants"),
            compute=steps_due,
            records_url=lambda node, period: _list(
                node, due_from=period.start.isoformat(), due_until=period.end.isoformat()
            ),
            permission=VIEW,
            description=gettext_lazy("Open files whose next step falls due in the period."),
            higher_is_better=False,
        )
    )
    register_figure(
        Figure(
            key="development.steps_late",
            label=gettext_lazy("Pipeline steps late"),
            unit=gettext_lazy("applicants"),
            compute=steps_late,
            records_url=lambda node, period: _list(node, late="on"),
            permission=VIEW,
            description=gettext_lazy(
                "Open files whose next step is past its deadline now, whatever the period."
            ),
            higher_is_better=False,
        )
    )
