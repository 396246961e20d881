"""帮扶对子 in the platform's figures store: pairs active, visits in a period and problems solved
in a period, each over an organization's subtree (the organization owning the pair).

The visit list (``help_pairs:visit_list``) and the pair list (``help_pairs:pair_list``) filter
with the same definitions (``active_q``, ``visits_q``), so a figure's number is its list's length.
"""

from __future__ import annotations

from django.db.models import Q, Sum
from django.urls import reverse
from django.utils.translation import gettext_lazy

from dangjian.core.periods import Period
from dangjian.core.registry import Figure, register_figure
from dangjian.core.workbench import with_query
from dangjian.help_pairs.choices import PairState
from dangjian.help_pairs.models import HelpPair, Visit

VIEW = "help_pairs.view_helppair"


def active_q(org) -> Q:
    return Q(org__path__startswith=org.path, state=PairState.ACTIVE)


def visits_q(org, period: Period) -> Q:
    return Q(pair__org__path__startswith=org.path, visited_on__gte=period.start, visited_on__lt=period.end)


def pairs_active(node, period: Period) -> int:
    return HelpPair.objects.filter(active_q(node)).count()


def visits_in_period(node, period: Period) -> int:
    return Visit.objects.filter(visits_q(node, period)).count()


def problems_solved(node, period: Period) -> int:
    total = Visit.objects.filter(visits_q(node, period)).aggregate(total=Sum("problems_solved_count"))[
        "total"
    ]
    return int(total or 0)


def pairs_url(node, period: Period) -> str:
    return with_query(reverse("help_pairs:pair_list"), org=node.pk, state=PairState.ACTIVE)


def _visits_url(node, period: Period, **extra) -> str:
    last = period.end.fromordinal(period.end.toordinal() - 1)
    return with_query(
        reverse("help_pairs:visit_list"),
        org=node.pk,
        start=period.start.isoformat(),
        end=last.isoformat(),
        **extra,
    )


def visits_url(node, period: Period) -> str:
    return _visits_url(node, period)


def solved_url(node, period: Period) -> str:
    return _visits_url(node, period, solved=1)


def register_figures() -> None:
    register_figure(
        Figure(
            key="help_pairs.active",
            label=gettext_lazy("Help pairs active"),
            unit=gettext_lazy("pairs"),
            compute=pairs_active,
            records_url=pairs_url,
            permission=VIEW,
            description=gettext_lazy("Active help pairs owned by the organization and those below it, now."),
        )
    )
    register_figure(
        Figure(
            key="help_pairs.visits",
            label=gettext_lazy("Help pair visits"),
            unit=gettext_lazy("visits"),
            compute=visits_in_period,
            records_url=visits_url,
            permission=VIEW,
            description=gettext_lazy("Visits logged on the organization's help pairs in the period."),
        )
    )
    register_figure(
        Figure(
            key="help_pairs.problems_solved",
            label=gettext_lazy("Problems solved by help pairs"),
            unit=gettext_lazy("problems"),
            compute=problems_solved,
            records_url=solved_url,
            permission=VIEW,
            description=gettext_lazy("Problems solved, as counted on the visits of the period."),
        )
    )
