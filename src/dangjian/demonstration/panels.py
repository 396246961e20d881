"""What 示范点 shows on an organization's page: its designations, active first (one query)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from dangjian.core.registry import Panel
from dangjian.demonstration.models import Designation

PANEL_LIMIT = 10


def org_designations(org, user) -> dict | None:
    designations = list(
        Designation.objects.visible_to(user)
        .filter(org=org)
        .select_related("standard_set")
        .order_by("state", "-since", "-id")[:PANEL_LIMIT]
    )
    if not designations:
        return None
    return {"designations": designations, "org": org}


ORG_DESIGNATIONS_PANEL = Panel(
    key="demonstration",
    title=_("Demonstration points"),
    template="demonstration/panels/org_designations.html",
    provider=org_designations,
    order=60,
)
