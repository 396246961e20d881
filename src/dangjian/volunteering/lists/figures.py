"""The lists' figures in the platform's store: needs met and 微心愿 confirmed in a period, over an
organization's or an area's subtree. Each opens the list filtered to exactly the rows it counts
(``met_q`` / ``confirmed_q`` are the one definition the figure and the list share).
"""

from __future__ import annotations

from urllib.parse import urlencode

from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy

from dangjian.core.periods import Period
from dangjian.core.registry import AREA_TREE, ORG_TREE, Figure, register_figure
from dangjian.orgs.models import Organization
from dangjian.volunteering.choices import NeedState, WishState
from dangjian.volunteering.lists.views.common import start_of
from dangjian.volunteering.models import Need, Wish


def _node_q(node) -> Q:
    if isinstance(node, Organization):
        return Q(org__path__startswith=node.path)
    return Q(area__path__startswith=node.path)


def _when_q(field: str, period: Period) -> Q:
    return Q(**{f"{field}__gte": start_of(period.start), f"{field}__lt": start_of(period.end)})


def met_q(node, period: Period) -> Q:
    """Needs of ``node``'s subtree marked met within ``period``."""
    return _node_q(node) & Q(state=NeedState.MET) & _when_q("met_at", period)


def confirmed_q(node, period: Period) -> Q:
    """Wishes of ``node``'s subtree whose fulfilment was confirmed within ``period``."""
    return _node_q(node) & Q(state=WishState.CONFIRMED) & _when_q("confirmed_at", period)


def needs_met(node, period: Period) -> int:
    return Need.objects.filter(met_q(node, period)).count()


def wishes_fulfilled(node, period: Period) -> int:
    return Wish.objects.filter(confirmed_q(node, period)).count()


def _records_url(url_name: str, state: str):
    def records_url(node, period: Period) -> str:
        place = "org" if isinstance(node, Organization) else "area"
        query = {
            place: node.pk,
            "state": state,
            "from": period.start.isoformat(),
            "to": period.end.isoformat(),
        }
        return f"{reverse(url_name)}?{urlencode(query)}"

    return records_url


def register_figures() -> None:
    register_figure(
        Figure(
            key="volunteering.needs_met",
            label=gettext_lazy("Needs met"),
            unit=gettext_lazy("needs"),
            compute=needs_met,
            records_url=_records_url("volunteering:need_list", NeedState.MET),
            trees=(ORG_TREE, AREA_TREE),
            permission="volunteering.view_need",
            description=gettext_lazy("Needs of the 需求清单 marked met in the period, by where they are."),
        )
    )
    register_figure(
        Figure(
            key="volunteering.wishes_fulfilled",
            label=gettext_lazy("Micro-wishes fulfilled"),
            unit=gettext_lazy("wishes"),
            compute=wishes_fulfilled,
            records_url=_records_url("volunteering:wish_list", WishState.CONFIRMED),
            trees=(ORG_TREE, AREA_TREE),
            permission="volunteering.view_wish",
            description=gettext_lazy(
                "微心愿 whose fulfilment the resident (or staff for them) confirmed in the period."
            ),
        )
    )
