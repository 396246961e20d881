"""What the organization tree's pages and rules need to know about party members.

``orgs`` sits below ``members`` and may not import it (DESIGN.md, "Layers"), yet a branch's
warnings count its full members and a committee seat needs a full member. So this module answers
those questions and ``MembersConfig.ready()`` registers it: its functions go in the registry's
``org_providers`` store, its panels in ``org_panels`` and ``area_panels``.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import Count, Q
from django.utils.translation import gettext_lazy as _

from dangjian.core.registry import Panel
from dangjian.members.choices import MemberStatus
from dangjian.members.models import GridWorker, PartyMember
from dangjian.orgs.choices import OrgKind
from dangjian.orgs.models import Area, Organization


def member_counts(orgs: Iterable[Organization]) -> dict[int, tuple[int, int]]:
    """Active 正式 and 预备 members of each of ``orgs``, in one grouped query for any number of orgs.

    A member recorded in a 党小组 belongs to the branch above it, so the members of the party
    groups directly below an org count for that org. Answers ``{org.pk: (full, probationary)}``.
    """
    orgs = list(orgs)
    if not orgs:
        return {}
    by_path = {org.path: org for org in orgs}
    groups_below = Q(pk__in=[])
    for org in orgs:
        groups_below |= Q(org__path__startswith=org.path, org__depth=org.depth + 1)
    rows = (
        PartyMember.objects.filter(
            Q(org__in=orgs) | (groups_below & Q(org__kind=OrgKind.GROUP)), is_active=True
        )
        .values("org__path", "status")
        .annotate(total=Count("id"))
        .order_by()
    )
    counts = {org.pk: [0, 0] for org in orgs}
    for row in rows:
        path = row["org__path"]
        owner = by_path.get(path) or by_path.get(path[: -Organization.steplen])
        if owner is None:
            continue
        slot = 0 if row["status"] == MemberStatus.FULL else 1
        counts[owner.pk][slot] += row["total"]
    return {pk: (full, probationary) for pk, (full, probationary) in counts.items()}


def party_membership(person) -> tuple[bool, Organization] | None:
    """The person's active membership as (is a 正式党员, organization), or None (one query)."""
    membership = PartyMember.objects.filter(person=person, is_active=True).select_related("org").first()
    if membership is None:
        return None
    return membership.status == MemberStatus.FULL, membership.org


def org_member_panel(org: Organization, user) -> dict:
    """The full and probationary members of the org's subtree the user may see (one query)."""
    members = dict(
        PartyMember.objects.visible_to(user)
        .filter(org__path__startswith=org.path, is_active=True)
        .values_list("status")
        .annotate(total=Count("pk"))
        .order_by()
    )
    return {
        "full_members": members.get(MemberStatus.FULL, 0),
        "probationary_members": members.get(MemberStatus.PROBATIONARY, 0),
    }


def area_worker_panel(area: Area, user) -> dict:
    """The active grid workers (and grid leaders) of the area's subtree the user may see (one query)."""
    workers = (
        GridWorker.objects.visible_to(user)
        .filter(area__path__startswith=area.path, is_active=True)
        .aggregate(total=Count("pk"), leaders=Count("pk", filter=Q(kind="grid_leader")))
    )
    return {"workers": workers}


ORG_MEMBERS_PANEL = Panel(
    key="members",
    title=_("Party members"),
    template="members/panels/org_members.html",
    provider=org_member_panel,
    order=10,
)
AREA_WORKERS_PANEL = Panel(
    key="grid_workers",
    title=_("Grid workers"),
    template="members/panels/area_workers.html",
    provider=area_worker_panel,
    order=10,
)
