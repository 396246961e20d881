"""The organization tree's own figure in the platform's figures store: ``orgs.grids``, the active
grids of an area's subtree (or of an organization's jurisdiction), as "全区划分为N个网格" counts them.

Its records are the area list filtered to the same grids (``kind=grid``, active, ``within`` an
area or in an organization's ``jurisdiction_of``), so the number and the list behind it agree.
"""

from __future__ import annotations

from urllib.parse import urlencode

from django.urls import reverse
from django.utils.translation import gettext_lazy

from dangjian.core.periods import Period
from dangjian.core.registry import AREA_TREE, ORG_TREE, Figure, register_figure
from dangjian.orgs.choices import AreaKind
from dangjian.orgs.models import Area, Organization

VIEW = "orgs.view_area"


def grid_area(node) -> Area | None:
    """The area whose grids a node counts: an area itself, an organization's jurisdiction."""
    if isinstance(node, Area):
        return node
    if isinstance(node, Organization) and node.jurisdiction_id is not None:
        return node.jurisdiction
    return None


def grids(node, period: Period) -> int | None:
    """Active grids in the node's area subtree now (None for an organization without one)."""
    area = grid_area(node)
    if area is None:
        return None
    return Area.objects.filter(path__startswith=area.path, kind=AreaKind.GRID, is_active=True).count()


def grids_url(node, period: Period) -> str:
    """The area list of the same grids: ``within`` an area, in an organization's jurisdiction."""
    query = {"kind": AreaKind.GRID, "is_active": "true"}
    query["within" if isinstance(node, Area) else "jurisdiction_of"] = node.pk
    return f"{reverse('orgs:area_list')}?{urlencode(query)}"


def register_figures() -> None:
    """Put the tree's figures in the store (called from ``OrgsConfig.ready``)."""
    register_figure(
        Figure(
            key="orgs.grids",
            label=gettext_lazy("Grids"),
            unit=gettext_lazy("grids"),
            compute=grids,
            records_url=grids_url,
            trees=(ORG_TREE, AREA_TREE),
            permission=VIEW,
            description=gettext_lazy(
                "Active grids in the area and below it (an organization's jurisdiction), now."
            ),
        )
    )
