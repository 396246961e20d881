"""评星定级 in the figures store: ``evaluation.stars_1`` … ``evaluation.stars_5``, the
organizations under a node whose final rating for the period's year has N stars.

``stars_q`` is shared by the figure and the star-record list it opens, so the number is the
list's length.
"""

from __future__ import annotations

from functools import partial

from django.db.models import Q
from django.urls import reverse
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy

from dangjian.core.periods import Period
from dangjian.core.registry import Figure, register_figure
from dangjian.core.workbench import with_query
from dangjian.evaluation.models import OrgStarRecord

VIEW = "evaluation.view_orgstarrecord"


def stars_q(node, year: int, stars: int) -> Q:
    """Star records of organizations strictly below ``node`` or the node itself, for ``year``."""
    return Q(org__path__startswith=node.path, year=year, stars=stars)


def orgs_with_stars(stars: int, node, period: Period) -> int:
    return OrgStarRecord.objects.filter(stars_q(node, period.last_day.year, stars)).count()


def stars_url(stars: int, node, period: Period) -> str:
    return with_query(reverse("evaluation:star_list"), org=node.pk, year=period.last_day.year, stars=stars)


def register_figures() -> None:
    for stars in range(1, 6):
        register_figure(
            Figure(
                key=f"evaluation.stars_{stars}",
                label=format_lazy(gettext_lazy("Organizations rated {stars} stars"), stars=stars),
                unit=gettext_lazy("organizations"),
                compute=partial(orgs_with_stars, stars),
                records_url=partial(stars_url, stars),
                permission=VIEW,
                description=gettext_lazy(
                    "Organizations under the node whose final star rating for the period's year has this "
                    "many stars."
                ),
            )
        )
