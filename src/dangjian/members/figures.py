"""Party members and grid workers in the platform's figures store: active members of an
organization's subtree, the grid workers of an area's subtree (or of an organization's
jurisdiction), how many of them are party members, and that share.

Grid workers are counted as people (one person holding two posts counts once), as the people
list their records link to shows them; ``grid_workers_q`` is the one definition both read.
"""

from __future__ import annotations

from decimal import Decimal
from urllib.parse import urlencode

from django.db.models import Count, Exists, OuterRef, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy

from dangjian.core.counted_figures import counted_figure
from dangjian.core.periods import Period
from dangjian.core.registry import AREA_TREE, ORG_TREE, Figure, register_figure
from dangjian.members.models import GridWorker, PartyMember
from dangjian.orgs.models import Area, Organization


def area_path_of(node) -> str | None:
    """The area subtree a node's grid workers are counted over: an area's own, or an
    organization's jurisdiction (None for an organization without one)."""
    if isinstance(node, Area):
        return node.path
    if isinstance(node, Organization) and node.jurisdiction_id is not None:
        return node.jurisdiction.path
    return None


def _is_member() -> Exists:
    return Exists(PartyMember.objects.filter(person=OuterRef("person_id"), is_active=True))


def grid_workers_q(area_path: str, *, members_only: bool = False) -> Q:
    """People with an active grid post in the area subtree at ``area_path`` (and, with
    ``members_only``, an active party membership): over ``core.Person``, for the records list."""
    query = Q(
        pk__in=GridWorker.objects.filter(is_active=True, area__path__startswith=area_path).values("person_id")
    )
    if members_only:
        query &= Q(Exists(PartyMember.objects.filter(person=OuterRef("pk"), is_active=True)))
    return query


def grid_worker_counts(node, period: Period | None = None) -> dict[str, int] | None:
    """``{"workers": n, "members": m}``: the distinct people ``grid_workers_q`` lists, counted from
    the posts' side (thousands of posts, not the hundreds of thousands of people); one query.
    None when the node has no area to count over."""
    path = area_path_of(node)
    if path is None:
        return None
    return GridWorker.objects.filter(is_active=True, area__path__startswith=path).aggregate(
        workers=Count("person_id", distinct=True),
        members=Count("person_id", distinct=True, filter=Q(_is_member())),
    )


def active_members(node, period: Period) -> int:
    return PartyMember.objects.filter(org__path__startswith=node.path, is_active=True).count()


def grid_workers(node, period: Period) -> int | None:
    counts = grid_worker_counts(node, period)
    return None if counts is None else counts["workers"]


def grid_workers_members(node, period: Period) -> int | None:
    counts = grid_worker_counts(node, period)
    return None if counts is None else counts["members"]


def grid_worker_member_share(node, period: Period) -> Decimal | None:
    return _share(grid_worker_counts(node, period))


# The three grid-worker figures read one ``grid_worker_counts`` (a page showing them all, the
# 工作台's key figures or the big screen, counts once: core.counted_figures).
def _workers(counts: dict[str, int] | None) -> int | None:
    return None if counts is None else counts["workers"]


def _members(counts: dict[str, int] | None) -> int | None:
    return None if counts is None else counts["members"]


def _share(counts: dict[str, int] | None) -> Decimal | None:
    if not counts or not counts["workers"]:
        return None
    return (Decimal(counts["members"]) / Decimal(counts["workers"])).quantize(Decimal("0.0001"))


def people_url(node, *, members_only: bool = False) -> str:
    """The people list of the node's grid workers (only those who are members, when asked)."""
    query = {"grid_area" if isinstance(node, Area) else "grid_org": node.pk}
    if members_only:
        query["member"] = "yes"
    return f"{reverse('members:person_list')}?{urlencode(query)}"


def register_figures() -> None:
    """Put the member and grid-worker figures in the store (called from ``MembersConfig.ready``)."""
    register_figure(
        Figure(
            key="members.active_members",
            label=gettext_lazy("Party members"),
            unit=gettext_lazy("members"),
            compute=active_members,
            records_url=lambda node, period: (
                f"{reverse('members:member_list')}?{urlencode({'org': node.pk})}"
            ),
            permission="members.view_partymember",
            description=gettext_lazy(
                "Active party members of the organization and everything below it, now."
            ),
        )
    )
    register_figure(
        counted_figure(
            "members.grid_workers",
            gettext_lazy("Grid workers"),
            gettext_lazy("people"),
            counts=grid_worker_counts,
            pick=_workers,
            records_url=lambda node, period: people_url(node),
            trees=(ORG_TREE, AREA_TREE),
            permission="core.view_person",
            description=gettext_lazy(
                "People with an active grid post in the area (an organization's jurisdiction), now."
            ),
        )
    )
    register_figure(
        counted_figure(
            "members.grid_workers_members",
            gettext_lazy("Grid workers who are party members"),
            gettext_lazy("people"),
            counts=grid_worker_counts,
            pick=_members,
            records_url=lambda node, period: people_url(node, members_only=True),
            trees=(ORG_TREE, AREA_TREE),
            permission="core.view_person",
            description=gettext_lazy("Grid workers with an active party membership, now."),
        )
    )
    register_figure(
        counted_figure(
            "members.grid_worker_member_share",
            gettext_lazy("Share of grid workers who are party members"),
            gettext_lazy("ratio (0–1)"),
            counts=grid_worker_counts,
            pick=_share,
            records_url=lambda node, period: people_url(node, members_only=True),
            trees=(ORG_TREE, AREA_TREE),
            permission="core.view_person",
            description=gettext_lazy("Grid workers who are party members, among all grid workers, now."),
        )
    )
