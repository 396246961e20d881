"""What the organization tree's pages show about party members and grid workers.

``orgs`` sits below ``members`` and may not import it (DESIGN.md, "Layers"), so the org and area
pages show these counts as panels that ``MembersConfig.ready()`` registers in the registry's
``org_panels`` and ``area_panels``; the organization rules' questions are answered by
``members.org_membership``.
"""

from __future__ import annotations

from django.db.models import Count, Q
from django.utils.translation import gettext_lazy as _

from dangjian.core.registry import Panel
from dangjian.members.choices import MemberStatus
from dangjian.members.models import GridWorker, PartyMember
from dangjian.orgs.models import Area, Organization


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
