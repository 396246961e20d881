"""The online party school in the figures store: ``learning.study_completion``, the share of the
members of a subtree reached by a yearly study plan who completed it in the period's year.

The completion list (``learning:completion_list``) computes its rows with the same definition
(``selectors.completion_rows``), so the figure is its list's share of completed rows.
"""

from __future__ import annotations

from decimal import Decimal

from django.urls import reverse
from django.utils.translation import gettext_lazy

from dangjian.core.periods import Period
from dangjian.core.registry import Figure, register_figure
from dangjian.core.workbench import with_query
from dangjian.learning.selectors import completion_summary

VIEW = "learning.view_studyrecord"


def completion_rate(node, period: Period) -> Decimal | None:
    reached, completed = completion_summary(node, period.last_day.year)
    if not reached:
        return None
    return (Decimal(100) * completed / reached).quantize(Decimal("0.1"))


def completion_url(node, period: Period) -> str:
    return with_query(reverse("learning:completion_list"), org=node.pk, year=period.last_day.year)


def register_figures() -> None:
    register_figure(
        Figure(
            key="learning.study_completion",
            label=gettext_lazy("Study completion rate"),
            unit="%",
            compute=completion_rate,
            records_url=completion_url,
            permission=VIEW,
            description=gettext_lazy(
                "Of the active members of the organization and those below it whom a yearly study plan "
                "reaches, the share who completed its required courses and hours in the year."
            ),
        )
    )
