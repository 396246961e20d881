"""What 评星定级 shows on an organization's page: its stars year by year, with the movement."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from dangjian.core.registry import Panel
from dangjian.evaluation.models import OrgStarRecord

PANEL_YEARS = 6


def org_stars(org, user) -> dict | None:
    """The organization's star history the user may read (one query); None when it has none."""
    records = list(
        OrgStarRecord.objects.visible_to(user)
        .filter(org=org)
        .select_related("round")
        .order_by("-year")[:PANEL_YEARS]
    )
    if not records:
        return None
    return {"records": records, "org": org}


ORG_STARS_PANEL = Panel(
    key="evaluation_stars",
    title=_("Star rating"),
    template="evaluation/panels/org_stars.html",
    provider=org_stars,
    order=60,
)
