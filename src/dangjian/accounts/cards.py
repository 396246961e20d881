"""What accounts puts on the 工作台: where the user's roles apply, with links to those nodes."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from dangjian.core.registry import DashboardCard


def places(user) -> dict:
    """The user's active role assignments with their node's page (one query)."""
    assignments = list(
        user.role_assignments.filter(is_active=True).select_related("role", "org", "area").order_by("id")
    )
    rows = []
    for assignment in assignments:
        if assignment.org_id:
            url = reverse("orgs:org_detail", kwargs={"pk": assignment.org_id})
        else:
            url = reverse("orgs:area_detail", kwargs={"pk": assignment.area_id})
        rows.append({"assignment": assignment, "node": assignment.node, "url": url})
    return {"places": rows}


PLACES_CARD = DashboardCard(
    key="places",
    title=_("Where your roles apply"),
    template="accounts/cards/places.html",
    provider=places,
    order=10,
)
